// afpacket ports on real veths: two network namespaces, each holding one
// end of a veth pair, whose root-namespace ends are attached to an
// in-process switch (l2-learning) as AF_PACKET ports.  Real kernel stacks
// ping each other through the switch; a memif client on the same switch
// sees their flooded ARP (port kinds mix); removing a port or deleting its
// veth under traffic leaves the switch working.
//
// Needs root and `ip netns`; otherwise skipped (pending, never passed).
// Every namespace and veth is created here with a per-run name and removed
// in the after hooks; only 10.99.0.x addresses inside those namespaces.
import { expect } from 'chai';

import type { NativeMemifClient, PortInfo } from '../../controller-agent/src/datapath';
import { injectFrames, Netns, netnsUnavailable, ping } from '../support/netns';
import type { NetnsHost } from '../support/netns';
import { sleep } from '../support/wait';
import { BROADCAST, frame, mac, makeRig, receive } from './switch-rig';
import type { Rig } from './switch-rig';

const isArpBroadcast = (f: Buffer): boolean =>
  f.length >= 14 && f.subarray(0, 6).equals(Buffer.alloc(6, 0xff)) && f.readUInt16BE(12) === 0x0806;

describe('afpacket port (veths in network namespaces)', function () {
  let net: Netns;
  let rig: Rig | undefined;
  let h1: NetnsHost;
  let h2: NetnsHost;

  before(function () {
    const why = netnsUnavailable();
    if (why) {
      // eslint-disable-next-line no-console
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  beforeEach(function () {
    net = new Netns();
    h1 = net.addHost('a', '10.99.0.1');
    h2 = net.addHost('b', '10.99.0.2');
  });

  afterEach(function () {
    rig?.close();
    rig = undefined;
    net?.cleanup();
  });

  const port = (index: number): PortInfo => {
    const p = rig!.sw.ports().find((x) => x.index === index);
    if (!p) throw new Error(`no port ${index}`);
    return p;
  };

  // Worker wake-ups and busy time over 'ms' of no traffic: an idle switch
  // sleeps in epoll on the ports' sockets rather than spinning.
  const idleOver = async (ms: number): Promise<{ wakeups: number; busySeconds: number }> => {
    const sum = () => rig!.sw.workers().reduce((t, w) => ({ wakeups: t.wakeups + w.wakeups, busySeconds: t.busySeconds + w.busySeconds }),
      { wakeups: 0, busySeconds: 0 });
    const before = sum();
    await sleep(ms);
    const after = sum();
    return { wakeups: after.wakeups - before.wakeups, busySeconds: after.busySeconds - before.busySeconds };
  };

  it('pings between two namespaces through the switch; counters match; a memif client sees the ARP flood', async function () {
    rig = await makeRig();
    const a = rig.sw.addAfPacketPort({ ifname: h1.outer });
    const b = rig.sw.addAfPacketPort({ ifname: h2.outer, name: 'ns2-veth' });
    const client: NativeMemifClient = await rig.connect(7);
    expect(port(a)).to.include({ kind: 'afpacket', name: h1.outer, up: true, rxQueues: 1, txQueues: 1 });
    expect(port(b).name).to.equal('ns2-veth');

    const r = await ping(h1.ns, h2.addr);
    expect(r.received, r.output).to.equal(5);
    // eslint-disable-next-line no-console
    console.log(`      ping RTT through the switch: min/avg/max ${r.rttMinMs}/${r.rttAvgMs}/${r.rttMaxMs} ms`);

    // One ARP request and reply at least, and 5 echo requests and replies.
    const pa = port(a);
    const pb = port(b);
    expect(pa.rxPackets, 'ns1 -> switch').to.be.at.least(6);
    expect(pb.txPackets, 'switch -> ns2').to.be.at.least(6);
    expect(pb.rxPackets, 'ns2 -> switch').to.be.at.least(6);
    expect(pa.txPackets, 'switch -> ns1').to.be.at.least(6);
    expect(pa.rxBytes).to.be.at.least(pa.rxPackets * 42);
    for (const p of [pa, pb]) expect(Object.values(p.drops).reduce((x, y) => x + y, 0), `${p.name} drops`).to.equal(0);

    const got = receive(client, Number.MAX_SAFE_INTEGER, 500);
    expect(got.some(isArpBroadcast), 'memif client saw the flooded ARP request').to.equal(true);

    // Idle (bar the odd IPv6 chatter of the namespaces): asleep, not polling.
    const idle = await idleOver(1000);
    expect(idle.busySeconds, 'worker busy time over 1 s idle').to.be.below(0.2);
    expect(idle.wakeups, 'worker wake-ups over 1 s idle').to.be.below(100);
  });

  it('takes concurrent transmits from two workers into one port (flood pings from two namespaces)', async function () {
    rig = await makeRig({ workers: 2 });
    const h3 = net.addHost('c', '10.99.0.3');
    const a = rig.sw.addAfPacketPort({ ifname: h1.outer, worker: 0 });
    const b = rig.sw.addAfPacketPort({ ifname: h2.outer, worker: 0 });
    const c = rig.sw.addAfPacketPort({ ifname: h3.outer, worker: 1 });
    const [r1, r3] = await Promise.all([
      ping(h1.ns, h2.addr, ['-f', '-c', '2000', '-W', '2']),
      ping(h3.ns, h2.addr, ['-f', '-c', '2000', '-W', '2']),
    ]);
    expect(r1.received, r1.output).to.equal(2000);
    expect(r3.received, r3.output).to.equal(2000);
    expect(port(b).txPackets, 'into ns2 from both workers').to.be.at.least(4000);
    expect(port(b).rxPackets).to.be.at.least(4000);
    expect(port(a).txPackets + port(c).txPackets).to.be.at.least(4000);
    expect(port(b).drops['no-space']).to.equal(0);
  });

  it('removes a port while pinging without crashing, and works again once re-added', async function () {
    rig = await makeRig();
    const a = rig.sw.addAfPacketPort({ ifname: h1.outer });
    rig.sw.addAfPacketPort({ ifname: h2.outer });
    const flood = ping(h1.ns, h2.addr, ['-i', '0.01', '-c', '200', '-W', '1']);
    await sleep(500);
    rig.sw.removePort(a);
    expect(rig.sw.ports().map((p) => p.index)).to.not.include(a);
    const r = await flood;
    expect(r.received, r.output).to.be.greaterThan(0);
    expect(r.received, r.output).to.be.lessThan(200);

    const again = rig.sw.addAfPacketPort({ ifname: h1.outer, port: a });
    expect(again).to.equal(a);
    const r2 = await ping(h1.ns, h2.addr, ['-c', '3', '-W', '2']);
    expect(r2.received, r2.output).to.equal(3);
  });

  it('keeps forwarding for others when an attached veth is deleted under traffic', async function () {
    rig = await makeRig();
    const a = rig.sw.addAfPacketPort({ ifname: h1.outer });
    const b = rig.sw.addAfPacketPort({ ifname: h2.outer });
    const client = await rig.connect(3);
    const flood = ping(h1.ns, h2.addr, ['-i', '0.01', '-c', '100', '-W', '1']);
    await sleep(300);
    net.deleteLink(h2.outer);
    await flood;
    // The switch still forwards: ns1's ARP for an unknown host floods to
    // the memif client, and the dead port can be removed.
    receive(client, Number.MAX_SAFE_INTEGER, 100);
    const r = await ping(h1.ns, '10.99.0.3', ['-c', '1', '-W', '1']);
    expect(r.received).to.equal(0);
    const got = receive(client, Number.MAX_SAFE_INTEGER, 2000);
    expect(got.some(isArpBroadcast), 'flooded ARP after the veth was deleted').to.equal(true);
    // The dead port's socket error does not keep a worker awake.
    const idle = await idleOver(1000);
    expect(idle.busySeconds, 'worker busy time over 1 s after the veth went').to.be.below(0.2);
    expect(idle.wakeups, 'worker wake-ups over 1 s after the veth went').to.be.below(100);
    // The switch removed the dead port itself (the netlink monitor saw the
    // interface go): it is gone from the port list, removing it again is
    // an error, and the live port is untouched.
    expect(rig.sw.ports().some((p) => p.index === b), 'the deleted veth\'s port is gone').to.equal(false);
    expect(() => rig!.sw.removePort(b)).to.throw(/ENOENT|no port|not found/i);
    expect(port(a).up).to.equal(true);
  });

  it('passes jumbo frames (MTU 9000) intact and drops frames too long for the egress MTU as too-long', async function () {
    rig = await makeRig();
    const j1 = net.addHost('c', '10.99.1.1', 9000);
    const j2 = net.addHost('d', '10.99.1.2', 9000);
    const j3 = net.addHost('e', '10.99.1.3', 1500);
    const p1 = rig.sw.addAfPacketPort({ ifname: j1.outer });
    rig.sw.addAfPacketPort({ ifname: j2.outer });
    const p3 = rig.sw.addAfPacketPort({ ifname: j3.outer });
    // 8972 bytes of ICMP payload + 28 of headers = 9000 bytes of IP, unfragmented.
    const big = await ping(j1.ns, j2.addr, ['-c', '3', '-W', '2', '-s', '8972', '-M', 'do']);
    expect(big.received, big.output).to.equal(3);
    expect(port(p1).rxBytes).to.be.at.least(3 * 9014);
    // j1 may send 3042-byte frames; j3's veth (MTU 1500) cannot take them.
    const small = await ping(j1.ns, j3.addr, ['-c', '2', '-W', '1', '-s', '3000', '-M', 'do']);
    expect(small.received, small.output).to.equal(0);
    expect(port(p3).drops['too-long'], 'too-long drops on the 1500-MTU port').to.be.at.least(2);
    const ok = await ping(j1.ns, j3.addr, ['-c', '2', '-W', '2']);
    expect(ok.received, ok.output).to.equal(2);
  });

  it('carries 802.1Q-tagged frames: the tag the kernel strips on receive is put back', async function () {
    rig = await makeRig();
    rig.sw.addAfPacketPort({ ifname: h1.outer });
    const client = await rig.connect(5);
    receive(client, Number.MAX_SAFE_INTEGER, 100);
    // Broadcast frames tagged VLAN 10 (priority 3) and 802.1ad-over-802.1Q,
    // sent raw from inside ns1: the root end's receive path moves the outer
    // tag out of the frame, our port must put it back byte-identical.
    const tagged = (tpid: number, tci: number, len: number, tag: number): Buffer => {
      const f = frame(BROADCAST, mac(0x42), len, tag);
      return Buffer.concat([f.subarray(0, 12), Buffer.from([tpid >> 8, tpid & 255, tci >> 8, tci & 255]), f.subarray(12)]);
    };
    const sent = [tagged(0x8100, (3 << 13) | 10, 60, 1), tagged(0x8100, 20, 1500, 2)];
    if (!injectFrames(h1.ns, h1.inner, sent)) this.skip();
    const got = receive(client, Number.MAX_SAFE_INTEGER, 1000).filter((f) => f.subarray(6, 12).equals(mac(0x42)));
    expect(got.map((f) => f.toString('hex'))).to.deep.equal(sent.map((f) => f.toString('hex')));
  });

  it('refuses an interface that does not exist', async function () {
    rig = await makeRig();
    expect(() => rig!.sw.addAfPacketPort({ ifname: 'msw-no-such' })).to.throw(/no interface/);
    expect(rig.sw.ports()).to.have.length(0);
  });
});
