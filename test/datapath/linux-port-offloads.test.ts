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

import type { SwitchEvent } from '../../controller-agent/src/datapath';
import { attachLinuxPort } from '../../controller-agent/src/linux-ports';
import { MetricsCollector } from '../../controller-agent/src/metrics';
import { ip, ping } from '../support/netns';
import { tcpTransfer, udpTransfer } from '../support/netns-traffic';
import { waitFor } from '../support/wait';
import { makeRig } from './switch-rig';
import { twoHosts } from './two-hosts';

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
  const t = twoHosts();

  it('afpacket: a 4 MB TCP transfer each way and 2000 UDP datagrams arrive intact with the peers\' offloads on', async function () {
    for (const h of [t.h1, t.h2]) {
      // The kernel's defaults, which the older tests turned off: what makes
      // this test fail on a port that forwards frames as the socket got them.
      expect(feature(h.ns, h.inner, 'tx-checksumming'), `${h.inner} tx-checksumming`).to.equal('on');
      expect(feature(h.ns, h.inner, 'tcp-segmentation-offload'), `${h.inner} TSO`).to.equal('on');
    }
    t.rig = await makeRig({ workers: 2 });
    const a = t.rig.sw.addAfPacketPort({ ifname: t.h1.outer, worker: 0 });
    const b = t.rig.sw.addAfPacketPort({ ifname: t.h2.outer, worker: 1 });
    const kernelBefore = kernelRxPackets(t.h1.outer);

    const there = await tcpTransfer(t.h2.ns, t.h2.addr, t.h1.ns, 4 << 20, 5301, 7);
    expect(there.receivedBytes).to.equal(4 << 20);
    expect(there.receivedSha256).to.equal(there.sentSha256);
    const back = await tcpTransfer(t.h1.ns, t.h1.addr, t.h2.ns, 4 << 20, 5302, 8);
    expect(back.receivedBytes).to.equal(4 << 20);
    expect(back.receivedSha256).to.equal(back.sentSha256);

    // The sender's super-frames were cut: the port forwarded more frames
    // than the kernel counted skbs on that veth.
    const skbs = kernelRxPackets(t.h1.outer) - kernelBefore;
    expect(t.port(a).rxPackets, 'segments forwarded vs skbs received').to.be.above(skbs);

    const udp = await udpTransfer(t.h2.ns, t.h2.addr, t.h1.ns, 2000, 1200, 5303);
    expect(udp).to.include({ received: 2000, corrupt: 0, duplicates: 0 });

    for (const p of [t.port(a), t.port(b)]) {
      expect(p.drops['offload-unsupported'], `${p.name} offload-unsupported`).to.equal(0);
      expect(p.drops['too-long'], `${p.name} too-long (a super-frame forwarded whole)`).to.equal(0);
    }
  });

  it('reports MTU and speed, and follows MTU changes (afpacket drops what no longer fits as too-long)', async function () {
    t.rig = await makeRig();
    const a = t.rig.sw.addAfPacketPort({ ifname: t.h1.outer });
    t.rig.sw.addAfPacketPort({ ifname: t.h2.outer });
    expect(t.port(a)).to.include({ mtu: 1500, speedMbps: 10000 });
    // Prometheus: node_exporter's units (bytes, bytes per second).
    const text = await new MetricsCollector({ switches: () => [t.rig!.sw] }).metrics();
    const series = `{bridge="${t.rig.sw.name}",port="${a}"}`;
    expect(text).to.include(`mswitch_port_mtu_bytes${series} 1500\n`);
    expect(text).to.include(`mswitch_port_speed_bytes${series} 1250000000\n`);

    const events: SwitchEvent[] = [];
    t.rig.sw.onEvent((e) => events.push(e));
    ip('link', 'set', t.h1.outer, 'mtu', '1300');
    await waitFor(() => t.port(a).mtu === 1300, { timeoutMs: 5000, what: 'mtu 1300 reported' });
    expect(t.port(a).up, 'an MTU change is no link change').to.equal(true);
    expect(events.filter((e) => e.type === 'link-down')).to.deep.equal([]);

    // 1400-byte pings from b (MTU 1500) no longer fit a's interface.
    const before = t.port(a).drops['too-long'];
    const big = await ping(t.h2.ns, t.h1.addr, ['-c', '3', '-W', '1', '-s', '1400', '-M', 'do']);
    expect(big.received).to.equal(0);
    expect(t.port(a).drops['too-long'] - before, 'too-long drops at the 1300-byte port').to.be.at.least(3);
    const small = await ping(t.h2.ns, t.h1.addr, ['-c', '3', '-W', '2', '-s', '1200']);
    expect(small.received, small.output).to.equal(3);

    ip('link', 'set', t.h1.outer, 'mtu', '1500');
    await waitFor(() => t.port(a).mtu === 1500, { timeoutMs: 5000, what: 'mtu 1500 reported' });
    const again = await ping(t.h2.ns, t.h1.addr, ['-c', '3', '-W', '2', '-s', '1400']);
    expect(again.received, again.output).to.equal(3);
  });

  describe('afxdp', function () {
    it('warns about a veth with tx checksum offload, refuses it when asked, and type detection takes afpacket', async function () {
      t.rig = await makeRig();
      let refused: NodeJS.ErrnoException | undefined;
      try {
        t.rig.sw.addAfXdpPort({ ifname: t.h1.outer, refusePartialChecksum: true });
      } catch (e) {
        refused = e as NodeJS.ErrnoException;
      }
      expect(refused?.code).to.equal('ENOTSUP');
      expect(refused?.message).to.match(/checksum offload/);
      expect(t.rig.sw.ports()).to.deep.equal([]);

      const x = t.rig.sw.addAfXdpPort({ ifname: t.h1.outer });
      expect(t.rig.sw.afXdpInfo(x).checksumWarning).to.match(/afpacket/);
      expect(t.port(x)).to.include({ mtu: 1500, speedMbps: 10000, up: true });
      t.rig.sw.removePort(x);

      const detected = attachLinuxPort(t.rig.sw, 'br0', { ifname: t.h1.outer });
      expect(detected.type).to.equal('afpacket');
      expect(detected.fallback).to.match(/checksum offload/);
      t.rig.sw.removePort(detected.port);

      const forced = attachLinuxPort(t.rig.sw, 'br0', { ifname: t.h1.outer, type: 'afxdp' });
      expect(forced.type).to.equal('afxdp');
      expect(forced.warning).to.match(/unfinished checksums/);
      t.rig.sw.removePort(forced.port);

      // With the offload off on the switch's end, nothing to warn about.
      execFileSync('ethtool', ['-K', t.h2.outer, 'tx', 'off'], { stdio: 'ignore' });
      const clean = attachLinuxPort(t.rig.sw, 'br0', { ifname: t.h2.outer });
      expect(clean.type).to.equal('afxdp');
      expect(clean.warning).to.equal(undefined);
      expect(t.rig.sw.afXdpInfo(clean.port).checksumWarning).to.equal(undefined);
    });

    it('follows MTU changes: down with the reason while the MTU outgrows an AF_XDP buffer, up again after', async function () {
      t.rig = await makeRig();
      const x = t.rig.sw.addAfXdpPort({ ifname: t.h1.outer, xdpMode: 'generic' });
      const events: SwitchEvent[] = [];
      t.rig.sw.onEvent((e) => events.push(e));
      ip('link', 'set', t.h1.outer, 'mtu', '3000');
      await waitFor(() => t.port(x).mtu === 3000, { timeoutMs: 5000, what: 'mtu 3000 reported' });
      expect(t.port(x).up).to.equal(true);

      ip('link', 'set', t.h1.outer, 'mtu', '9000');
      await waitFor(() => !t.port(x).up, { timeoutMs: 5000, what: 'down at MTU 9000' });
      expect(t.port(x).mtu).to.equal(9000);
      expect(t.rig.sw.afXdpInfo(x).mtuDown).to.match(/MTU 9000 is over the 3822/);
      await waitFor(() => events.some((e) => e.type === 'link-down'), { timeoutMs: 5000, what: 'a link-down event' });
      const down = events.find((e) => e.type === 'link-down');
      expect(down !== undefined && 'reason' in down ? down.reason : undefined).to.match(/3822/);

      ip('link', 'set', t.h1.outer, 'mtu', '1500');
      await waitFor(() => t.port(x).up, { timeoutMs: 5000, what: 'up again at MTU 1500' });
      expect(t.rig.sw.afXdpInfo(x).mtuDown).to.equal(undefined);
      await waitFor(() => events.some((e) => e.type === 'link-up'), { timeoutMs: 5000, what: 'a link-up event' });
    });
  });
});
