// Flows of the version-independent model (flow.ts) into the `openflow`
// logic's native control form (ovs-compat/native/control-text.md, the
// contract): one text line per flow mod, lines grouped into batches.
//
// What?  flowModLine() writes `add ...`, `mod ...` or `del ...` for one flow
// mod; filterLine() the filter part of `dump` / `aggregate`; nativeBatches()
// cuts many lines into calls of bounded size.  The native side checks
// everything it can (prerequisites, ports, tables, groups); this side only
// refuses what the native form cannot say at all (NativeTranslationError,
// naming the token), so that every refusal of a valid flow carries the
// OpenFlow error the native side chose.
//
// Design.  The model is shaped like ovs-ofctl (OVS's 16-bit VLAN TCI,
// `nw_ttl`), the native form like OpenFlow 1.3's OXM: the TCI becomes
// `vlan_vid` (OFPVID_PRESENT | VID, maskable) and `vlan_pcp`; `nw_ttl` is
// `ip_ttl`; every other field keeps its canonical name, which is the
// native one.  Values are written in the native match syntax: MACs and IP
// addresses as text (masks too), integers in decimal or, when masked, hex.
// Reserved ports are words in actions and filters (`output:flood`,
// `out_port=local`); a match's in_port is a number (in_port=LOCAL is
// 4294967294), since the native match syntax has no words.
//
// Pure functions; callable from any context.

import { formatIpv4, formatIpv6, formatMac } from './field-values';
import {
  Action, FieldMatch, Flow, Instructions, OFP_DEFAULT_PRIORITY, OFPCML_NO_BUFFER, OFPP_ALL, OFPP_ANY,
  OFPP_CONTROLLER, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_NORMAL, OFPP_TABLE,
} from './flow';
import { fieldByName, fullMask } from './match-fields';
import type { MatchField } from './match-fields';

/** A flow the native form cannot express; 'token' is the ovs-ofctl text at fault. */
export class NativeTranslationError extends Error {
  readonly code = 'NATIVE_UNSUPPORTED';
  /** The OpenFlow 1.3 error an agent answers with (control-text.md spelling). */
  readonly type: string;
  readonly ofCode: string;

  constructor(message: string, readonly token: string, type = 'bad_action', ofCode = 'bad_type') {
    super(message);
    this.name = 'NativeTranslationError';
    this.type = type;
    this.ofCode = ofCode;
  }
}

/** The reserved ports by number, as the contract spells them. */
export const NATIVE_PORT_WORDS: ReadonlyMap<number, string> = new Map([
  [OFPP_IN_PORT, 'in_port'],
  [OFPP_TABLE, 'table'],
  [OFPP_NORMAL, 'normal'],
  [OFPP_FLOOD, 'flood'],
  [OFPP_ALL, 'all'],
  [OFPP_CONTROLLER, 'controller'],
  [OFPP_LOCAL, 'local'],
  [OFPP_ANY, 'any'],
]);

export function nativePort(port: number): string {
  return NATIVE_PORT_WORDS.get(port) ?? String(port);
}

/** Model field names whose native name differs (the TCI is handled apart). */
const NATIVE_NAME: Readonly<Record<string, string>> = { nw_ttl: 'ip_ttl' };

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** The native text of 'value' (or of a mask) of model field 'name'. */
function nativeValue(name: string, value: bigint, isMask: boolean, f = fieldByName(name)): string {
  switch (f.format) {
    case 'mac': return formatMac(value);
    case 'ipv4': return formatIpv4(value);
    case 'ipv6': return formatIpv6(value);
    default:
      if (name === 'eth_type') return `0x${value.toString(16).padStart(4, '0')}`;
      return isMask || f.format === 'hex' || f.format === 'tcp_flags' ? hex(value) : value.toString();
  }
}

function token(name: string, value: bigint, mask: bigint, f: MatchField): string {
  const exact = mask === fullMask(f.bits);
  const v = nativeValue(name, value, false, f);
  return exact ? `${NATIVE_NAME[name] ?? name}=${v}` : `${NATIVE_NAME[name] ?? name}=${v}/${nativeValue(name, mask, true, f)}`;
}

/**
 * OVS's TCI as OXM vlan_vid and vlan_pcp (the parser keeps it in the form
 * OpenFlow 1.3 can carry: the low 13 bits maskable, the PCP exact or absent).
 */
function vlanTokens(m: FieldMatch): string[] {
  const out: string[] = [];
  const vidMask = m.mask & 0x1fffn;
  if (vidMask !== 0n) {
    const vid = m.value & 0x1fffn;
    out.push(vidMask === 0x1fffn ? `vlan_vid=${hex(vid)}` : `vlan_vid=${hex(vid)}/${hex(vidMask)}`);
  }
  if ((m.mask & 0xe000n) === 0xe000n) {
    // A PCP match needs a tag: the parser put OFPVID_PRESENT in the VID part.
    if (vidMask === 0n) out.push('vlan_vid=0x1000/0x1000');
    out.push(`vlan_pcp=${(m.value >> 13n) & 7n}`);
  } else if ((m.mask & 0xe000n) !== 0n) {
    throw new NativeTranslationError(`vlan_tci=${hex(m.value)}/${hex(m.mask)}: a partial PCP mask cannot be matched`, `vlan_tci=${hex(m.value)}/${hex(m.mask)}`, 'bad_match', 'bad_mask');
  }
  return out;
}

/** The MATCH tokens of 'match' (appended to 'out' when given). */
export function matchTokens(match: readonly FieldMatch[], out: string[] = []): string[] {
  for (const m of match) {
    if (m.field === 'vlan_tci') out.push(...vlanTokens(m));
    // The native match parser takes numbers only: a reserved in_port
    // (in_port=LOCAL) goes as its OpenFlow number, 0xfffffffe.
    else if (m.field === 'in_port') out.push(`in_port=${Number(m.value)}`);
    else out.push(token(m.field, m.value, m.mask, fieldByName(m.field)));
  }
  return out;
}

function setFieldAction(a: { field: string; value: bigint }, spelled: string): string {
  const f = fieldByName(a.field);
  if (a.field === 'metadata' || a.field === 'in_port' || !f.settable) {
    throw new NativeTranslationError(`${spelled}: the field ${f.setFieldName} cannot be set by an action (use write_metadata for metadata)`, spelled, 'bad_action', 'bad_set_type');
  }
  // set_field on vlan_vid sets the VID of the present tag: OXM's value carries OFPVID_PRESENT.
  if (a.field === 'vlan_vid') return `set_field:vlan_vid=${hex(0x1000n | (a.value & 0xfffn))}`;
  return `set_field:${NATIVE_NAME[a.field] ?? a.field}=${nativeValue(a.field, a.value, false)}`;
}

/** One action in the native form. */
export function nativeAction(a: Action): string {
  switch (a.type) {
    case 'output':
      if (a.port === OFPP_ANY) throw new NativeTranslationError('output:ANY is not a valid output port', 'output:ANY', 'bad_action', 'bad_out_port');
      return `output:${nativePort(a.port)}`;
    case 'controller':
      if (a.reason !== 'action') {
        throw new NativeTranslationError(`controller(reason=${a.reason}): only packet-ins of reason "action" can be asked for`, `controller(reason=${a.reason})`, 'bad_action', 'bad_argument');
      }
      return a.maxLen === OFPCML_NO_BUFFER ? 'output:controller' : `output:controller:${a.maxLen}`;
    case 'set_field': return setFieldAction(a, `set_field:${a.value}->${a.field}`);
    case 'load': return setFieldAction(a, `load:${hex(a.value)}->${a.field}`);
    case 'push_vlan': case 'push_mpls': case 'pop_mpls':
      return `${a.type}:0x${a.ethertype.toString(16).padStart(4, '0')}`;
    case 'pop_vlan': return 'pop_vlan';
    case 'dec_ttl': return 'dec_nw_ttl';
    case 'set_mpls_ttl': return `set_mpls_ttl:${a.ttl}`;
    case 'dec_mpls_ttl': case 'copy_ttl_in': case 'copy_ttl_out': return a.type;
    case 'set_queue': return `set_queue:${a.queue}`;
    case 'group': return `group:${a.group}`;
  }
}

/** An action LIST: comma separated, `drop` when empty. */
export function nativeActions(actions: readonly Action[]): string {
  return actions.length === 0 ? 'drop' : actions.map(nativeAction).join(',');
}

/** The INSTRUCTIONS tokens (appended to 'out' when given); none at all means drop. */
export function instructionTokens(ins: Instructions, out: string[] = []): string[] {
  if (ins.meter !== undefined) out.push(`meter=${ins.meter}`);
  if (ins.apply.length > 0) out.push(`apply=${nativeActions(ins.apply)}`);
  if (ins.clearActions) out.push('clear_actions');
  if (ins.writeActions !== undefined) out.push(`write=${nativeActions(ins.writeActions)}`);
  if (ins.writeMetadata !== undefined) {
    const { value, mask } = ins.writeMetadata;
    out.push(mask === fullMask(64) ? `write_metadata=${hex(value)}` : `write_metadata=${hex(value)}/${hex(mask)}`);
  }
  if (ins.gotoTable !== undefined) out.push(`goto_table=${ins.gotoTable}`);
  return out;
}

/** What a flow mod does (OpenFlow 1.3 ofp_flow_mod_command). */
export type FlowModCommand = 'add' | 'mod' | 'del';

export interface FlowMod {
  command: FlowModCommand;
  /** mod/del: the same match and priority only (MODIFY_STRICT, DELETE_STRICT). */
  strict?: boolean;
  /** mod/del: every table (OFPTT_ALL), what ovs-ofctl does when `table=` is absent. */
  allTables?: boolean;
  flow: Flow;
}

function cookieFilter(flow: Flow): string[] {
  return flow.cookieMask === 0n ? [] : [`cookie=${hex(flow.cookie)}/${hex(flow.cookieMask)}`];
}

/** The head of a filter (mod/del/dump/aggregate): table, strict, priority, cookie, out_port, out_group. */
function filterHead(flow: Flow, strict: boolean, allTables: boolean, outFilters: boolean): string[] {
  const out = [allTables ? 'table=all' : `table=${flow.table}`];
  // Non-strict selection ignores the priority (OpenFlow 1.3 section 6.4).
  if (strict) out.push('strict', `priority=${flow.priority}`);
  out.push(...cookieFilter(flow));
  if (outFilters && flow.outPort !== undefined && flow.outPort !== OFPP_ANY) out.push(`out_port=${nativePort(flow.outPort)}`);
  if (outFilters && flow.outGroup !== undefined && flow.outGroup !== 0xffffffff) out.push(`out_group=${flow.outGroup}`);
  return out;
}

const ADD_FLAGS = new Set(['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts']);

/** The native line of one flow mod. */
export function flowModLine(mod: FlowMod): string {
  const f = mod.flow;
  const parts: string[] = [mod.command];
  switch (mod.command) {
    case 'add':
      parts.push(`table=${f.table}`, `priority=${f.priority}`);
      if (f.cookie !== 0n) parts.push(`cookie=${hex(f.cookie)}`);
      if (f.idleTimeout) parts.push(`idle_timeout=${f.idleTimeout}`);
      if (f.hardTimeout) parts.push(`hard_timeout=${f.hardTimeout}`);
      if (f.importance) parts.push(`importance=${f.importance}`);
      for (const x of f.flags) if (ADD_FLAGS.has(x)) parts.push(x);
      matchTokens(f.match, parts);
      instructionTokens(f.instructions, parts);
      break;
    case 'mod':
      parts.push(...filterHead(f, mod.strict ?? false, mod.allTables ?? false, false));
      if (f.flags.includes('reset_counts')) parts.push('reset_counts');
      parts.push(...matchTokens(f.match), ...instructionTokens(f.instructions));
      break;
    case 'del':
      parts.push(...filterHead(f, mod.strict ?? false, mod.allTables ?? false, true), ...matchTokens(f.match));
      break;
  }
  return parts.join(' ');
}

/** Options of a `dump` / `aggregate` query. */
export interface NativeFilter {
  flow: Flow;
  strict?: boolean;
  allTables?: boolean;
}

/** The arguments of `dump` and `aggregate` for a dump-flows style filter. */
export function filterTokens(filter: NativeFilter): string[] {
  return [...filterHead(filter.flow, filter.strict ?? false, filter.allTables ?? false, true), ...matchTokens(filter.flow.match)];
}

/** A default-valued filter that selects every flow of every table. */
export function emptyFilterFlow(): Flow {
  return {
    table: 0, priority: OFP_DEFAULT_PRIORITY, cookie: 0n, cookieMask: 0n, idleTimeout: 0, hardTimeout: 0,
    importance: 0, flags: [], match: [], instructions: { apply: [], clearActions: false },
  };
}

/** Limits of one native control call (the reply buffer is what bounds dumps). */
export const BATCH_MAX_LINES = 10000;
export const BATCH_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Cuts 'lines' into batches of at most 'maxLines' lines and 'maxBytes'
 * bytes each (a longer single line gets a batch of its own), in order.
 */
export function nativeBatches(lines: readonly string[], maxLines = BATCH_MAX_LINES, maxBytes = BATCH_MAX_BYTES): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const l of lines) {
    const n = Buffer.byteLength(l) + 1;
    if (cur.length > 0 && (cur.length >= maxLines || bytes + n > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(l);
    bytes += n;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
