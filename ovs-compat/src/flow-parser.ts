// A parser for ovs-ofctl flow syntax (`ovs-ofctl(8)` "Flow Syntax",
// `ovs-fields(7)`, `ovs-actions(7)`) producing the version-independent Flow
// of flow.ts, with OpenFlow 1.3 semantics.
//
// Design.  A flow string is `key=value` and bare-word tokens separated by
// commas or white space, then `actions=` and everything after it.  The
// match part is read in two passes, as ovs-ofctl does: first every token
// (so `tp_dst=80,tcp` works like `tcp,tp_dst=80`), then the fields whose
// meaning depends on the protocol (`tp_dst` is tcp_dst, udp_dst or
// sctp_dst) are resolved and every field's prerequisites (OpenFlow 1.3
// section 7.2.3.6) are checked.  The actions part is split at top-level
// commas (parentheses nest) and each action is looked up in ACTIONS.
//
// Where ovs-ofctl is lax we are strict and say so: a field whose
// prerequisites are not met is an error naming it (ovs-ofctl silently drops
// it from the match with an INFO log), an IPv4 octet above 255 is an error
// (ovs-ofctl wraps it).  What mswitch does not implement (resubmit, NXM
// field slices in load, masked set_field) is an error naming the token.
// Every error is a FlowSyntaxError whose `token` is the offending text.
//
// Pure functions; callable from any context.

import { FlowSyntaxError } from './errors';
import { parseInteger, parsePort, parseValue } from './field-values';
import {
  ETH_TYPE_ARP, ETH_TYPE_IPV4, ETH_TYPE_IPV6, ETH_TYPE_MPLS, ETH_TYPE_MPLS_MC, ETH_TYPE_RARP,
  fieldByName, fieldBySpelling, fullMask, MatchField, printRank, PROTOCOL_ALIASES,
} from './match-fields';
import { FieldMatch, Flow, FLOW_FLAGS, FlowFlag, OFP_DEFAULT_PRIORITY } from './flow';
import { parseInstructions } from './action-parser';

export interface ParseOptions {
  /**
   * True for a flow filter (delete-flows, dump-flows): `actions=` is not
   * required and `cookie=V/M` is allowed.  False (default) for add-flow.
   */
  filter?: boolean;
}

/** Protocol shorthands (ovs-fields(7) "Protocol Shorthands"): eth_type and ip_proto. */
export const SHORTHANDS: Readonly<Record<string, readonly [bigint, bigint?]>> = {
  ip: [ETH_TYPE_IPV4], ipv6: [ETH_TYPE_IPV6],
  icmp: [ETH_TYPE_IPV4, 1n], icmp6: [ETH_TYPE_IPV6, 58n],
  tcp: [ETH_TYPE_IPV4, 6n], tcp6: [ETH_TYPE_IPV6, 6n],
  udp: [ETH_TYPE_IPV4, 17n], udp6: [ETH_TYPE_IPV6, 17n],
  sctp: [ETH_TYPE_IPV4, 132n], sctp6: [ETH_TYPE_IPV6, 132n],
  arp: [ETH_TYPE_ARP], rarp: [ETH_TYPE_RARP],
  mpls: [ETH_TYPE_MPLS], mplsm: [ETH_TYPE_MPLS_MC],
};

// Statistics ovs-ofctl accepts and ignores in a flow, so that dump-flows
// output can be fed back.
const IGNORED_KEYS = new Set(['duration', 'n_packets', 'n_bytes', 'idle_age', 'hard_age']);

const VLAN_CFI = 0x1000n;

/** Parses one ovs-ofctl flow string. */
export function parseFlow(text: string, options: ParseOptions = {}): Flow {
  const m = /(^|[\s,])actions=/.exec(text);
  const matchText = m ? text.slice(0, m.index) : text;
  if (!m && !options.filter) throw new FlowSyntaxError('must specify an action', text);
  const flow: Flow = {
    table: 0, priority: OFP_DEFAULT_PRIORITY, cookie: 0n, cookieMask: 0n,
    idleTimeout: 0, hardTimeout: 0, importance: 0, flags: [], match: [],
    instructions: { apply: [], clearActions: false },
  };
  const fields = new Map<string, FieldMatch>();
  const pending: { spelling: string; value: string; token: string }[] = [];
  let vlan = { value: 0n, mask: 0n };

  for (const token of matchText.split(/[\s,]+/).filter((t) => t !== '')) {
    const eq = token.indexOf('=');
    const key = eq < 0 ? token : token.slice(0, eq);
    const value = eq < 0 ? '' : token.slice(eq + 1);
    if (eq < 0) {
      if (key in SHORTHANDS) {
        const [ethType, proto] = SHORTHANDS[key];
        fields.set('eth_type', { field: 'eth_type', value: ethType, mask: 0xffffn });
        if (proto !== undefined) fields.set('ip_proto', { field: 'ip_proto', value: proto, mask: 0xffn });
      } else if ((FLOW_FLAGS as readonly string[]).includes(key)) {
        if (!flow.flags.includes(key as FlowFlag)) flow.flags.push(key as FlowFlag);
      } else {
        throw new FlowSyntaxError(`unknown keyword ${key}`, token);
      }
      continue;
    }
    switch (key) {
      case 'table': flow.table = parseBounded(value, 254, `unknown table "${value}"`, token); break;
      case 'priority': flow.priority = parseBounded(value, 0xffff, `invalid priority "${value}"`, token); break;
      case 'idle_timeout': flow.idleTimeout = parseBounded(value, 0xffff, `invalid idle_timeout "${value}"`, token); break;
      case 'hard_timeout': flow.hardTimeout = parseBounded(value, 0xffff, `invalid hard_timeout "${value}"`, token); break;
      case 'importance': flow.importance = parseBounded(value, 0xffff, `invalid importance "${value}"`, token); break;
      case 'cookie': parseCookie(flow, value, token, options); break;
      case 'out_port': case 'out_group':
        // Filters only (ovs-ofctl del-flows / dump-flows); add-flow does not know them.
        if (!options.filter) throw new FlowSyntaxError(`unknown keyword ${key}`, token);
        if (key === 'out_port') flow.outPort = parsePort(value, token, false);
        else flow.outGroup = parseBounded(value, 0xffffff00, `invalid out_group "${value}"`, token);
        break;
      case 'dl_vlan': case 'vlan_vid': case 'dl_vlan_pcp': case 'vlan_pcp': case 'vlan_tci':
        vlan = parseVlan(vlan, key, value, token); break;
      default:
        if (IGNORED_KEYS.has(key)) break;
        if (!fieldBySpelling(key) && !(key in PROTOCOL_ALIASES)) throw new FlowSyntaxError(`unknown keyword ${key}`, token);
        pending.push({ spelling: key, value, token });
    }
  }
  for (const p of pending) addField(fields, p.spelling, p.value, p.token);
  if (vlan.mask !== 0n) fields.set('vlan_tci', { field: 'vlan_tci', ...canonicalVlan(vlan) });
  checkPrerequisites(fields, pending);
  flow.match = [...fields.values()].sort((a, b) => printRank(a.field) - printRank(b.field));
  if (m) flow.instructions = parseInstructions(text.slice(m.index + m[0].length), flow.match);
  return flow;
}

function parseBounded(text: string, max: number, message: string, token: string): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text) || Number(text) > max) throw new FlowSyntaxError(message, token);
  return Number(text);
}

function parseCookie(flow: Flow, text: string, token: string, options: ParseOptions): void {
  const [v, mask] = text.split('/');
  flow.cookie = parseInteger(v, 64, 'cookie');
  if (mask === undefined) return;
  if (!options.filter) throw new FlowSyntaxError('flow additions cannot use a cookie mask', token);
  flow.cookieMask = mask === '-1' ? fullMask(64) : parseInteger(mask, 64, 'cookie mask');
}

/** Folds one VLAN spelling into OVS's 16-bit TCI value/mask (see match-fields.ts). */
function parseVlan(tci: { value: bigint; mask: bigint }, key: string, text: string, token: string) {
  let { value, mask } = tci;
  if (key === 'dl_vlan') {
    const vid = parseInteger(text, 16, key);
    if (vid === 0xffffn) return { value: 0n, mask: 0xffffn }; // OFP_VLAN_NONE: no tag
    if (vid > 0xfffn) throw new FlowSyntaxError(`${text}: invalid dl_vlan`, token);
    return { value: (value & ~0x1fffn) | VLAN_CFI | vid, mask: mask | 0x1fffn };
  }
  if (key === 'dl_vlan_pcp' || key === 'vlan_pcp') {
    const pcp = parseInteger(text, 3, key);
    return { value: (value & ~0xf000n) | VLAN_CFI | (pcp << 13n), mask: mask | 0xf000n };
  }
  const f = key === 'vlan_vid' ? fieldByName('vlan_vid') : fieldByName('vlan_tci');
  const v = parseValue(text, f, key);
  if (key === 'vlan_vid') return { value: (value & ~0x1fffn) | v.value, mask: (mask & ~0x1fffn) | v.mask };
  return v;
}

/**
 * The TCI as OpenFlow 1.3 can carry it: OXM vlan_vid is the low 13 bits
 * (OFPVID_PRESENT and the VID, maskable) and vlan_pcp is exact or absent,
 * and needs a tag, so a partial PCP mask is lost and "no tag" is 0/0x1fff.
 */
function canonicalVlan(t: { value: bigint; mask: bigint }) {
  const pcp = (t.mask & 0xe000n) === 0xe000n && (t.mask & t.value & VLAN_CFI) !== 0n;
  const mask = (t.mask & 0x1fffn) | (pcp ? 0xe000n : 0n);
  return { value: t.value & mask, mask };
}

function addField(fields: Map<string, FieldMatch>, spelling: string, text: string, token: string): void {
  let f: MatchField | undefined = fieldBySpelling(spelling);
  const ethType = exactValue(fields, 'eth_type');
  const proto = exactValue(fields, 'ip_proto');
  if (spelling in PROTOCOL_ALIASES) {
    const name = proto === undefined ? undefined : PROTOCOL_ALIASES[spelling][proto.toString()];
    if (!name) throw prerequisiteError(spelling, token, spelling.startsWith('tp_') ? 'tcp, udp or sctp' : 'icmp or icmp6');
    f = fieldByName(name);
  }
  // ovs-ofctl reads nw_src/nw_dst in an ARP flow as arp_spa/arp_tpa.
  if (f && (f.name === 'ipv4_src' || f.name === 'ipv4_dst') && (ethType === ETH_TYPE_ARP || ethType === ETH_TYPE_RARP)) {
    f = fieldByName(f.name === 'ipv4_src' ? 'arp_spa' : 'arp_tpa');
  }
  if (!f) throw new FlowSyntaxError(`unknown keyword ${spelling}`, token);
  if (text === '') throw new FlowSyntaxError(`${spelling}: missing value`, token);
  let v: { value: bigint; mask: bigint };
  if (f.name === 'in_port') {
    v = { value: BigInt(parsePort(text, token, false)), mask: fullMask(32) };
  } else if (spelling === 'nw_tos') {
    // The TOS byte: DSCP in the upper six bits, the ECN bits must be zero.
    const tos = parseInteger(text, 8, spelling);
    if (tos & 3n) throw new FlowSyntaxError(`${text}: nw_tos ECN bits must be zero (use nw_ecn)`, token);
    v = { value: tos >> 2n, mask: 0x3fn };
  } else {
    v = parseValue(text, f, spelling);
  }
  if (v.mask === 0n) fields.delete(f.name);
  else fields.set(f.name, { field: f.name, ...v });
}

function exactValue(fields: Map<string, FieldMatch>, name: string): bigint | undefined {
  const m = fields.get(name);
  return m && m.mask === fullMask(fieldByName(name).bits) ? m.value : undefined;
}

function prerequisiteError(spelling: string, token: string, hint: string): FlowSyntaxError {
  return new FlowSyntaxError(`${spelling}: prerequisites not met (match on ${hint} first): ${token}`, token);
}

/** OpenFlow 1.3 section 7.2.3.6: each field's prerequisites must be matched exactly. */
function checkPrerequisites(fields: Map<string, FieldMatch>, pending: { spelling: string; token: string }[]): void {
  for (const fm of fields.values()) {
    for (const pre of fieldByName(fm.field).prerequisites) {
      if (pre.field === 'vlan_vid_present') continue; // folded into the TCI
      const v = exactValue(fields, pre.field);
      if (v === undefined || !pre.values.includes(v)) {
        const p = pending.find((x) => resolvesTo(x.spelling, fm.field)) ?? { spelling: fm.field, token: fm.field };
        throw prerequisiteError(p.spelling, p.token, pre.hint);
      }
    }
  }
}

function resolvesTo(spelling: string, name: string): boolean {
  const f = fieldBySpelling(spelling);
  if (f) return f.name === name || (name.startsWith('arp_') && f.name.startsWith('ipv4_'));
  return Object.values(PROTOCOL_ALIASES[spelling] ?? {}).includes(name);
}

/**
 * Parses an add-flows file (`ovs-ofctl add-flows FILE` / `parse-flows`):
 * one flow per line; blank lines and lines starting with `#` are skipped.
 * An error says which line (1-based) and keeps the offending token.
 */
export function parseFlows(text: string, options: ParseOptions = {}): Flow[] {
  const flows: Flow[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      flows.push(parseFlow(line, options));
    } catch (e) {
      if (e instanceof FlowSyntaxError) throw new FlowSyntaxError(`line ${i + 1}: ${e.message}`, e.token);
      throw e;
    }
  });
  return flows;
}
