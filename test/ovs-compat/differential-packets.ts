// Random packets for the differential test against Open vSwitch: a seeded
// PRNG and a builder of well-formed frames (Ethernet, optional 802.1Q tag,
// optional MPLS label, IPv4/IPv6 with TCP/UDP/ICMP, ARP, or an opaque
// ethertype) whose header values come from small pools that the random
// flow sets (differential-gen.ts) also draw from, so that most packets
// match some flow and many match several.
//
// Checksums are always valid (the UDP checksum is sometimes 0, "none", as
// RFC 768 allows): set-field must then update them, and a switch that
// recomputes instead of updating incrementally still agrees byte for byte.

// mulberry32: small, fast, and the same sequence on every machine.
export class Rng {
  private s: number;
  constructor(readonly seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {           // inclusive
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  // Up to 'n' distinct elements of 'xs' in random order.
  some<T>(xs: readonly T[], n: number): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a.slice(0, n);
  }
}

// The pools.
export const IN_PORTS = [1, 2, 3];
export const MACS = ['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:01:03', '0a:00:00:00:00:04', '01:00:5e:00:00:01'];
export const IPV4S = ['10.0.0.1', '10.0.0.2', '10.0.1.3', '10.1.0.4', '192.168.1.5'];
export const IPV6S = ['fd00::1', 'fd00::2', 'fd00:0:0:1::3', 'fe80::4'];
export const L4_PORTS = [22, 53, 80, 443, 8080];
export const VLANS = [10, 20, 300];
export const MPLS_LABELS = [16, 17, 1000];
export const TTLS = [64, 3, 2, 1, 0];

export type PacketKind = 'tcp' | 'udp' | 'icmp' | 'tcp6' | 'udp6' | 'arp' | 'raw' | 'mpls';

export interface PacketSpec {
  kind: PacketKind;
  src: string;
  dst: string;
  vlan?: { vid: number; pcp: number };
  ttl: number;
  mpls?: { label: number; tc: number; ttl: number };
}

const macBytes = (m: string): Buffer => Buffer.from(m.split(':').map((h) => parseInt(h, 16)));
const ip4Bytes = (a: string): Buffer => Buffer.from(a.split('.').map(Number));

export function ip6Bytes(a: string): Buffer {
  const [head, tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), 2 * i));
  return b;
}

// The Internet checksum (RFC 1071) of the concatenation of 'parts'.
export function inetChecksum(...parts: Buffer[]): number {
  let sum = 0;
  const all = Buffer.concat(parts);
  for (let i = 0; i + 1 < all.length; i += 2) sum += all.readUInt16BE(i);
  if (all.length % 2 === 1) sum += all[all.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// A TCP (flags from a pool) or UDP header plus payload, checksummed
// against 'pseudo' (the IPv4 or IPv6 pseudo-header).
function l4(rng: Rng, proto: 6 | 17, pseudo: (len: number) => Buffer, payload: Buffer): Buffer {
  const sport = rng.chance(0.5) ? rng.pick(L4_PORTS) : rng.int(1024, 65535);
  const dport = rng.chance(0.7) ? rng.pick(L4_PORTS) : rng.int(1024, 65535);
  let seg: Buffer;
  if (proto === 6) {
    seg = Buffer.alloc(20);
    seg.writeUInt32BE(rng.int(0, 0xffffffff), 4);
    seg.writeUInt32BE(rng.int(0, 0xffffffff), 8);
    seg.writeUInt8(5 << 4, 12);
    seg.writeUInt8(rng.pick([0x02, 0x10, 0x12, 0x18, 0x11, 0x04]), 13);
    seg.writeUInt16BE(rng.int(0, 65535), 14);
  } else {
    seg = Buffer.alloc(8);
  }
  seg.writeUInt16BE(sport, 0);
  seg.writeUInt16BE(dport, 2);
  seg = Buffer.concat([seg, payload]);
  if (proto === 17) seg.writeUInt16BE(seg.length, 4);
  let sum = inetChecksum(pseudo(seg.length), seg);
  if (proto === 17) {
    if (sum === 0) sum = 0xffff;
    if (rng.chance(0.15)) sum = 0;                 // no checksum
  }
  seg.writeUInt16BE(sum, proto === 6 ? 16 : 6);
  return seg;
}

function ipv4(rng: Rng, spec: PacketSpec, proto: number, body: (pseudo: (len: number) => Buffer) => Buffer): Buffer {
  const src = ip4Bytes(rng.pick(IPV4S));
  const dst = ip4Bytes(rng.pick(IPV4S));
  const pseudo = (len: number): Buffer => {
    const p = Buffer.alloc(12);
    src.copy(p, 0);
    dst.copy(p, 4);
    p.writeUInt8(proto, 9);
    p.writeUInt16BE(len, 10);
    return p;
  };
  const payload = body(pseudo);
  const h = Buffer.alloc(20);
  h.writeUInt8(0x45, 0);
  h.writeUInt8(rng.int(0, 255), 1);                // DSCP and ECN
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE(rng.int(0, 65535), 4);
  h.writeUInt16BE(rng.chance(0.5) ? 0x4000 : 0, 6);   // DF, never a fragment
  h.writeUInt8(spec.ttl, 8);
  h.writeUInt8(proto, 9);
  src.copy(h, 12);
  dst.copy(h, 16);
  h.writeUInt16BE(inetChecksum(h), 10);
  return Buffer.concat([h, payload]);
}

function ipv6(rng: Rng, spec: PacketSpec, proto: 6 | 17, payloadBytes: Buffer): Buffer {
  const src = ip6Bytes(rng.pick(IPV6S));
  const dst = ip6Bytes(rng.pick(IPV6S));
  const pseudo = (len: number): Buffer => {
    const p = Buffer.alloc(40);
    src.copy(p, 0);
    dst.copy(p, 16);
    p.writeUInt32BE(len, 32);
    p.writeUInt8(proto, 39);
    return p;
  };
  const seg = l4(rng, proto, pseudo, payloadBytes);
  const h = Buffer.alloc(40);
  h.writeUInt32BE(((6 << 28) | (rng.int(0, 255) << 20) | rng.int(0, 0xfffff)) >>> 0, 0);
  h.writeUInt16BE(seg.length, 4);
  h.writeUInt8(proto, 6);
  h.writeUInt8(spec.ttl, 7);
  src.copy(h, 8);
  dst.copy(h, 24);
  return Buffer.concat([h, seg]);
}

function arp(rng: Rng): Buffer {
  const a = Buffer.alloc(28);
  a.writeUInt16BE(1, 0);
  a.writeUInt16BE(0x0800, 2);
  a.writeUInt8(6, 4);
  a.writeUInt8(4, 5);
  a.writeUInt16BE(rng.pick([1, 2]), 6);
  macBytes(rng.pick(MACS)).copy(a, 8);
  ip4Bytes(rng.pick(IPV4S)).copy(a, 14);
  macBytes(rng.chance(0.5) ? '00:00:00:00:00:00' : rng.pick(MACS)).copy(a, 18);
  ip4Bytes(rng.pick(IPV4S)).copy(a, 24);
  return a;
}

// A random packet spec of one of 'kinds'.
export function randomSpec(rng: Rng, kinds: readonly PacketKind[], opts: { vlanP?: number } = {}): PacketSpec {
  const kind = rng.pick(kinds);
  const spec: PacketSpec = { kind, src: rng.pick(MACS.slice(0, 4)), dst: rng.pick(MACS), ttl: rng.chance(0.6) ? 64 : rng.pick(TTLS) };
  if (rng.chance(opts.vlanP ?? 0)) spec.vlan = { vid: rng.chance(0.85) ? rng.pick(VLANS) : rng.int(1, 4094), pcp: rng.int(0, 7) };
  if (kind === 'mpls') spec.mpls = { label: rng.pick(MPLS_LABELS), tc: rng.int(0, 7), ttl: rng.chance(0.6) ? 64 : rng.pick(TTLS) };
  return spec;
}

// The frame of 'spec', with a random payload of 0..'maxPayload' bytes and
// at least 60 bytes (a minimum Ethernet frame without its FCS).
export function buildFrame(rng: Rng, spec: PacketSpec, maxPayload = 40): Buffer {
  const payload = Buffer.from(Array.from({ length: rng.int(0, maxPayload) }, () => rng.int(0, 255)));
  let ethertype: number;
  let body: Buffer;
  switch (spec.kind) {
    case 'tcp': case 'udp': case 'mpls': {
      const proto = spec.kind === 'tcp' ? 6 : 17;
      body = ipv4(rng, spec, proto, (pseudo) => l4(rng, proto, pseudo, payload));
      ethertype = 0x0800;
      break;
    }
    case 'icmp':
      body = ipv4(rng, spec, 1, () => {
        const m = Buffer.concat([Buffer.from([rng.pick([0, 8, 3]), rng.pick([0, 1]), 0, 0]), Buffer.alloc(4), payload]);
        m.writeUInt16BE(rng.int(0, 65535), 4);
        m.writeUInt16BE(inetChecksum(m), 2);
        return m;
      });
      ethertype = 0x0800;
      break;
    case 'tcp6': case 'udp6':
      body = ipv6(rng, spec, spec.kind === 'tcp6' ? 6 : 17, payload);
      ethertype = 0x86dd;
      break;
    case 'arp':
      body = arp(rng);
      ethertype = 0x0806;
      break;
    case 'raw':
      body = Buffer.concat([Buffer.from([0xab, 0xcd]), payload]);
      ethertype = 0x88b5;
      break;
  }
  if (spec.mpls) {
    const shim = Buffer.alloc(4);
    shim.writeUInt32BE(((spec.mpls.label << 12) | (spec.mpls.tc << 9) | (1 << 8) | spec.mpls.ttl) >>> 0, 0);
    body = Buffer.concat([shim, body]);
    ethertype = 0x8847;
  }
  const parts = [macBytes(spec.dst), macBytes(spec.src)];
  if (spec.vlan) {
    const tag = Buffer.alloc(4);
    tag.writeUInt16BE(0x8100, 0);
    tag.writeUInt16BE((spec.vlan.pcp << 13) | spec.vlan.vid, 2);
    parts.push(tag);
  }
  const et = Buffer.alloc(2);
  et.writeUInt16BE(ethertype, 0);
  const f = Buffer.concat([...parts, et, body]);
  return f.length >= 60 ? f : Buffer.concat([f, Buffer.alloc(60 - f.length)]);
}
