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

import type { NativeMemifClient } from '../../controller-agent/src/datapath';
import { injectFrames, ping } from '../support/netns';
import { sleep } from '../support/wait';
import { BROADCAST, frame, mac, makeRig, receive } from './switch-rig';
import { idleOver, twoHosts } from './two-hosts';

const isArpBroadcast = (f: Buffer): boolean =>
  f.length >= 14 && f.subarray(0, 6).equals(Buffer.alloc(6, 0xff)) && f.readUInt16BE(12) === 0x0806;

describe('afpacket port (veths in network namespaces)', function () {
  const t = twoHosts();

  it('pings between two namespaces through the switch; counters match; a memif client sees the ARP flood', async function () {
    t.rig = await makeRig();
    const a = t.rig.sw.addAfPacketPort({ ifname: t.h1.outer });
    const b = t.rig.sw.addAfPacketPort({ ifname: t.h2.outer, name: 'ns2-veth' });
    const client: NativeMemifClient = await t.rig.connect(7);
    expect(t.port(a)).to.include({ kind: 'afpacket', name: t.h1.outer, up: true, rxQueues: 1, txQueues: 1 });
    expect(t.port(b).name).to.equal('ns2-veth');

    const r = await ping(t.h1.ns, t.h2.addr);
    expect(r.received, r.output).to.equal(5);
    // eslint-disable-next-line no-console
    console.log(`      ping RTT through the switch: min/avg/max ${r.rttMinMs}/${r.rttAvgMs}/${r.rttMaxMs} ms`);

    // One ARP request and reply at least, and 5 echo requests and replies.
    const pa = t.port(a);
    const pb = t.port(b);
    expect(pa.rxPackets, 'ns1 -> switch').to.be.at.least(6);
    expect(pb.txPackets, 'switch -> ns2').to.be.at.least(6);
    expect(pb.rxPackets, 'ns2 -> switch').to.be.at.least(6);
    expect(pa.txPackets, 'switch -> ns1').to.be.at.least(6);
    expect(pa.rxBytes).to.be.at.least(pa.rxPackets * 42);
    for (const p of [pa, pb]) expect(Object.values(p.drops).reduce((x, y) => x + y, 0), `${p.name} drops`).to.equal(0);

    const got = receive(client, Number.MAX_SAFE_INTEGER, 500);
    expect(got.some(isArpBroadcast), 'memif client saw the flooded ARP request').to.equal(true);

    // Idle (bar the odd IPv6 chatter of the namespaces): asleep, not polling.
    const idle = await idleOver(t.rig!.sw, 1000);
    expect(idle.busySeconds, 'worker busy time over 1 s idle').to.be.below(0.2);
    expect(idle.wakeups, 'worker wake-ups over 1 s idle').to.be.below(100);
  });

  it('takes concurrent transmits from two workers into one port (flood pings from two namespaces)', async function () {
    t.rig = await makeRig({ workers: 2 });
    const h3 = t.net.addHost('c', '10.99.0.3');
    const a = t.rig.sw.addAfPacketPort({ ifname: t.h1.outer, worker: 0 });
    const b = t.rig.sw.addAfPacketPort({ ifname: t.h2.outer, worker: 0 });
    const c = t.rig.sw.addAfPacketPort({ ifname: h3.outer, worker: 1 });
    const [r1, r3] = await Promise.all([
      ping(t.h1.ns, t.h2.addr, ['-f', '-c', '2000', '-W', '2']),
      ping(h3.ns, t.h2.addr, ['-f', '-c', '2000', '-W', '2']),
    ]);
    expect(r1.received, r1.output).to.equal(2000);
    expect(r3.received, r3.output).to.equal(2000);
    expect(t.port(b).txPackets, 'into ns2 from both workers').to.be.at.least(4000);
    expect(t.port(b).rxPackets).to.be.at.least(4000);
    expect(t.port(a).txPackets + t.port(c).txPackets).to.be.at.least(4000);
    expect(t.port(b).drops['no-space']).to.equal(0);
  });

  it('removes a port while pinging without crashing, and works again once re-added', async function () {
    t.rig = await makeRig();
    const a = t.rig.sw.addAfPacketPort({ ifname: t.h1.outer });
    t.rig.sw.addAfPacketPort({ ifname: t.h2.outer });
    const flood = ping(t.h1.ns, t.h2.addr, ['-i', '0.01', '-c', '200', '-W', '1']);
    await sleep(500);
    t.rig.sw.removePort(a);
    expect(t.rig.sw.ports().map((p) => p.index)).to.not.include(a);
    const r = await flood;
    expect(r.received, r.output).to.be.greaterThan(0);
    expect(r.received, r.output).to.be.lessThan(200);

    const again = t.rig.sw.addAfPacketPort({ ifname: t.h1.outer, port: a });
    expect(again).to.equal(a);
    const r2 = await ping(t.h1.ns, t.h2.addr, ['-c', '3', '-W', '2']);
    expect(r2.received, r2.output).to.equal(3);
  });

  it('keeps forwarding for others when an attached veth is deleted under traffic', async function () {
    t.rig = await makeRig();
    const a = t.rig.sw.addAfPacketPort({ ifname: t.h1.outer });
    const b = t.rig.sw.addAfPacketPort({ ifname: t.h2.outer });
    const client = await t.rig.connect(3);
    const flood = ping(t.h1.ns, t.h2.addr, ['-i', '0.01', '-c', '100', '-W', '1']);
    await sleep(300);
    t.net.deleteLink(t.h2.outer);
    await flood;
    // The switch still forwards: ns1's ARP for an unknown host floods to
    // the memif client, and the dead port can be removed.
    receive(client, Number.MAX_SAFE_INTEGER, 100);
    const r = await ping(t.h1.ns, '10.99.0.3', ['-c', '1', '-W', '1']);
    expect(r.received).to.equal(0);
    const got = receive(client, Number.MAX_SAFE_INTEGER, 2000);
    expect(got.some(isArpBroadcast), 'flooded ARP after the veth was deleted').to.equal(true);
    // The dead port's socket error does not keep a worker awake.
    const idle = await idleOver(t.rig!.sw, 1000);
    expect(idle.busySeconds, 'worker busy time over 1 s after the veth went').to.be.below(0.2);
    expect(idle.wakeups, 'worker wake-ups over 1 s after the veth went').to.be.below(100);
    // The switch removed the dead port itself (the netlink monitor saw the
    // interface go): it is gone from the port list, removing it again is
    // an error, and the live port is untouched.
    expect(t.rig.sw.ports().some((p) => p.index === b), 'the deleted veth\'s port is gone').to.equal(false);
    expect(() => t.rig!.sw.removePort(b)).to.throw(/ENOENT|no port|not found/i);
    expect(t.port(a).up).to.equal(true);
  });

  it('passes jumbo frames (MTU 9000) intact and drops frames too long for the egress MTU as too-long', async function () {
    t.rig = await makeRig();
    const j1 = t.net.addHost('c', '10.99.1.1', 9000);
    const j2 = t.net.addHost('d', '10.99.1.2', 9000);
    const j3 = t.net.addHost('e', '10.99.1.3', 1500);
    const p1 = t.rig.sw.addAfPacketPort({ ifname: j1.outer });
    t.rig.sw.addAfPacketPort({ ifname: j2.outer });
    const p3 = t.rig.sw.addAfPacketPort({ ifname: j3.outer });
    // 8972 bytes of ICMP payload + 28 of headers = 9000 bytes of IP, unfragmented.
    const big = await ping(j1.ns, j2.addr, ['-c', '3', '-W', '2', '-s', '8972', '-M', 'do']);
    expect(big.received, big.output).to.equal(3);
    expect(t.port(p1).rxBytes).to.be.at.least(3 * 9014);
    // j1 may send 3042-byte frames; j3's veth (MTU 1500) cannot take them.
    const small = await ping(j1.ns, j3.addr, ['-c', '2', '-W', '1', '-s', '3000', '-M', 'do']);
    expect(small.received, small.output).to.equal(0);
    expect(t.port(p3).drops['too-long'], 'too-long drops on the 1500-MTU port').to.be.at.least(2);
    const ok = await ping(j1.ns, j3.addr, ['-c', '2', '-W', '2']);
    expect(ok.received, ok.output).to.equal(2);
  });

  it('carries 802.1Q-tagged frames: the tag the kernel strips on receive is put back', async function () {
    t.rig = await makeRig();
    t.rig.sw.addAfPacketPort({ ifname: t.h1.outer });
    const client = await t.rig.connect(5);
    receive(client, Number.MAX_SAFE_INTEGER, 100);
    // Broadcast frames tagged VLAN 10 (priority 3) and 802.1ad-over-802.1Q,
    // sent raw from inside ns1: the root end's receive path moves the outer
    // tag out of the frame, our port must put it back byte-identical.
    const tagged = (tpid: number, tci: number, len: number, tag: number): Buffer => {
      const f = frame(BROADCAST, mac(0x42), len, tag);
      return Buffer.concat([f.subarray(0, 12), Buffer.from([tpid >> 8, tpid & 255, tci >> 8, tci & 255]), f.subarray(12)]);
    };
    const sent = [tagged(0x8100, (3 << 13) | 10, 60, 1), tagged(0x8100, 20, 1500, 2)];
    if (!injectFrames(t.h1.ns, t.h1.inner, sent)) this.skip();
    const got = receive(client, Number.MAX_SAFE_INTEGER, 1000).filter((f) => f.subarray(6, 12).equals(mac(0x42)));
    expect(got.map((f) => f.toString('hex'))).to.deep.equal(sent.map((f) => f.toString('hex')));
  });

  it('refuses an interface that does not exist', async function () {
    t.rig = await makeRig();
    expect(() => t.rig!.sw.addAfPacketPort({ ifname: 'msw-no-such' })).to.throw(/no interface/);
    expect(t.rig.sw.ports()).to.have.length(0);
  });
});
