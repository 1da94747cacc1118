// The generator -> switch -> sink veth topology of the veth benchmark and
// the pkt-gen xdp tests, in network namespaces this object creates.
//
// What?
//   direct:    [gen ns] g0 <-veth-> s0 [sink ns]
//   switched:  [gen ns] g0 <-veth-> g1 [switch ns] s1 <-veth-> s0 [sink ns]
//   The switch under test runs inside the switch namespace (a daemon
//   started with `ip netns exec`, a bridge created there, OVS's daemons
//   there), so nothing it does reaches the root namespace.  No addresses:
//   the generator writes whole frames, the sink reads them with XDP.
//
// Design
//   Names come from runName ('msw<pid><tag>'), so concurrent runs never
//   meet, and cleanup deletes exactly what this object created (deleting
//   a namespace deletes the veth ends in it).  Every end is up with IPv6
//   off (no router solicitations or MLD reports among the counted frames)
//   and, on the switch side, GRO on: a veth only runs the NAPI that XDP
//   redirects and AF_XDP transmit need the peer to have when GRO or an XDP
//   program is on.
import { execFileSync } from 'child_process';

import { ip, runName } from './netns';

export interface VethEnds {
  genNs: string;
  sinkNs: string;
  switchNs?: string;
  gen: string;        // in genNs
  sink: string;       // in sinkNs
  switchGen?: string; // in switchNs, the generator's peer
  switchSink?: string;// in switchNs, the sink's peer
}

function nsExec(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export class VethTopology {
  private readonly namespaces: string[] = [];

  private constructor(readonly ends: VethEnds) {}

  // The two topologies; on any failure what was made is removed again.
  static direct(tag: string): VethTopology {
    return VethTopology.make(tag, false);
  }

  static switched(tag: string): VethTopology {
    return VethTopology.make(tag, true);
  }

  private static make(tag: string, switched: boolean): VethTopology {
    const ends: VethEnds = {
      genNs: runName(`${tag}G`), sinkNs: runName(`${tag}S`),
      gen: runName(`${tag}g0`), sink: runName(`${tag}s0`),
    };
    if (switched) {
      ends.switchNs = runName(`${tag}W`);
      ends.switchGen = runName(`${tag}g1`);
      ends.switchSink = runName(`${tag}s1`);
    }
    const t = new VethTopology(ends);
    try {
      for (const ns of [ends.genNs, ends.sinkNs, ends.switchNs]) {
        if (!ns) continue;
        ip('netns', 'add', ns);
        t.namespaces.push(ns);
        nsExec(ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
        ip('-n', ns, 'link', 'set', 'lo', 'up');
      }
      const pair = (a: string, aNs: string, b: string, bNs: string): void => {
        ip('-n', aNs, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b, 'netns', bNs);
        ip('-n', aNs, 'link', 'set', a, 'up');
        ip('-n', bNs, 'link', 'set', b, 'up');
      };
      if (switched) {
        pair(ends.gen, ends.genNs, ends.switchGen!, ends.switchNs!);
        pair(ends.sink, ends.sinkNs, ends.switchSink!, ends.switchNs!);
        for (const d of [ends.switchGen!, ends.switchSink!]) nsExec(ends.switchNs!, 'ethtool', '-K', d, 'gro', 'on');
      } else {
        pair(ends.gen, ends.genNs, ends.sink, ends.sinkNs);
      }
      nsExec(ends.sinkNs, 'ethtool', '-K', ends.sink, 'gro', 'on');
    } catch (e) {
      t.cleanup();
      throw e;
    }
    return t;
  }

  // The MAC address of 'dev' in 'ns'.
  mac(ns: string, dev: string): string {
    const [link] = JSON.parse(ip('-n', ns, '-j', 'link', 'show', 'dev', dev)) as Array<{ address: string }>;
    return link.address;
  }

  // The kernel's rx/tx packet counters of 'dev' in 'ns'.
  counters(ns: string, dev: string): { rxPackets: number; txPackets: number; rxDropped: number; txDropped: number } {
    const [link] = JSON.parse(ip('-n', ns, '-s', '-j', 'link', 'show', 'dev', dev)) as Array<{
      stats64: { rx: { packets: number; dropped: number }; tx: { packets: number; dropped: number } };
    }>;
    const s = link.stats64;
    return { rxPackets: s.rx.packets, txPackets: s.tx.packets, rxDropped: s.rx.dropped, txDropped: s.tx.dropped };
  }

  // Removes the namespaces this object created (their veths go with
  // them); never throws.
  cleanup(): void {
    for (const ns of this.namespaces.splice(0)) {
      try { ip('netns', 'del', ns); } catch { /* already gone */ }
    }
  }
}
