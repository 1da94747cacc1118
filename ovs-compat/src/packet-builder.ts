// Builds the one Ethernet frame a flow description names, for `mswitch
// trace BR 'in_port=1,tcp,nw_dst=10.0.0.2,tp_dst=80'` (ovs-appctl
// ofproto/trace's flow form).
//
// What?  The description is read as a match in ovs-ofctl syntax
// (flow-parser.ts, so spellings, shorthands and prerequisites are exactly
// those of add-flow), and each matched field becomes the same field of the
// frame: Ethernet (dl_src, dl_dst), an optional 802.1Q tag (dl_vlan /
// vlan_vid, dl_vlan_pcp / vlan_pcp), then by dl_type one MPLS label stack
// entry, IPv4 or IPv6 (addresses, nw_tos / ip_dscp, ip_ecn, nw_ttl,
// ipv6_label) with TCP, UDP or SCTP ports (and tcp_flags), ICMP or ICMPv6
// type and code, or an ARP/RARP body (op, spa, tpa, sha, tha).  IPv4
// header, TCP, UDP and ICMP checksums and SCTP's CRC32c are valid, and the
// frame is padded to the Ethernet minimum of 60 bytes (no FCS).
//
// Design.  Fields the description leaves out take fixed defaults, the
// same every time (DEFAULTS): locally administered unicast MACs, so that
// NORMAL treats the frame as ordinary traffic; zero addresses and ports;
// TTL / hop limit 64; ARP op 1 (request; RARP 3) with sha = dl_src.  With
// no dl_type the frame carries EtherType 0x88b5 (IEEE 802 local
// experimental) and no payload; an unknown dl_type or nw_proto gives that
// header and an empty payload.  A description that names something that
// is not one packet is refused with a FlowSyntaxError naming the token: a
// masked value (`nw_dst=10.0.0.0/24`; tcp_flags is the exception, its set
// bits are used), flow attributes (table, priority, cookie, actions, ...),
// metadata (pipeline state, not frame bytes), mpls_bos=0 (one entry is
// built) and a missing in_port.
//
// Pure functions; callable from any context.
import { FlowSyntaxError } from './errors';
import { parseFlow } from './flow-parser';
import {
  ETH_TYPE_ARP, ETH_TYPE_IPV4, ETH_TYPE_IPV6, ETH_TYPE_MPLS, ETH_TYPE_MPLS_MC, ETH_TYPE_RARP,
  IP_PROTO_ICMP, IP_PROTO_ICMPV6, IP_PROTO_SCTP, IP_PROTO_TCP, IP_PROTO_UDP,
} from './match-fields';

/** What trace needs: the port the frame arrives on and the frame from the destination MAC on. */
export interface DescribedPacket {
  inPort: number;
  frame: Buffer;
}

/** The values of the fields a description leaves out. */
export const DEFAULTS = {
  ethSrc: 0x020000000001n,
  ethDst: 0x020000000002n,
  /** IEEE 802 local experimental EtherType: a frame that is no protocol. */
  ethType: 0x88b5n,
  ttl: 64n,
  mplsBos: 1n,
} as const;

export const ETH_MIN_FRAME = 60;

// Tokens that describe a flow, not a packet.
const NOT_PACKET = new Set([
  'table', 'priority', 'cookie', 'idle_timeout', 'hard_timeout', 'importance', 'out_port', 'out_group', 'metadata',
  'duration', 'n_packets', 'n_bytes', 'idle_age', 'hard_age', 'actions',
  'send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts',
]);

// Every field the builder puts into a frame; anything else the parser adds is refused.
const BUILT = new Set([
  'in_port', 'vlan_tci', 'eth_src', 'eth_dst', 'eth_type', 'ipv4_src', 'ipv4_dst', 'arp_spa', 'arp_tpa', 'arp_sha', 'arp_tha', 'arp_op',
  'ipv6_src', 'ipv6_dst', 'ipv6_flabel', 'ip_proto', 'ip_dscp', 'ip_ecn', 'nw_ttl', 'mpls_label', 'mpls_tc', 'mpls_bos',
  'tcp_src', 'tcp_dst', 'udp_src', 'udp_dst', 'sctp_src', 'sctp_dst', 'icmpv4_type', 'icmpv4_code', 'icmpv6_type', 'icmpv6_code', 'tcp_flags',
]);

/** Parses 'description' (ovs-ofctl match syntax with in_port) and builds the frame it names. */
export function buildPacket(description: string): DescribedPacket {
  for (const token of description.split(/[\s,]+/).filter((t) => t !== '')) checkToken(token);
  const flow = parseFlow(description, { filter: true });
  const f = new Map<string, bigint>();
  for (const m of flow.match) {
    if (!BUILT.has(m.field)) throw new FlowSyntaxError(`trace cannot put ${m.field} into a packet`, m.field);
    f.set(m.field, m.value);
  }
  const inPort = f.get('in_port');
  if (inPort === undefined) throw new FlowSyntaxError('a traced packet needs in_port=N (the port it arrives on)', description);
  return { inPort: Number(inPort), frame: pad(ethernet(f)) };
}

function checkToken(token: string): void {
  const eq = token.indexOf('=');
  const key = eq < 0 ? token : token.slice(0, eq);
  if (NOT_PACKET.has(key)) throw new FlowSyntaxError(`${key} is not part of a packet; describe only its fields`, token);
  if (eq >= 0 && token.includes('/', eq) && key !== 'tcp_flags') {
    throw new FlowSyntaxError(`${token}: a mask names many packets; trace needs one value`, token);
  }
  if (key === 'mpls_bos' && /^0+$|^0x0+$/i.test(token.slice(eq + 1))) {
    throw new FlowSyntaxError('mpls_bos=0: trace builds one label stack entry, which is the bottom of the stack', token);
  }
}

const be = (value: bigint, bytes: number): Buffer => {
  const b = Buffer.alloc(bytes);
  for (let i = bytes - 1, v = value; i >= 0; i--, v >>= 8n) b[i] = Number(v & 0xffn);
  return b;
};

function ethernet(f: Map<string, bigint>): Buffer {
  const ethType = f.get('eth_type');
  const tci = f.get('vlan_tci') ?? 0n;
  const tag = (tci & 0x1000n) !== 0n ? Buffer.concat([be(0x8100n, 2), be(tci & 0xefffn, 2)]) : Buffer.alloc(0);
  const head = Buffer.concat([be(f.get('eth_dst') ?? DEFAULTS.ethDst, 6), be(f.get('eth_src') ?? DEFAULTS.ethSrc, 6), tag, be(ethType ?? DEFAULTS.ethType, 2)]);
  let body: Buffer = Buffer.alloc(0);
  if (ethType === ETH_TYPE_IPV4) body = ipv4(f);
  else if (ethType === ETH_TYPE_IPV6) body = ipv6(f);
  else if (ethType === ETH_TYPE_ARP || ethType === ETH_TYPE_RARP) body = arp(f, ethType);
  else if (ethType === ETH_TYPE_MPLS || ethType === ETH_TYPE_MPLS_MC) body = mpls(f);
  return Buffer.concat([head, body]);
}

function pad(frame: Buffer): Buffer {
  return frame.length >= ETH_MIN_FRAME ? frame : Buffer.concat([frame, Buffer.alloc(ETH_MIN_FRAME - frame.length)]);
}

function mpls(f: Map<string, bigint>): Buffer {
  const label = f.get('mpls_label') ?? 0n;
  const entry = (label << 12n) | ((f.get('mpls_tc') ?? 0n) << 9n) | ((f.get('mpls_bos') ?? DEFAULTS.mplsBos) << 8n) | DEFAULTS.ttl;
  return be(entry, 4);
}

function arp(f: Map<string, bigint>, ethType: bigint): Buffer {
  const op = f.get('arp_op') ?? (ethType === ETH_TYPE_RARP ? 3n : 1n);
  return Buffer.concat([
    be(1n, 2), be(ETH_TYPE_IPV4, 2), Buffer.from([6, 4]), be(op, 2),
    be(f.get('arp_sha') ?? f.get('eth_src') ?? DEFAULTS.ethSrc, 6), be(f.get('arp_spa') ?? 0n, 4),
    be(f.get('arp_tha') ?? 0n, 6), be(f.get('arp_tpa') ?? 0n, 4),
  ]);
}

/** The TOS / traffic class byte: DSCP in the upper six bits, ECN in the lower two. */
const trafficClass = (f: Map<string, bigint>): bigint => ((f.get('ip_dscp') ?? 0n) << 2n) | (f.get('ip_ecn') ?? 0n);

function ipv4(f: Map<string, bigint>): Buffer {
  const src = be(f.get('ipv4_src') ?? 0n, 4);
  const dst = be(f.get('ipv4_dst') ?? 0n, 4);
  const proto = f.get('ip_proto') ?? 0n;
  const l4 = transport(f, proto, (len) => Buffer.concat([src, dst, Buffer.from([0, Number(proto)]), be(BigInt(len), 2)]), false);
  const h = Buffer.concat([
    Buffer.from([0x45, Number(trafficClass(f))]), be(BigInt(20 + l4.length), 2), be(0n, 4),
    Buffer.from([Number(f.get('nw_ttl') ?? DEFAULTS.ttl), Number(proto)]), be(0n, 2), src, dst,
  ]);
  h.writeUInt16BE(internetChecksum([h]), 10);
  return Buffer.concat([h, l4]);
}

function ipv6(f: Map<string, bigint>): Buffer {
  const src = be(f.get('ipv6_src') ?? 0n, 16);
  const dst = be(f.get('ipv6_dst') ?? 0n, 16);
  const next = f.get('ip_proto') ?? 59n;   // 59: no next header
  const l4 = transport(f, next, (len) => Buffer.concat([src, dst, be(BigInt(len), 4), be(next, 4)]), true);
  const word0 = (6n << 28n) | (trafficClass(f) << 20n) | (f.get('ipv6_flabel') ?? 0n);
  return Buffer.concat([be(word0, 4), be(BigInt(l4.length), 2), Buffer.from([Number(next), Number(f.get('nw_ttl') ?? DEFAULTS.ttl)]), src, dst, l4]);
}

/**
 * The L4 header 'proto' names, with its checksum; 'pseudo' gives the IP
 * pseudo-header for a segment of 'len' bytes.  Other protocols: no bytes.
 */
function transport(f: Map<string, bigint>, proto: bigint, pseudo: (len: number) => Buffer, v6: boolean): Buffer {
  const port = (name: string): Buffer => be(f.get(name) ?? 0n, 2);
  if (proto === IP_PROTO_TCP) {
    const flags = f.get('tcp_flags') ?? 0n;
    const h = Buffer.concat([port('tcp_src'), port('tcp_dst'), be(0n, 8), Buffer.from([0x50 | Number((flags >> 8n) & 0xfn), Number(flags & 0xffn)]), be(0n, 6)]);
    h.writeUInt16BE(internetChecksum([pseudo(h.length), h]), 16);
    return h;
  }
  if (proto === IP_PROTO_UDP) {
    const h = Buffer.concat([port('udp_src'), port('udp_dst'), be(8n, 2), be(0n, 2)]);
    // RFC 768: a computed zero is sent as all ones (zero means "no checksum").
    h.writeUInt16BE(internetChecksum([pseudo(h.length), h]) || 0xffff, 6);
    return h;
  }
  if (proto === IP_PROTO_SCTP) {
    const h = Buffer.concat([port('sctp_src'), port('sctp_dst'), be(0n, 8)]);
    // RFC 4960 appendix B: CRC32c over the packet with the checksum field zero, stored little-endian.
    h.writeUInt32LE(crc32c(h), 8);
    return h;
  }
  const icmp = (type: string, code: string, withPseudo: boolean): Buffer => {
    const h = Buffer.concat([Buffer.from([Number(f.get(type) ?? 0n), Number(f.get(code) ?? 0n)]), be(0n, 6)]);
    h.writeUInt16BE(internetChecksum(withPseudo ? [pseudo(h.length), h] : [h]), 2);
    return h;
  };
  if (proto === IP_PROTO_ICMP && !v6) return icmp('icmpv4_type', 'icmpv4_code', false);
  if (proto === IP_PROTO_ICMPV6 && v6) return icmp('icmpv6_type', 'icmpv6_code', true);
  return Buffer.alloc(0);
}

/** RFC 1071: the ones' complement of the ones' complement sum of 'parts' as 16-bit words. */
export function internetChecksum(parts: readonly Buffer[]): number {
  const all = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += (all[i] << 8) | (i + 1 < all.length ? all[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const CRC32C_TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC32c (Castagnoli, reflected polynomial 0x82f63b78), as SCTP uses it. */
export function crc32c(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC32C_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
