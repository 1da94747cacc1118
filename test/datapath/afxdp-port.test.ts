// afxdp ports on real veths, and the same end-to-end cases for afpacket
// ports, each kind forced explicitly: network namespaces hold one end of
// a veth pair each, the root-namespace ends are attached to an in-process
// switch (l2-learning).  Real kernel stacks ping, move a few MB over TCP
// and UDP (digests compared end to end), ARP through the flood, and
// learning keeps their unicast off a third port; link down/up and a veth
// deleted under traffic are seen; idle workers sleep.  The afxdp-only
// cases check how it attached (native XDP on veth, generic when forced),
// several queues, the MTU it refuses and a second program it will not
// replace.
//
// Needs root and `ip netns`; otherwise skipped (pending, never passed).
// Every namespace and veth is created here with a per-run name and removed
// in the after hooks; only 10.99.x.x addresses inside those namespaces.
import { expect } from 'chai';

import type { NativeSwitch, SwitchEvent } from '../../controller-agent/src/datapath';
import { ip, Netns, ping } from '../support/netns';
import { macOf, perQueueStat, QueuedHosts, tcpTransfer, txChecksumOff, udpTransfer } from '../support/netns-traffic';
import { sleep, waitFor } from '../support/wait';
import { makeRig, receive } from './switch-rig';
import type { Rig } from './switch-rig';
import { idleOver, skipUnlessNetns, twoHosts } from './two-hosts';

type Kind = 'afxdp' | 'afpacket';

const isArpBroadcast = (f: Buffer): boolean =>
  f.length >= 14 && f.subarray(0, 6).equals(Buffer.alloc(6, 0xff)) && f.readUInt16BE(12) === 0x0806;

function attach(sw: NativeSwitch, kind: Kind, ifname: string, extra: { worker?: number; port?: number } = {}): number {
  return kind === 'afxdp' ? sw.addAfXdpPort({ ifname, ...extra }) : sw.addAfPacketPort({ ifname, ...extra });
}

for (const kind of ['afxdp', 'afpacket'] as Kind[]) {
  describe(`${kind} port forced: namespaces on veths through the switch`, function () {
    this.timeout(60000);
    // See txChecksumOff: the switch sees frames as the wire would.
    const t = twoHosts((h) => txChecksumOff(h.ns, h.inner));

    it('pings both ways, counts what it forwarded, and sleeps when idle', async function () {
      t.rig = await makeRig();
      const a = attach(t.rig.sw, kind, t.h1.outer);
      const b = attach(t.rig.sw, kind, t.h2.outer);
      expect(t.port(a)).to.include({ kind, name: t.h1.outer, up: true });
      const there = await ping(t.h1.ns, t.h2.addr);
      const back = await ping(t.h2.ns, t.h1.addr);
      expect(there.received, there.output).to.equal(5);
      expect(back.received, back.output).to.equal(5);
      // eslint-disable-next-line no-console
      console.log(`      ${kind} ping RTT min/avg/max ${there.rttMinMs}/${there.rttAvgMs}/${there.rttMaxMs} ms`);
      const pa = t.port(a);
      const pb = t.port(b);
      for (const [p, dir] of [[pa, 'a'], [pb, 'b']] as const) {
        expect(p.rxPackets, `${dir} rx`).to.be.at.least(11);  // ARP + 5 requests + 5 replies
        expect(p.txPackets, `${dir} tx`).to.be.at.least(11);
        expect(p.rxBytes, `${dir} rx bytes`).to.be.at.least(p.rxPackets * 42);
        expect(Object.values(p.drops).reduce((x, y) => x + y, 0), `${p.name} drops`).to.equal(0);
      }
      const idle = await idleOver(t.rig.sw, 1000);
      expect(idle.busySeconds, 'worker busy time over 1 s idle').to.be.below(0.2);
      expect(idle.wakeups, 'worker wake-ups over 1 s idle').to.be.below(100);
    });

    it('carries a 4 MB TCP transfer and 3000 UDP datagrams intact (digests compared)', async function () {
      t.rig = await makeRig({ workers: 2 });
      attach(t.rig.sw, kind, t.h1.outer, { worker: 0 });
      attach(t.rig.sw, kind, t.h2.outer, { worker: 1 });
      const tcp = await tcpTransfer(t.h2.ns, t.h2.addr, t.h1.ns, 4 << 20);
      expect(tcp.receivedBytes).to.equal(4 << 20);
      expect(tcp.receivedSha256).to.equal(tcp.sentSha256);
      const back = await tcpTransfer(t.h1.ns, t.h1.addr, t.h2.ns, 4 << 20, 5203, 7);
      expect(back.receivedSha256).to.equal(back.sentSha256);
      const udp = await udpTransfer(t.h2.ns, t.h2.addr, t.h1.ns, 3000);
      expect(udp).to.deep.equal({ sent: 3000, received: 3000, corrupt: 0, duplicates: 0 });
    });

    it('floods ARP to every port and confines learned unicast to its port', async function () {
      t.rig = await makeRig();
      attach(t.rig.sw, kind, t.h1.outer);
      attach(t.rig.sw, kind, t.h2.outer);
      const client = await t.rig.connect(9);
      receive(client, Number.MAX_SAFE_INTEGER, 100);
      const r = await ping(t.h1.ns, t.h2.addr, ['-c', '20', '-i', '0.05', '-W', '2']);
      expect(r.received, r.output).to.equal(20);
      const seen = receive(client, Number.MAX_SAFE_INTEGER, 300);
      expect(seen.some(isArpBroadcast), 'the third port saw the ARP request').to.equal(true);
      const m1 = macOf(t.h1.ns, t.h1.inner);
      const m2 = macOf(t.h2.ns, t.h2.inner);
      // The first frame to each MAC may flood before the switch learned it
      // (the ARP reply, the first echo); after that, none reach the memif.
      const unicast = seen.filter((f) => f.subarray(0, 6).equals(m1) || f.subarray(0, 6).equals(m2));
      expect(unicast.length, 'unicast frames that reached the third port').to.be.at.most(2);
      const r2 = await ping(t.h2.ns, t.h1.addr, ['-c', '20', '-i', '0.02', '-W', '2']);
      expect(r2.received, r2.output).to.equal(20);
      const later = receive(client, Number.MAX_SAFE_INTEGER, 300)
        .filter((f) => f.subarray(0, 6).equals(m1) || f.subarray(0, 6).equals(m2));
      expect(later, 'unicast to learned MACs reaching the third port').to.have.length(0);
    });

    it('sees link down and up on an attached veth, and forwards again once it is up', async function () {
      t.rig = await makeRig();
      const events: SwitchEvent[] = [];
      t.rig.sw.onEvent((e) => events.push(e));
      const a = attach(t.rig.sw, kind, t.h1.outer);
      attach(t.rig.sw, kind, t.h2.outer);
      expect((await ping(t.h1.ns, t.h2.addr, ['-c', '1', '-W', '2'])).received).to.equal(1);
      ip('link', 'set', t.h1.outer, 'down');
      await waitFor(() => !t.port(a).up, { what: `${kind} port down`, timeoutMs: 3000 });
      expect((await ping(t.h2.ns, t.h1.addr, ['-c', '1', '-W', '1'])).received).to.equal(0);
      ip('link', 'set', t.h1.outer, 'up');
      await waitFor(() => t.port(a).up, { what: `${kind} port up`, timeoutMs: 3000 });
      const r = await ping(t.h2.ns, t.h1.addr, ['-c', '3', '-W', '2']);
      expect(r.received, r.output).to.equal(3);
      await waitFor(() => events.some((e) => e.type === 'link-up' && e.port === a), { what: 'link-up event', timeoutMs: 2000 });
      expect(events.some((e) => e.type === 'link-down' && e.port === a), 'link-down event').to.equal(true);
    });

    it('removes the port of a veth deleted under traffic without crashing, and keeps forwarding for the others', async function () {
      t.rig = await makeRig({ workers: 2 });
      const h3 = t.net.addHost('c', '10.99.0.3');
      txChecksumOff(h3.ns, h3.inner);
      attach(t.rig.sw, kind, t.h1.outer, { worker: 0 });
      const b = attach(t.rig.sw, kind, t.h2.outer, { worker: 1 });
      attach(t.rig.sw, kind, h3.outer, { worker: 1 });
      const flood = ping(t.h1.ns, t.h2.addr, ['-f', '-c', '100000', '-w', '3']);
      const udp = udpTransfer(t.h2.ns, t.h2.addr, h3.ns, 100000, 1400, 5204, 64).catch(() => undefined);
      await sleep(500);
      t.net.deleteLink(t.h2.outer);
      await Promise.all([flood, udp]);
      await waitFor(() => !t.rig!.sw.ports().some((p) => p.index === b), { what: 'the deleted veth\'s port removed', timeoutMs: 3000 });
      const r = await ping(t.h1.ns, h3.addr, ['-c', '3', '-W', '2']);
      expect(r.received, r.output).to.equal(3);
      const idle = await idleOver(t.rig.sw, 1000);
      expect(idle.busySeconds, 'worker busy time over 1 s after the veth went').to.be.below(0.2);
    });
  });
}

describe('afxdp port specifics', function () {
  this.timeout(60000);
  let net: Netns;
  let qh: QueuedHosts;
  let rig: Rig | undefined;

  before(skipUnlessNetns);
  beforeEach(function () {
    net = new Netns();
    qh = new QueuedHosts();
  });
  afterEach(function () {
    rig?.close();
    rig = undefined;
    qh?.cleanup();
    net?.cleanup();
  });

  it('attaches in native XDP mode on a veth, in generic mode when forced, and says so', async function () {
    rig = await makeRig();
    const h1 = net.addHost('a', '10.99.0.1');
    const h2 = net.addHost('b', '10.99.0.2');
    const a = rig.sw.addAfXdpPort({ ifname: h1.outer });
    const b = rig.sw.addAfXdpPort({ ifname: h2.outer, xdpMode: 'generic' });
    expect(rig.sw.afXdpInfo(a)).to.include({ xdpMode: 'native', queues: 1, mtu: 1500, zeroCopy: false });
    expect(rig.sw.afXdpInfo(b)).to.include({ xdpMode: 'generic', zeroCopy: false });
    // The link shows our program while attached, and not after removal.
    expect(ip('link', 'show', 'dev', h1.outer)).to.match(/xdp/);
    const r = await ping(h1.ns, h2.addr, ['-c', '3', '-W', '2']);
    expect(r.received, r.output).to.equal(3);
    rig.sw.removePort(a);
    expect(ip('link', 'show', 'dev', h1.outer)).to.not.match(/prog\/xdp/);
    expect(() => rig!.sw.afXdpInfo(a)).to.throw(/no afxdp port/);
  });

  it('opens a socket per queue of a 4-queue veth and uses them all (parallel TCP flows, two workers)', async function () {
    rig = await makeRig({ workers: 2 });
    const h1 = qh.addHost('q', '10.99.2.1', 4);
    const h2 = qh.addHost('r', '10.99.2.2', 4);
    for (const h of [h1, h2]) txChecksumOff(h.ns, h.inner);
    const a = rig.sw.addAfXdpPort({ ifname: h1.outer });
    rig.sw.addAfXdpPort({ ifname: h2.outer });
    expect(rig.sw.afXdpInfo(a).queues).to.equal(4);
    const pa = rig.sw.ports().find((p) => p.index === a)!;
    expect(pa).to.include({ rxQueues: 4, txQueues: 4 });
    expect(rig.sw.workers().map((w) => w.queues)).to.deep.equal([4, 4]);
    const flows = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
      tcpTransfer(h2.ns, h2.addr, h1.ns, 1 << 20, 5300 + i, i + 1)));
    for (const f of flows) expect(f.receivedSha256).to.equal(f.sentSha256);
    const used = perQueueStat(h1.outer, 'xdp_redirect').filter((n) => n > 0).length;
    expect(used, 'receive queues of the veth that redirected frames to our sockets').to.be.at.least(2);
  });

  it('refuses an MTU its buffers cannot hold, naming afpacket for jumbo frames', async function () {
    rig = await makeRig();
    const j = net.addHost('j', '10.99.1.1', 9000);
    expect(() => rig!.sw.addAfXdpPort({ ifname: j.outer })).to.throw(/MTU 9000.*afpacket/);
    expect(rig.sw.ports()).to.have.length(0);
    expect(ip('link', 'show', 'dev', j.outer)).to.not.match(/prog\/xdp/);
  });

  it('refuses an interface that already has an XDP program, and one that does not exist', async function () {
    rig = await makeRig();
    const h1 = net.addHost('a', '10.99.0.1');
    const h2 = net.addHost('b', '10.99.0.2');
    rig.sw.addAfXdpPort({ ifname: h1.outer });
    rig.sw.addAfXdpPort({ ifname: h2.outer });
    expect(() => rig!.sw.addAfXdpPort({ ifname: h1.outer, port: 9 })).to.throw(/XDP program/);
    expect(rig.sw.ports().map((p) => p.index)).to.deep.equal([1, 2]);
    expect((await ping(h1.ns, h2.addr, ['-c', '2', '-W', '2'])).received, 'the first port still works').to.equal(2);
    expect(() => rig!.sw.addAfXdpPort({ ifname: 'msw-no-such' })).to.throw(/no interface/);
  });

  it('is removed and re-added under traffic without losing the interface', async function () {
    rig = await makeRig();
    const h1 = net.addHost('a', '10.99.0.1');
    const h2 = net.addHost('b', '10.99.0.2');
    const a = rig.sw.addAfXdpPort({ ifname: h1.outer });
    rig.sw.addAfXdpPort({ ifname: h2.outer });
    const flood = ping(h1.ns, h2.addr, ['-i', '0.01', '-c', '200', '-W', '1']);
    await sleep(500);
    rig.sw.removePort(a);
    const r = await flood;
    expect(r.received, r.output).to.be.greaterThan(0);
    expect(r.received, r.output).to.be.lessThan(200);
    expect(rig.sw.addAfXdpPort({ ifname: h1.outer, port: a })).to.equal(a);
    const r2 = await ping(h1.ns, h2.addr, ['-c', '3', '-W', '2']);
    expect(r2.received, r2.output).to.equal(3);
  });
});
