// The match fields: one table that every other piece of ovs-compat reads.
//
// What?  Each row is one field the `openflow` logic can match and set: its
// canonical (OpenFlow 1.3 OXM) name, its OXM class and field number
// (OpenFlow 1.3.5 section 7.2.3.7, "Flow Match Fields"), its width, whether
// it may carry a mask, its prerequisites, and the spellings ovs-ofctl
// accepts for it (`ovs-fields(7)`), old (`nw_src`) and new (`ip_src`).
//
// Design.  The table is data, not code: the parser looks spellings up in it,
// the printer takes the name ovs-ofctl prints from it, and the translation
// into the native form takes the OXM class/field from it.  Two places are
// shaped like Open vSwitch rather than like the spec, because ovs-ofctl
// parses and prints them that way and the golden tests compare with it:
//
//  - VLAN: OVS keeps one 16-bit TCI (NXM_OF_VLAN_TCI: PCP, CFI = "present",
//    VID).  `dl_vlan`, `dl_vlan_pcp`, `vlan_vid` and `vlan_pcp` all write into
//    it; the OXM `vlan_vid` (with OFPVID_PRESENT = 0x1000) and `vlan_pcp` are
//    derived from it when encoding.
//  - `nw_tos` is the DSCP shifted left by two (the whole TOS byte with the
//    ECN bits zero); the OXM field is `ip_dscp` (6 bits).
//
// Invariants: every `spellings` entry is unique across the table; `print` is
// one of the spellings or the OVS name; widths are at most 128 bits.
// Pure data and pure functions: callable from any context.

/** OXM classes (OpenFlow 1.3 section 7.2.3.2). */
export const OFPXMC_NXM_0 = 0x0000;
export const OFPXMC_NXM_1 = 0x0001;
export const OFPXMC_OPENFLOW_BASIC = 0x8000;

/** How a field's value is written in ovs-ofctl syntax. */
export type ValueFormat =
  | 'mac' // 00:11:22:33:44:55[/ff:ff:ff:00:00:00]
  | 'ipv4' // 10.0.0.0/24 or 10.0.0.0/255.255.255.0
  | 'ipv6' // 2001:db8::/32 or 2001:db8::/ffff:ffff::
  | 'decimal' // printed in decimal when exact, 0xV/0xM when masked
  | 'hex' // printed in hexadecimal always
  | 'port' // an OpenFlow port number or name (LOCAL, CONTROLLER, ...)
  | 'tcp_flags'; // +syn-ack or 0xV/0xM

/** A prerequisite (OpenFlow 1.3 section 7.2.3.6): a field that must be matched exactly to one of 'values'. */
export interface Prerequisite {
  field: 'eth_type' | 'ip_proto' | 'vlan_vid_present';
  values: readonly bigint[];
  /** How ovs-ofctl users satisfy it, for the error message. */
  hint: string;
}

export interface MatchField {
  /** Canonical name: the OXM name without the OXM_OF_ prefix, lowercase. */
  name: string;
  oxmClass: number;
  oxmField: number;
  /** Width of the value in bits. */
  bits: number;
  /** Length of the OXM payload's value in bytes (a 20-bit MPLS label takes 4). */
  bytes: number;
  maskable: boolean;
  format: ValueFormat;
  /** Every spelling ovs-ofctl accepts in a match or in set_field, the OVS name first. */
  spellings: readonly string[];
  /** The name ovs-ofctl prints in a match. */
  print: string;
  /** The name ovs-ofctl prints after "set_field:V->" (OVS's mf name). */
  setFieldName: string;
  /** The NXM name usable in `load:V->NAME[]`, if OVS has one. */
  nxmName?: string;
  prerequisites: readonly Prerequisite[];
  /** False for fields OpenFlow does not allow in set-field (in_port, metadata via set_field is fine). */
  settable: boolean;
}

export const ETH_TYPE_IPV4 = 0x0800n;
export const ETH_TYPE_ARP = 0x0806n;
export const ETH_TYPE_RARP = 0x8035n;
export const ETH_TYPE_IPV6 = 0x86ddn;
export const ETH_TYPE_MPLS = 0x8847n;
export const ETH_TYPE_MPLS_MC = 0x8848n;
export const IP_PROTO_ICMP = 1n;
export const IP_PROTO_TCP = 6n;
export const IP_PROTO_UDP = 17n;
export const IP_PROTO_ICMPV6 = 58n;
export const IP_PROTO_SCTP = 132n;

const IPV4: Prerequisite = { field: 'eth_type', values: [ETH_TYPE_IPV4], hint: 'ip' };
const IPV6: Prerequisite = { field: 'eth_type', values: [ETH_TYPE_IPV6], hint: 'ipv6' };
const IP_ANY: Prerequisite = { field: 'eth_type', values: [ETH_TYPE_IPV4, ETH_TYPE_IPV6], hint: 'ip or ipv6' };
const ARP: Prerequisite = { field: 'eth_type', values: [ETH_TYPE_ARP, ETH_TYPE_RARP], hint: 'arp or rarp' };
const MPLS: Prerequisite = { field: 'eth_type', values: [ETH_TYPE_MPLS, ETH_TYPE_MPLS_MC], hint: 'mpls or mplsm' };
const proto = (p: bigint, hint: string): Prerequisite => ({ field: 'ip_proto', values: [p], hint });
const VLAN: Prerequisite = { field: 'vlan_vid_present', values: [1n], hint: 'dl_vlan or vlan_vid with 0x1000' };

interface Row {
  name: string;
  cls?: number;
  field: number;
  bits: number;
  maskable: boolean;
  format: ValueFormat;
  spellings: string[];
  print?: string;
  setFieldName?: string;
  nxmName?: string;
  pre?: Prerequisite[];
  settable?: boolean;
}

// The order of this list is the order ovs-ofctl prints a match in (OVS's
// match_format() in lib/match.c), after the priority and the protocol
// shorthand (`tcp`, `arp`, ...) that stands for eth_type and ip_proto.
const ROWS: Row[] = [
  { name: 'metadata', field: 2, bits: 64, maskable: true, format: 'hex', spellings: ['metadata'] },
  { name: 'in_port', field: 0, bits: 32, maskable: false, format: 'port', spellings: ['in_port'], settable: false },
  // VLAN (see the essay): OVS's 16-bit TCI stands for OXM vlan_vid (6) and vlan_pcp (7).
  { name: 'vlan_tci', cls: OFPXMC_NXM_0, field: 4, bits: 16, maskable: true, format: 'hex', spellings: ['vlan_tci'], nxmName: 'NXM_OF_VLAN_TCI', settable: false },
  { name: 'vlan_vid', field: 6, bits: 13, maskable: true, format: 'decimal', spellings: ['vlan_vid', 'dl_vlan'] },
  { name: 'vlan_pcp', field: 7, bits: 3, maskable: false, format: 'decimal', spellings: ['vlan_pcp', 'dl_vlan_pcp'], pre: [VLAN] },
  { name: 'eth_src', field: 4, bits: 48, maskable: true, format: 'mac', spellings: ['eth_src', 'dl_src'], print: 'dl_src', nxmName: 'NXM_OF_ETH_SRC' },
  { name: 'eth_dst', field: 3, bits: 48, maskable: true, format: 'mac', spellings: ['eth_dst', 'dl_dst'], print: 'dl_dst', nxmName: 'NXM_OF_ETH_DST' },
  { name: 'eth_type', field: 5, bits: 16, maskable: false, format: 'hex', spellings: ['eth_type', 'dl_type'], print: 'dl_type', nxmName: 'NXM_OF_ETH_TYPE', settable: false },
  { name: 'ipv4_src', field: 11, bits: 32, maskable: true, format: 'ipv4', spellings: ['ip_src', 'nw_src'], print: 'nw_src', setFieldName: 'ip_src', nxmName: 'NXM_OF_IP_SRC', pre: [IPV4] },
  { name: 'ipv4_dst', field: 12, bits: 32, maskable: true, format: 'ipv4', spellings: ['ip_dst', 'nw_dst'], print: 'nw_dst', setFieldName: 'ip_dst', nxmName: 'NXM_OF_IP_DST', pre: [IPV4] },
  { name: 'arp_spa', field: 22, bits: 32, maskable: true, format: 'ipv4', spellings: ['arp_spa'], pre: [ARP] },
  { name: 'arp_tpa', field: 23, bits: 32, maskable: true, format: 'ipv4', spellings: ['arp_tpa'], pre: [ARP] },
  { name: 'ipv6_src', field: 26, bits: 128, maskable: true, format: 'ipv6', spellings: ['ipv6_src'], pre: [IPV6] },
  { name: 'ipv6_dst', field: 27, bits: 128, maskable: true, format: 'ipv6', spellings: ['ipv6_dst'], pre: [IPV6] },
  { name: 'ipv6_flabel', field: 28, bits: 20, maskable: true, format: 'hex', spellings: ['ipv6_label'], print: 'ipv6_label', setFieldName: 'ipv6_label', pre: [IPV6] },
  { name: 'ip_proto', field: 10, bits: 8, maskable: false, format: 'decimal', spellings: ['nw_proto', 'ip_proto'], print: 'nw_proto', setFieldName: 'nw_proto', pre: [IP_ANY], settable: false },
  { name: 'arp_op', field: 21, bits: 16, maskable: false, format: 'decimal', spellings: ['arp_op'], pre: [ARP] },
  { name: 'arp_sha', field: 24, bits: 48, maskable: true, format: 'mac', spellings: ['arp_sha'], pre: [ARP] },
  { name: 'arp_tha', field: 25, bits: 48, maskable: true, format: 'mac', spellings: ['arp_tha'], pre: [ARP] },
  // nw_tos is printed as the TOS byte (DSCP << 2); see the essay.
  { name: 'ip_dscp', field: 8, bits: 6, maskable: false, format: 'decimal', spellings: ['ip_dscp', 'nw_tos'], print: 'nw_tos', pre: [IP_ANY] },
  { name: 'ip_ecn', field: 9, bits: 2, maskable: false, format: 'decimal', spellings: ['nw_ecn', 'ip_ecn'], print: 'nw_ecn', setFieldName: 'nw_ecn', pre: [IP_ANY] },
  // No OXM in OpenFlow 1.3: OVS's NXM_NX_IP_TTL (class 1, field 29).
  { name: 'nw_ttl', cls: OFPXMC_NXM_1, field: 29, bits: 8, maskable: false, format: 'decimal', spellings: ['nw_ttl'], nxmName: 'NXM_NX_IP_TTL', pre: [IP_ANY] },
  { name: 'mpls_label', field: 34, bits: 20, maskable: false, format: 'decimal', spellings: ['mpls_label'], pre: [MPLS] },
  { name: 'mpls_tc', field: 35, bits: 3, maskable: false, format: 'decimal', spellings: ['mpls_tc'], pre: [MPLS] },
  { name: 'mpls_bos', field: 36, bits: 1, maskable: false, format: 'decimal', spellings: ['mpls_bos'], pre: [MPLS] },
  { name: 'tcp_src', field: 13, bits: 16, maskable: true, format: 'decimal', spellings: ['tcp_src'], print: 'tp_src', nxmName: 'NXM_OF_TCP_SRC', pre: [IP_ANY, proto(IP_PROTO_TCP, 'tcp or tcp6')] },
  { name: 'tcp_dst', field: 14, bits: 16, maskable: true, format: 'decimal', spellings: ['tcp_dst'], print: 'tp_dst', nxmName: 'NXM_OF_TCP_DST', pre: [IP_ANY, proto(IP_PROTO_TCP, 'tcp or tcp6')] },
  { name: 'udp_src', field: 15, bits: 16, maskable: true, format: 'decimal', spellings: ['udp_src'], print: 'tp_src', nxmName: 'NXM_OF_UDP_SRC', pre: [IP_ANY, proto(IP_PROTO_UDP, 'udp or udp6')] },
  { name: 'udp_dst', field: 16, bits: 16, maskable: true, format: 'decimal', spellings: ['udp_dst'], print: 'tp_dst', nxmName: 'NXM_OF_UDP_DST', pre: [IP_ANY, proto(IP_PROTO_UDP, 'udp or udp6')] },
  { name: 'sctp_src', field: 17, bits: 16, maskable: true, format: 'decimal', spellings: ['sctp_src'], print: 'tp_src', pre: [IP_ANY, proto(IP_PROTO_SCTP, 'sctp or sctp6')] },
  { name: 'sctp_dst', field: 18, bits: 16, maskable: true, format: 'decimal', spellings: ['sctp_dst'], print: 'tp_dst', pre: [IP_ANY, proto(IP_PROTO_SCTP, 'sctp or sctp6')] },
  { name: 'icmpv4_type', field: 19, bits: 8, maskable: false, format: 'decimal', spellings: ['icmp_type'], pre: [IPV4, proto(IP_PROTO_ICMP, 'icmp')] },
  { name: 'icmpv4_code', field: 20, bits: 8, maskable: false, format: 'decimal', spellings: ['icmp_code'], pre: [IPV4, proto(IP_PROTO_ICMP, 'icmp')] },
  { name: 'icmpv6_type', field: 29, bits: 8, maskable: false, format: 'decimal', spellings: ['icmpv6_type'], print: 'icmp_type', pre: [IPV6, proto(IP_PROTO_ICMPV6, 'icmp6')] },
  { name: 'icmpv6_code', field: 30, bits: 8, maskable: false, format: 'decimal', spellings: ['icmpv6_code'], print: 'icmp_code', pre: [IPV6, proto(IP_PROTO_ICMPV6, 'icmp6')] },
  // No OXM in OpenFlow 1.3 (it is OXM in 1.5): OVS's NXM_NX_TCP_FLAGS.
  { name: 'tcp_flags', cls: OFPXMC_NXM_1, field: 34, bits: 12, maskable: true, format: 'tcp_flags', spellings: ['tcp_flags'], nxmName: 'NXM_NX_TCP_FLAGS', pre: [IP_ANY, proto(IP_PROTO_TCP, 'tcp or tcp6')], settable: false },
];

export const MATCH_FIELDS: readonly MatchField[] = ROWS.map((r) => ({
  name: r.name,
  oxmClass: r.cls ?? OFPXMC_OPENFLOW_BASIC,
  oxmField: r.field,
  bits: r.bits,
  bytes: r.bits === 48 ? 6 : r.bits <= 8 ? 1 : r.bits <= 16 ? 2 : r.bits <= 32 ? 4 : r.bits <= 64 ? 8 : 16,
  maskable: r.maskable,
  format: r.format,
  spellings: r.spellings,
  print: r.print ?? r.spellings[0],
  setFieldName: r.setFieldName ?? r.spellings[0],
  nxmName: r.nxmName,
  prerequisites: r.pre ?? [],
  settable: r.settable ?? true,
}));

const BY_NAME = new Map(MATCH_FIELDS.map((f) => [f.name, f]));
const BY_NXM = new Map(MATCH_FIELDS.filter((f) => f.nxmName).map((f) => [f.nxmName!, f]));

/** Spellings that depend on the protocol (`tp_dst` is tcp_dst, udp_dst or sctp_dst), resolved by the parser. */
// `icmp_type` and `icmp_code` are the ICMPv4 fields' own OVS names (there is
// no `icmpv4_type` spelling) and also stand for the ICMPv6 ones in an icmp6
// match.
export const PROTOCOL_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  tp_src: { '6': 'tcp_src', '17': 'udp_src', '132': 'sctp_src' },
  tp_dst: { '6': 'tcp_dst', '17': 'udp_dst', '132': 'sctp_dst' },
  icmp_type: { '1': 'icmpv4_type', '58': 'icmpv6_type' },
  icmp_code: { '1': 'icmpv4_code', '58': 'icmpv6_code' },
};

const BY_SPELLING = new Map<string, MatchField>();
for (const f of MATCH_FIELDS) {
  for (const s of f.spellings) {
    if (BY_SPELLING.has(s)) throw new Error(`match-fields: spelling '${s}' is used twice`);
    BY_SPELLING.set(s, f);
  }
}

/** The field named 'name' (canonical name). */
export function fieldByName(name: string): MatchField {
  const f = BY_NAME.get(name);
  if (!f) throw new Error(`match-fields: no field '${name}'`);
  return f;
}

/** The field an ovs-ofctl 'spelling' stands for, or undefined (protocol aliases are not resolved here). */
export function fieldBySpelling(spelling: string): MatchField | undefined {
  return BY_SPELLING.get(spelling);
}

/** The field a `load` destination such as NXM_OF_ETH_SRC names, or undefined. */
export function fieldByNxmName(nxm: string): MatchField | undefined {
  return BY_NXM.get(nxm);
}

/** All ones in 'bits' bits. */
// Every width a field or a mask has (0..128 bits), made once: decoding and
// translating a flow mod asks for a dozen of them.
const FULL_MASKS: readonly bigint[] = Array.from({ length: 129 }, (_, bits) => (1n << BigInt(bits)) - 1n);

export function fullMask(bits: number): bigint {
  return FULL_MASKS[bits] ?? (1n << BigInt(bits)) - 1n;
}

/** Print order of a canonical field name (the row order above). */
export function printRank(name: string): number {
  return MATCH_FIELDS.findIndex((f) => f.name === name);
}
