// The switch's ports as OpenFlow sees them: ofp_port descriptions
// (PORT_DESC, 1.0 FEATURES_REPLY), port statistics, and the PORT_STATUS
// messages that tell controllers a port was added, removed or changed.
//
// What?  PortView reads the datapath's ports (NativeSwitch.ports()) and
// keeps what OpenFlow needs and the datapath does not say: the time each
// port was first seen (port stats durations) and its hardware address.
// diff() compares the ports with what controllers were last told and
// returns the PORT_STATUS messages for the difference.
//
// Design.  OpenFlow port numbers are the switch's port indices.  A Linux
// port (afpacket, afxdp, tap) reports its interface's real address and
// speed from /sys/class/net/<name>; a memif port has neither, so it gets a
// stable locally administered address derived from the datapath id and its
// number, and 10 Gb/s (what memif rings comfortably carry).  Link state:
// a memif port is up while a client is connected, a Linux port while the
// interface is up with carrier (PortInfo.up); up ports are OFPPS_LIVE
// (fast-failover groups watch the same liveness).  Changes are found by
// polling and diffing rather than from switch events, so ports added by
// the REST API, by memif auto-creation or by netlink all produce the
// right PORT_STATUS without each path having to report to us.
//
// Thread-safety: JS thread only.

import { readFileSync } from 'fs';

import type { NativeSwitch, PortInfo } from '../datapath';
import type { Port, PortStats } from '../openflow';

/** ofp_port_state (OpenFlow 1.3.5 section 7.2.1). */
export const OFPPS_LINK_DOWN = 1;
export const OFPPS_LIVE = 4;
/** ofp_port_reason (section 7.4.3). */
export const OFPPR_ADD = 0;
export const OFPPR_DELETE = 1;
export const OFPPR_MODIFY = 2;
/** ofp_port_features speed bits (section 7.2.1) by Mb/s. */
const SPEED_BITS: readonly [number, number][] = [
  [10, 1 << 1], [100, 1 << 3], [1000, 1 << 5], [10000, 1 << 6], [40000, 1 << 7], [100000, 1 << 8], [1000000, 1 << 9],
];
const OFPPF_OTHER = 1 << 10;
const MEMIF_MBPS = 10000;

function readSys(name: string, file: string): string | undefined {
  // A port name is an interface name only for Linux ports; never follow anything else into /sys.
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name)) return undefined;
  try {
    return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

const macToBigint = (text: string): bigint | undefined =>
  /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(text) ? BigInt(`0x${text.replace(/:/g, '')}`) : undefined;

interface Known {
  firstSeenNs: bigint;
  desc: Port;
}

export class PortView {
  private readonly known = new Map<number, Known>();

  /** 'baseMac': the bridge's 48-bit address, from which memif ports' addresses derive. */
  constructor(private readonly sw: Pick<NativeSwitch, 'ports'>, private readonly baseMac: bigint) {}

  private describe(p: PortInfo): Port {
    const linux = p.kind !== 'memif';
    const sysMac = linux ? readSys(p.name, 'address') : undefined;
    const hwAddr = (sysMac === undefined ? undefined : macToBigint(sysMac))
      // Locally administered, unicast, unique per port: the bridge address with its low 16 bits replaced.
      ?? (((this.baseMac & 0xffffffff0000n) | BigInt(p.index & 0xffff)) | 0x020000000000n) & ~0x010000000000n;
    const speedText = linux ? readSys(p.name, 'speed') : undefined;
    const mbps = linux ? Math.max(0, Number(speedText ?? 0) || 0) : MEMIF_MBPS;
    const bit = SPEED_BITS.find(([s]) => s === mbps)?.[1] ?? (mbps > 0 ? OFPPF_OTHER : 0);
    return {
      portNo: p.index,
      hwAddr,
      name: p.name.slice(0, 15),
      config: 0,
      state: p.up ? OFPPS_LIVE : OFPPS_LINK_DOWN,
      curr: bit,
      advertised: 0,
      supported: bit,
      peer: 0,
      currSpeed: mbps * 1000,
      maxSpeed: mbps * 1000,
    };
  }

  /**
   * Every port, in port order, as ofp_port, with its link state as it is
   * now: a FEATURES or PORT_DESC reply must not wait for the next poll
   * (which sends the PORT_STATUS) to show a port that came up.
   */
  descs(): Port[] {
    return this.sw.ports().map((p) => {
      const desc = this.known.get(p.index)?.desc ?? this.describe(p);
      const state = p.up ? OFPPS_LIVE : OFPPS_LINK_DOWN;
      return desc.state === state ? desc : this.describe(p);
    }).sort((a, b) => a.portNo - b.portNo);
  }

  /** PORT_STATUS bodies for every port added, removed or changed since the last call. */
  diff(nowNs: bigint): { reason: number; port: Port }[] {
    const out: { reason: number; port: Port }[] = [];
    const seen = new Set<number>();
    for (const p of this.sw.ports()) {
      seen.add(p.index);
      const k = this.known.get(p.index);
      if (k === undefined || k.desc.name !== p.name.slice(0, 15)) {
        if (k !== undefined) out.push({ reason: OFPPR_DELETE, port: k.desc });
        const desc = this.describe(p);
        this.known.set(p.index, { firstSeenNs: nowNs, desc });
        out.push({ reason: OFPPR_ADD, port: desc });
      } else if ((k.desc.state === OFPPS_LIVE) !== p.up) {
        // Speeds of Linux ports are only known while the link is up: read them again.
        k.desc = this.describe(p);
        out.push({ reason: OFPPR_MODIFY, port: k.desc });
      }
    }
    for (const [index, k] of this.known) {
      if (!seen.has(index)) {
        this.known.delete(index);
        out.push({ reason: OFPPR_DELETE, port: { ...k.desc, state: OFPPS_LINK_DOWN } });
      }
    }
    return out;
  }

  has(portNo: number): boolean {
    return this.sw.ports().some((p) => p.index === portNo);
  }

  /** Port statistics of 'portNo' (OFPP_ANY: every port), section 7.3.5.6. */
  stats(portNo: number | 'any', nowNs: bigint): PortStats[] {
    return this.sw.ports().filter((p) => portNo === 'any' || p.index === portNo).sort((a, b) => a.index - b.index).map((p) => {
      const age = nowNs - (this.known.get(p.index)?.firstSeenNs ?? nowNs);
      const drops = (names: (n: string) => boolean): bigint =>
        BigInt(Object.entries(p.drops).filter(([n]) => names(n)).reduce((a, [, v]) => a + v, 0));
      return {
        portNo: p.index,
        rxPackets: BigInt(p.rxPackets),
        txPackets: BigInt(p.txPackets),
        rxBytes: BigInt(p.rxBytes),
        txBytes: BigInt(p.txBytes),
        rxDropped: drops((n) => RX_DROPPED.has(n)),
        txDropped: drops((n) => TX_DROPPED.has(n)),
        rxErrors: drops((n) => RX_ERRORS.has(n)),
        txErrors: drops((n) => TX_ERRORS.has(n)),
        rxFrameErr: 0n,
        rxOverErr: 0n,
        rxCrcErr: 0n,
        collisions: 0n,
        durationSec: Number(age / 1_000_000_000n),
        durationNsec: Number(age % 1_000_000_000n),
      };
    });
  }
}

// Drop reasons (datapath drop_reasons.h) as OpenFlow's port counters.  The
// logic's own decisions (logic-drop, bad-dest, hairpin) are not port drops,
// as a flow that drops is not one in Open vSwitch either.
const RX_ERRORS = new Set(['bad-ring', 'bad-region', 'bad-offset', 'bad-length', 'bad-chain', 'too-long']);
const RX_DROPPED = new Set(['no-variant-space']);
const TX_DROPPED = new Set(['no-space', 'port-down']);
const TX_ERRORS = new Set(['tx-bad-desc']);
