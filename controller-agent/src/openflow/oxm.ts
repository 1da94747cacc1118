// OXM: OpenFlow 1.3's match TLVs and the ofp_match that carries them.
//
// What?  decodeMatch13/encodeMatch13 turn an ofp_match of type OFPMT_OXM
// (OpenFlow 1.3.5 section 7.2.3.1) into the flow model's FieldMatch list
// and back; decodeOxm/encodeOxm do one TLV (also used by OFPAT_SET_FIELD).
// Every rule of sections 7.2.3.2-7.2.3.8 that a peer can break is checked
// here, each with its spec error: unknown field, bad length, mask on an
// unmaskable field, value bits outside the mask, a value wider than the
// field, a field twice, a missing prerequisite.
//
// Design.  Fields come from ovs-compat's table (match-fields.ts), looked up
// by (class, field).  The few OpenFlow 1.3 OXM fields that table does not
// hold (in_phy_port, the IPv6 ND fields, pbb_isid, tunnel_id, ipv6_exthdr)
// are listed in EXTRA_FIELDS below with the same shape, so the codec
// round-trips them; ovs-compat's logic does not match on them yet.
// Prerequisites are checked against the whole match, not against TLV order:
// section 7.2.3.6 asks that prerequisites come first, but Open vSwitch
// accepts any order and controllers rely on that.
// A vlan_tci entry (Open vSwitch's combined TCI, as ovs-compat's parser
// produces it) is written as OXM vlan_vid and vlan_pcp.
//
// Thread-safety: pure functions over immutable tables.

import {
  ETH_TYPE_IPV6, fullMask, MATCH_FIELDS, MatchField, OFPXMC_OPENFLOW_BASIC, IP_PROTO_ICMPV6,
} from '../../../ovs-compat/src/match-fields';
import type { FieldMatch } from '../../../ovs-compat/src/flow';
import { EncodeError, OpenFlowError } from './errors';
import { Reader, Writer } from './wire';

export const OFPMT_STANDARD = 0;
export const OFPMT_OXM = 1;

const extra = (name: string, field: number, bits: number, bytes: number, maskable: boolean, pre: MatchField['prerequisites'] = []): MatchField => ({
  name, oxmClass: OFPXMC_OPENFLOW_BASIC, oxmField: field, bits, bytes, maskable, format: 'hex', spellings: [],
  print: name, setFieldName: name, prerequisites: pre, settable: name !== 'in_phy_port',
});

const IPV6_PRE = [{ field: 'eth_type' as const, values: [ETH_TYPE_IPV6], hint: 'ipv6' }];
const ICMPV6_PRE = [...IPV6_PRE, { field: 'ip_proto' as const, values: [IP_PROTO_ICMPV6], hint: 'icmp6' }];

/** OXM fields of OpenFlow 1.3.5 section 7.2.3.7 that ovs-compat's table lacks. */
export const EXTRA_FIELDS: readonly MatchField[] = [
  extra('in_phy_port', 1, 32, 4, false),
  extra('ipv6_nd_target', 31, 128, 16, false, ICMPV6_PRE),
  extra('ipv6_nd_sll', 32, 48, 6, false, ICMPV6_PRE),
  extra('ipv6_nd_tll', 33, 48, 6, false, ICMPV6_PRE),
  extra('pbb_isid', 37, 24, 3, true, [{ field: 'eth_type', values: [0x88e7n], hint: 'pbb' }]),
  extra('tunnel_id', 38, 64, 8, true),
  extra('ipv6_exthdr', 39, 9, 2, true, IPV6_PRE),
];

// Extra prerequisites the Prerequisite shape cannot say (section 7.2.3.7's table).
const VALUE_PREREQS: Record<string, { field: string; values: bigint[] }> = {
  in_phy_port: { field: 'in_port', values: [] },
  ipv6_nd_target: { field: 'icmpv6_type', values: [135n, 136n] },
  ipv6_nd_sll: { field: 'icmpv6_type', values: [135n] },
  ipv6_nd_tll: { field: 'icmpv6_type', values: [136n] },
};

const ALL_FIELDS: readonly MatchField[] = [...MATCH_FIELDS, ...EXTRA_FIELDS];
const BY_OXM = new Map(ALL_FIELDS.map((f) => [(f.oxmClass << 7) | f.oxmField, f]));
const BY_NAME = new Map(ALL_FIELDS.map((f) => [f.name, f]));

/** The field named 'name' in ovs-compat's table or EXTRA_FIELDS. */
export function oxmField(name: string): MatchField | undefined {
  return BY_NAME.get(name);
}

/** The 32-bit OXM header of 'f' (section 7.2.3.2: class 16, field 7, hasmask 1, length 8). */
export function oxmHeader(f: MatchField, hasMask: boolean): number {
  const len = f.bytes * (hasMask ? 2 : 1);
  return ((f.oxmClass << 16) | (f.oxmField << 9) | (hasMask ? 0x100 : 0) | len) >>> 0;
}

/** The field an OXM header names, or undefined. */
export function fieldOfHeader(header: number): MatchField | undefined {
  return BY_OXM.get(((header >>> 16) << 7) | ((header >>> 9) & 0x7f));
}

export interface OxmErrors {
  badField: string;
  badLen: string;
  badMask: string;
  badValue: string;
  /** Raised by a well-formed mask where none may be (set_field), after the mask's own checks. */
  masked?: string;
}

const MATCH_ERRORS: OxmErrors = {
  badField: 'OFPBMC_BAD_FIELD',
  badLen: 'OFPBMC_BAD_LEN',
  badMask: 'OFPBMC_BAD_MASK',
  badValue: 'OFPBMC_BAD_VALUE',
};

/**
 * One OXM TLV from 'r'; 'errors' says which error each fault raises (match
 * or set-field).  Every FLOW_MOD carries a dozen of these: the value and
 * mask are read in place, and the messages of errors are built only when
 * one is thrown.
 */
export function decodeOxm(r: Reader, errors: OxmErrors = MATCH_ERRORS): FieldMatch {
  const header = r.u32('oxm header');
  const hasMask = (header & 0x100) !== 0;
  const len = header & 0xff;
  const f = fieldOfHeader(header);
  // 7.2.3.2: a class/field the switch does not know is OFPBMC_BAD_FIELD.
  if (!f) throw new OpenFlowError(errors.badField, `unknown OXM class 0x${(header >>> 16).toString(16)} field ${(header >>> 9) & 0x7f}`);
  if (len !== f.bytes * (hasMask ? 2 : 1)) throw new OpenFlowError(errors.badLen, `OXM ${f.name} has length ${len}, expected ${f.bytes * (hasMask ? 2 : 1)}`);
  if (len > r.remaining) throw new OpenFlowError(errors.badLen, `OXM ${f.name} needs ${len} bytes, ${r.remaining} left`);
  const value = r.uint(f.bytes);
  const full = fullMask(f.bits);
  // 7.2.3.8: values outside the field's width (a VLAN PCP of 9) are OFPBMC_BAD_VALUE.
  if (value > full) throw new OpenFlowError(errors.badValue, `OXM ${f.name} value 0x${value.toString(16)} wider than ${f.bits} bits`);
  if (!hasMask) return { field: f.name, value, mask: full };
  // 7.2.3.5: only maskable fields take a mask (OFPBMC_BAD_MASK).
  if (!f.maskable) throw new OpenFlowError(errors.badMask, `OXM ${f.name} is not maskable`);
  const mask = r.uint(f.bytes);
  if (mask > full) throw new OpenFlowError(errors.badMask, `OXM ${f.name} mask 0x${mask.toString(16)} wider than ${f.bits} bits`);
  // 7.2.3.5: a 1-bit in the value where the mask has a 0 is OFPBMC_BAD_WILDCARDS.
  if ((value & ~mask) !== 0n) throw new OpenFlowError('OFPBMC_BAD_WILDCARDS', `OXM ${f.name} value 0x${value.toString(16)} has bits outside mask 0x${mask.toString(16)}`);
  if (errors.masked !== undefined) throw new OpenFlowError(errors.masked, `OXM ${f.name} carries a mask`);
  return { field: f.name, value, mask };
}

/** One OXM TLV; an all-ones 'mask' is written without a mask. */
export function encodeOxm(w: Writer, m: FieldMatch): void {
  const f = BY_NAME.get(m.field);
  if (!f) throw new EncodeError(`OXM: no field '${m.field}'`);
  const hasMask = m.mask !== fullMask(f.bits);
  if (hasMask && !f.maskable) throw new EncodeError(`OXM: ${m.field} is not maskable (mask 0x${m.mask.toString(16)})`);
  w.u32(oxmHeader(f, hasMask)).uint(m.value, f.bytes);
  if (hasMask) w.uint(m.mask, f.bytes);
}

/** Open vSwitch's TCI (PCP 15-13, CFI/present 12, VID 11-0) as OXM vlan_vid and vlan_pcp. */
function splitTci(m: FieldMatch): FieldMatch[] {
  const out: FieldMatch[] = [{ field: 'vlan_vid', value: m.value & 0x1fffn, mask: m.mask & 0x1fffn }];
  if (m.mask & 0xe000n) out.push({ field: 'vlan_pcp', value: (m.value >> 13n) & 7n, mask: 7n });
  return out.filter((x) => x.mask !== 0n);
}

/** Checks the prerequisites of every field of 'match' (section 7.2.3.6: OFPBMC_BAD_PREREQ). */
export function checkPrerequisites(match: readonly FieldMatch[]): void {
  // Matches are a dozen fields at most: a scan beats building a map per flow mod.
  const find = (name: string): FieldMatch | undefined => {
    for (const m of match) if (m.field === name) return m;
    return undefined;
  };
  const exact = (name: string): bigint | undefined => {
    const m = find(name);
    const f = BY_NAME.get(name);
    return m && f && m.mask === fullMask(f.bits) ? m.value : undefined;
  };
  for (const m of match) {
    const f = BY_NAME.get(m.field)!;
    for (const p of f.prerequisites) {
      if (p.field === 'vlan_vid_present') {
        const vid = find('vlan_vid');
        if (vid && (vid.mask & 0x1000n) && (vid.value & 0x1000n)) continue;
        throw new OpenFlowError('OFPBMC_BAD_PREREQ', `${m.field} needs a VLAN tag matched (vlan_vid with OFPVID_PRESENT)`);
      }
      const v = exact(p.field);
      if (v === undefined || !p.values.includes(v)) {
        throw new OpenFlowError('OFPBMC_BAD_PREREQ', `${m.field} needs ${p.field} = ${p.values.map((x) => '0x' + x.toString(16)).join(' or ')}`);
      }
    }
    const vp = VALUE_PREREQS[m.field];
    if (vp) {
      const v = exact(vp.field);
      if (v === undefined || (vp.values.length > 0 && !vp.values.includes(v))) {
        throw new OpenFlowError('OFPBMC_BAD_PREREQ', `${m.field} needs ${vp.field}${vp.values.length ? ' = ' + vp.values.join(' or ') : ''}`);
      }
    }
  }
}

/** The OXM TLVs of a match body (no ofp_match header), checked as a whole. */
export function decodeOxmList(r: Reader): FieldMatch[] {
  const out: FieldMatch[] = [];
  while (r.remaining > 0) {
    const m = decodeOxm(r);
    // 7.2.3.6: a field may appear once (OFPBMC_DUP_FIELD).
    for (const x of out) if (x.field === m.field) throw new OpenFlowError('OFPBMC_DUP_FIELD', `OXM ${m.field} appears twice`);
    out.push(m);
  }
  checkPrerequisites(out);
  return out;
}

/** An ofp_match (section 7.2.3.1) with its padding. */
export function decodeMatch13(r: Reader): FieldMatch[] {
  const type = r.u16('ofp_match.type');
  const length = r.u16('ofp_match.length');
  if (type !== OFPMT_OXM) throw new OpenFlowError('OFPBMC_BAD_TYPE', `ofp_match type ${type}, only OFPMT_OXM (1) is supported`);
  if (length < 4) throw new OpenFlowError('OFPBMC_BAD_LEN', `ofp_match length ${length} < 4`);
  const body = r.sub(length - 4, 'ofp_match OXM fields', 'OFPBMC_BAD_LEN');
  const fields = decodeOxmList(body);
  r.pad((8 - (length % 8)) % 8, 'ofp_match padding');
  return fields;
}

export function encodeMatch13(w: Writer, match: readonly FieldMatch[]): void {
  const start = w.length;
  w.u16(OFPMT_OXM).u16(0);
  for (const m of match) {
    if (m.field === 'vlan_tci') for (const x of splitTci(m)) encodeOxm(w, x);
    else encodeOxm(w, m);
  }
  w.patch16(start + 2, w.length - start);
  w.pad8(start);
}
