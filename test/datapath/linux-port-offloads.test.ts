// Linux ports on veths with the kernel's defaults left alone: the peers
// keep transmit checksum offload, TSO and GSO on, as a container's veth
// does.  The afpacket port must finish the unfinished checksums and cut
// the super-frames into segments (a 4 MB TCP transfer with digests, UDP
// datagrams); the afxdp port cannot, so it says so (a warning, a refusal
// when asked, afpacket chosen by type detection).  Every Linux port
// reports its interface's MTU and speed, and follows MTU changes: an
// afpacket port drops (as too-long) what no longer fits, an afxdp port
// whose MTU outgrows its buffers goes down with the reason.
//
// Needs root and `ip netns`; otherwise skipped (pending, never passed).
// Namespaces and veths are created here with per-run names and removed in
// the after hooks; only 10.99.0.x addresses inside those namespaces.
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';

import { expect } from 'chai';

import type { PortInfo, SwitchEvent } from '../../controller-agent/src/datapath';
import { attachLinuxPort } from '../../controller-agent/src/linux-ports';
import { MetricsCollector } from '../../controller-agent/src/metrics';
import { ip, Netns, netnsUnavailable, ping } from '../support/netns';
import type { NetnsHost } from '../support/netns';
import { tcpTransfer, udpTransfer } from '../support/netns-traffic';
import { waitFor } from '../support/wait';
import { makeRig } from './switch-rig';
import type { Rig } from './switch-rig';

// ethtool -k's verdict on 'feature' of 'dev' in 'ns' ("on" / "off").
function feature(ns: string, dev: string, name: string): string {
  const out = execFileSync('ip', ['netns', 'exec', ns, 'ethtool', '-k', dev], { encoding: 'utf8' });
  const m = new RegExp(`^${name}: (on|off)`, 'm').exec(out);
  if (!m) throw new Error(`ethtool -k ${dev} has no ${name}:\n${out}`);
  return m[1];
}

// The kernel's own receive counter of a root-namespace interface: one per
// skb, so a super-frame counts once however many segments it becomes.
const kernelRxPackets = (dev: string): number => Number(readFileSync(`/sys/class/net/${dev}/statistics/rx_packets`, 'utf8'));

describe('Linux ports with offloads on (checksums, TSO/GSO, MTU and speed)', function () {
  this.timeout(90000);
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

  it('afpacket: a 4 MB TCP transfer each way and 2000 UDP datagrams arrive intact with the peers\' offloads on', async function () {
    for (const h of [h1, h2]) {
      // The kernel's defaults, which the older tests turned off: what makes
      // this test fail on a port that forwards frames as the socket got them.
      expect(feature(h.ns, h.inner, 'tx-checksumming'), `${h.inner} tx-checksumming`).to.equal('on');
      expect(feature(h.ns, h.inner, 'tcp-segmentation-offload'), `${h.inner} TSO`).to.equal('on');
    }
    rig = await makeRig({ workers: 2 });
    const a = rig.sw.addAfPacketPort({ ifname: h1.outer, worker: 0 });
    const b = rig.sw.addAfPacketPort({ ifname: h2.outer, worker: 1 });
    const kernelBefore = kernelRxPackets(h1.outer);

    const there = await tcpTransfer(h2.ns, h2.addr, h1.ns, 4 << 20, 5301, 7);
    expect(there.receivedBytes).to.equal(4 << 20);
    expect(there.receivedSha256).to.equal(there.sentSha256);
    const back = await tcpTransfer(h1.ns, h1.addr, h2.ns, 4 << 20, 5302, 8);
    expect(back.receivedBytes).to.equal(4 << 20);
    expect(back.receivedSha256).to.equal(back.sentSha256);

    // The sender's super-frames were cut: the port forwarded more frames
    // than the kernel counted skbs on that veth.
    const skbs = kernelRxPackets(h1.outer) - kernelBefore;
    expect(port(a).rxPackets, 'segments forwarded vs skbs received').to.be.above(skbs);

    const udp = await udpTransfer(h2.ns, h2.addr, h1.ns, 2000, 1200, 5303);
    expect(udp).to.include({ received: 2000, corrupt: 0, duplicates: 0 });

    for (const p of [port(a), port(b)]) {
      expect(p.drops['offload-unsupported'], `${p.name} offload-unsupported`).to.equal(0);
      expect(p.drops['too-long'], `${p.name} too-long (a super-frame forwarded whole)`).to.equal(0);
    }
  });

  it('reports MTU and speed, and follows MTU changes (afpacket drops what no longer fits as too-long)', async function () {
    rig = await makeRig();
    const a = rig.sw.addAfPacketPort({ ifname: h1.outer });
    rig.sw.addAfPacketPort({ ifname: h2.outer });
    expect(port(a)).to.include({ mtu: 1500, speedMbps: 10000 });
    // Prometheus: node_exporter's units (bytes, bytes per second).
    const text = await new MetricsCollector({ switches: () => [rig!.sw] }).metrics();
    const series = `{bridge="${rig.sw.name}",port="${a}"}`;
    expect(text).to.include(`mswitch_port_mtu_bytes${series} 1500\n`);
    expect(text).to.include(`mswitch_port_speed_bytes${series} 1250000000\n`);

    const events: SwitchEvent[] = [];
    rig.sw.onEvent((e) => events.push(e));
    ip('link', 'set', h1.outer, 'mtu', '1300');
    await waitFor(() => port(a).mtu === 1300, { timeoutMs: 5000, what: 'mtu 1300 reported' });
    expect(port(a).up, 'an MTU change is no link change').to.equal(true);
    expect(events.filter((e) => e.type === 'link-down')).to.deep.equal([]);

    // 1400-byte pings from b (MTU 1500) no longer fit a's interface.
    const before = port(a).drops['too-long'];
    const big = await ping(h2.ns, h1.addr, ['-c', '3', '-W', '1', '-s', '1400', '-M', 'do']);
    expect(big.received).to.equal(0);
    expect(port(a).drops['too-long'] - before, 'too-long drops at the 1300-byte port').to.be.at.least(3);
    const small = await ping(h2.ns, h1.addr, ['-c', '3', '-W', '2', '-s', '1200']);
    expect(small.received, small.output).to.equal(3);

    ip('link', 'set', h1.outer, 'mtu', '1500');
    await waitFor(() => port(a).mtu === 1500, { timeoutMs: 5000, what: 'mtu 1500 reported' });
    const again = await ping(h2.ns, h1.addr, ['-c', '3', '-W', '2', '-s', '1400']);
    expect(again.received, again.output).to.equal(3);
  });

  describe('afxdp', function () {
    it('warns about a veth with tx checksum offload, refuses it when asked, and type detection takes afpacket', async function () {
      rig = await makeRig();
      let refused: NodeJS.ErrnoException | undefined;
      try {
        rig.sw.addAfXdpPort({ ifname: h1.outer, refusePartialChecksum: true });
      } catch (e) {
        refused = e as NodeJS.ErrnoException;
      }
      expect(refused?.code).to.equal('ENOTSUP');
      expect(refused?.message).to.match(/checksum offload/);
      expect(rig.sw.ports()).to.deep.equal([]);

      const x = rig.sw.addAfXdpPort({ ifname: h1.outer });
      expect(rig.sw.afXdpInfo(x).checksumWarning).to.match(/afpacket/);
      expect(port(x)).to.include({ mtu: 1500, speedMbps: 10000, up: true });
      rig.sw.removePort(x);

      const detected = attachLinuxPort(rig.sw, 'br0', { ifname: h1.outer });
      expect(detected.type).to.equal('afpacket');
      expect(detected.fallback).to.match(/checksum offload/);
      rig.sw.removePort(detected.port);

      const forced = attachLinuxPort(rig.sw, 'br0', { ifname: h1.outer, type: 'afxdp' });
      expect(forced.type).to.equal('afxdp');
      expect(forced.warning).to.match(/unfinished checksums/);
      rig.sw.removePort(forced.port);

      // With the offload off on the switch's end, nothing to warn about.
      execFileSync('ethtool', ['-K', h2.outer, 'tx', 'off'], { stdio: 'ignore' });
      const clean = attachLinuxPort(rig.sw, 'br0', { ifname: h2.outer });
      expect(clean.type).to.equal('afxdp');
      expect(clean.warning).to.equal(undefined);
      expect(rig.sw.afXdpInfo(clean.port).checksumWarning).to.equal(undefined);
    });

    it('follows MTU changes: down with the reason while the MTU outgrows an AF_XDP buffer, up again after', async function () {
      rig = await makeRig();
      const x = rig.sw.addAfXdpPort({ ifname: h1.outer, xdpMode: 'generic' });
      const events: SwitchEvent[] = [];
      rig.sw.onEvent((e) => events.push(e));
      ip('link', 'set', h1.outer, 'mtu', '3000');
      await waitFor(() => port(x).mtu === 3000, { timeoutMs: 5000, what: 'mtu 3000 reported' });
      expect(port(x).up).to.equal(true);

      ip('link', 'set', h1.outer, 'mtu', '9000');
      await waitFor(() => !port(x).up, { timeoutMs: 5000, what: 'down at MTU 9000' });
      expect(port(x).mtu).to.equal(9000);
      expect(rig.sw.afXdpInfo(x).mtuDown).to.match(/MTU 9000 is over the 3822/);
      await waitFor(() => events.some((e) => e.type === 'link-down'), { timeoutMs: 5000, what: 'a link-down event' });
      const down = events.find((e) => e.type === 'link-down');
      expect(down !== undefined && 'reason' in down ? down.reason : undefined).to.match(/3822/);

      ip('link', 'set', h1.outer, 'mtu', '1500');
      await waitFor(() => port(x).up, { timeoutMs: 5000, what: 'up again at MTU 1500' });
      expect(rig.sw.afXdpInfo(x).mtuDown).to.equal(undefined);
      await waitFor(() => events.some((e) => e.type === 'link-up'), { timeoutMs: 5000, what: 'a link-up event' });
    });
  });
});
