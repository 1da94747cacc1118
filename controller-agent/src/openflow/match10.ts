// OpenFlow 1.0's fixed ofp_match (OpenFlow 1.0.0 section 5.2.3) to and
// from the model's OXM-style FieldMatch list.
//
// What?  A 40-byte struct with a wildcard bitmap becomes the fields a 1.3
// switch would see: dl_vlan 5 is vlan_vid 0x1005 (OFPVID_PRESENT set),
// dl_vlan 0xffff (no tag) is vlan_vid 0, nw_tos is ip_dscp, nw_src with a
// CIDR wildcard count is a masked ipv4_src, and nw_proto/nw_src/nw_dst are
// arp_op/arp_spa/arp_tpa in an ARP match.  tp_src/tp_dst become the TCP,
// UDP, SCTP or ICMP field their nw_proto names.
//
// Design.  1.0 has no prerequisite errors: a field whose protocol is not
// matched is ignored (section 5.2.3; Open vSwitch drops it the same way),
// so it is absent from the decoded list.  Encoding writes the wildcards
// Open vSwitch writes (the CIDR counts at 32 for an unmatched address, so
// a match-all is 0x003820ff) and zeros in wildcarded fields; decoding an
// Open vSwitch match and encoding it again gives the same bytes.
//
// Thread-safety: pure functions.

import type { FieldMatch } from '../../../ovs-compat/src/flow';
import { fullMask } from '../../../ovs-compat/src/match-fields';
import { OFP_VLAN_NONE_10, OFPVID_PRESENT, port10To13, port13To10 } from './constants';
import { EncodeError } from './errors';
import { oxmField } from './oxm';
import { Reader, Writer } from './wire';

export const OFP_MATCH_10_LEN = 40;

// enum ofp_flow_wildcards (1.0.0 section 5.2.3).
const OFPFW_IN_PORT = 1 << 0;
const OFPFW_DL_VLAN = 1 << 1;
const OFPFW_DL_SRC = 1 << 2;
const OFPFW_DL_DST = 1 << 3;
const OFPFW_DL_TYPE = 1 << 4;
const OFPFW_NW_PROTO = 1 << 5;
const OFPFW_TP_SRC = 1 << 6;
const OFPFW_TP_DST = 1 << 7;
const OFPFW_NW_SRC_SHIFT = 8;
const OFPFW_NW_DST_SHIFT = 14;
const OFPFW_DL_VLAN_PCP = 1 << 20;
const OFPFW_NW_TOS = 1 << 21;

const exact = (field: string, value: bigint): FieldMatch => ({ field, value, mask: fullMask(oxmField(field)!.bits) });

// tp_src / tp_dst by nw_proto.
const TP_FIELDS: Record<number, [string, string]> = {
  6: ['tcp_src', 'tcp_dst'], 17: ['udp_src', 'udp_dst'], 132: ['sctp_src', 'sctp_dst'], 1: ['icmpv4_type', 'icmpv4_code'],
};

/** A CIDR wildcard count (0 = exact, >= 32 = any) as an address mask, or undefined for "any". */
function cidrMask(bits: number): bigint | undefined {
  return bits >= 32 ? undefined : (0xffffffffn << BigInt(bits)) & 0xffffffffn;
}

export function decodeMatch10(r: Reader): FieldMatch[] {
  const m = r.sub(OFP_MATCH_10_LEN, 'ofp_match');
  const wc = m.u32();
  const inPort = m.u16();
  const dlSrc = m.uint(6);
  const dlDst = m.uint(6);
  const dlVlan = m.u16();
  const dlVlanPcp = m.u8();
  m.pad(1);
  const dlType = m.u16();
  const nwTos = m.u8();
  const nwProto = m.u8();
  m.pad(2);
  const nwSrc = BigInt(m.u32());
  const nwDst = BigInt(m.u32());
  const tpSrc = BigInt(m.u16());
  const tpDst = BigInt(m.u16());

  const out: FieldMatch[] = [];
  if (!(wc & OFPFW_IN_PORT)) out.push(exact('in_port', BigInt(port10To13(inPort))));
  if (!(wc & OFPFW_DL_SRC)) out.push(exact('eth_src', dlSrc));
  if (!(wc & OFPFW_DL_DST)) out.push(exact('eth_dst', dlDst));
  const vlanExact = !(wc & OFPFW_DL_VLAN);
  const pcpExact = !(wc & OFPFW_DL_VLAN_PCP);
  if (vlanExact && dlVlan === OFP_VLAN_NONE_10) {
    out.push(exact('vlan_vid', 0n));
  } else if (vlanExact) {
    out.push(exact('vlan_vid', BigInt((dlVlan & 0xfff) | OFPVID_PRESENT)));
  } else if (pcpExact) {
    // A PCP without a VID: any tagged packet with that priority.
    out.push({ field: 'vlan_vid', value: BigInt(OFPVID_PRESENT), mask: BigInt(OFPVID_PRESENT) });
  }
  if (pcpExact && !(vlanExact && dlVlan === OFP_VLAN_NONE_10)) out.push(exact('vlan_pcp', BigInt(dlVlanPcp & 7)));
  if (wc & OFPFW_DL_TYPE) return out;
  out.push(exact('eth_type', BigInt(dlType)));

  const srcMask = cidrMask((wc >>> OFPFW_NW_SRC_SHIFT) & 0x3f);
  const dstMask = cidrMask((wc >>> OFPFW_NW_DST_SHIFT) & 0x3f);
  const protoExact = !(wc & OFPFW_NW_PROTO);
  if (dlType === 0x0806) {
    if (protoExact) out.push(exact('arp_op', BigInt(nwProto)));
    if (srcMask !== undefined) out.push({ field: 'arp_spa', value: nwSrc & srcMask, mask: srcMask });
    if (dstMask !== undefined) out.push({ field: 'arp_tpa', value: nwDst & dstMask, mask: dstMask });
    return out;
  }
  if (dlType !== 0x0800) return out;
  if (!(wc & OFPFW_NW_TOS)) out.push(exact('ip_dscp', BigInt(nwTos >> 2)));
  if (protoExact) out.push(exact('ip_proto', BigInt(nwProto)));
  if (srcMask !== undefined) out.push({ field: 'ipv4_src', value: nwSrc & srcMask, mask: srcMask });
  if (dstMask !== undefined) out.push({ field: 'ipv4_dst', value: nwDst & dstMask, mask: dstMask });
  const tp = protoExact ? TP_FIELDS[nwProto] : undefined;
  if (tp && !(wc & OFPFW_TP_SRC)) out.push(exact(tp[0], tpSrc));
  if (tp && !(wc & OFPFW_TP_DST)) out.push(exact(tp[1], tpDst));
  return out;
}

/** The CIDR wildcard count of an IPv4 'mask', or undefined when it is not a prefix. */
function cidrBits(mask: bigint): number | undefined {
  for (let bits = 0; bits <= 32; bits++) if (cidrMask(bits) === mask || (bits === 32 && mask === 0n)) return bits;
  return undefined;
}

export function encodeMatch10(w: Writer, match: readonly FieldMatch[]): void {
  let wc = 0x3fffff & ~((0x3f << OFPFW_NW_SRC_SHIFT) | (0x3f << OFPFW_NW_DST_SHIFT));
  let srcBits = 32;
  let dstBits = 32;
  let inPort = 0, dlVlan = 0, dlVlanPcp = 0, dlType = 0, nwTos = 0, nwProto = 0, tpSrc = 0, tpDst = 0;
  let dlSrc = 0n, dlDst = 0n, nwSrc = 0n, nwDst = 0n;
  const full = (m: FieldMatch) => m.mask === fullMask(oxmField(m.field)?.bits ?? 0);
  const needExact = (m: FieldMatch) => {
    if (!full(m)) throw new EncodeError(`OpenFlow 1.0 cannot match ${m.field} with mask 0x${m.mask.toString(16)}`);
    return Number(m.value);
  };
  for (const m of match) {
    switch (m.field) {
      case 'in_port': {
        const p = port13To10(needExact(m));
        if (p === undefined) throw new EncodeError(`OpenFlow 1.0 has no port ${m.value}`);
        inPort = p; wc &= ~OFPFW_IN_PORT; break;
      }
      case 'eth_src': needExact(m); dlSrc = m.value; wc &= ~OFPFW_DL_SRC; break;
      case 'eth_dst': needExact(m); dlDst = m.value; wc &= ~OFPFW_DL_DST; break;
      case 'vlan_vid':
        if (m.mask === 0x1fffn) { dlVlan = m.value === 0n ? OFP_VLAN_NONE_10 : Number(m.value & 0xfffn); wc &= ~OFPFW_DL_VLAN; }
        else if (m.mask !== 0x1000n || m.value !== 0x1000n) throw new EncodeError(`OpenFlow 1.0 cannot match vlan_vid 0x${m.value.toString(16)}/0x${m.mask.toString(16)}`);
        break;
      case 'vlan_pcp': dlVlanPcp = needExact(m); wc &= ~OFPFW_DL_VLAN_PCP; break;
      case 'eth_type': dlType = needExact(m); wc &= ~OFPFW_DL_TYPE; break;
      case 'ip_dscp': nwTos = needExact(m) << 2; wc &= ~OFPFW_NW_TOS; break;
      case 'ip_proto': case 'arp_op': nwProto = needExact(m); wc &= ~OFPFW_NW_PROTO; break;
      case 'ipv4_src': case 'arp_spa': {
        const b = cidrBits(m.mask);
        if (b === undefined) throw new EncodeError(`OpenFlow 1.0 needs a prefix mask for ${m.field}`);
        srcBits = b; nwSrc = m.value; break;
      }
      case 'ipv4_dst': case 'arp_tpa': {
        const b = cidrBits(m.mask);
        if (b === undefined) throw new EncodeError(`OpenFlow 1.0 needs a prefix mask for ${m.field}`);
        dstBits = b; nwDst = m.value; break;
      }
      case 'tcp_src': case 'udp_src': case 'sctp_src': case 'icmpv4_type': tpSrc = needExact(m); wc &= ~OFPFW_TP_SRC; break;
      case 'tcp_dst': case 'udp_dst': case 'sctp_dst': case 'icmpv4_code': tpDst = needExact(m); wc &= ~OFPFW_TP_DST; break;
      default: throw new EncodeError(`OpenFlow 1.0 cannot match ${m.field}`);
    }
  }
  wc |= (srcBits << OFPFW_NW_SRC_SHIFT) | (dstBits << OFPFW_NW_DST_SHIFT);
  w.u32(wc).u16(inPort).uint(dlSrc, 6).uint(dlDst, 6).u16(dlVlan).u8(dlVlanPcp).zeros(1).u16(dlType)
    .u8(nwTos).u8(nwProto).zeros(2).u32(Number(nwSrc)).u32(Number(nwDst)).u16(tpSrc).u16(tpDst);
}
