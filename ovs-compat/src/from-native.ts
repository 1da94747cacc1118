// The `openflow` logic's replies (ovs-compat/native/control-text.md) back
// into the flow model: dump lines into flows with their counters,
// flow-removed events, trace steps, aggregate and table statistics, and
// error lines into the OpenFlow 1.3 error an agent sends (OFPT_ERROR).
//
// Design.  The inverse of to-native.ts: native field names become the
// model's (`ip_ttl` is `nw_ttl`; `vlan_vid` and `vlan_pcp` fold into OVS's
// 16-bit TCI, as the ovs-ofctl parser keeps it), native actions the
// model's (`dec_nw_ttl` is dec_ttl, `set_nw_ttl:N` a set-field of nw_ttl),
// so that flow-printer.ts prints a dumped flow exactly as ovs-ofctl would.
// Durations stay exact: duration_ns is a bigint until it is printed.
// A line that is not of the contract's form throws NativeReplyError with
// the line, never yields a half-read flow.
//
// Pure functions; callable from any context.

import { parseIpv4, parseIpv6, parseMac } from './field-values';
import {
  Action, FieldMatch, Flow, FLOW_FLAGS, FlowFlag, Instructions, OFP_DEFAULT_PRIORITY, OFPCML_NO_BUFFER,
  OFPP_CONTROLLER,
} from './flow';
import { fieldByName, fullMask, printRank } from './match-fields';
import { NATIVE_PORT_WORDS } from './to-native';
import type { FlowCounters } from './flow-printer';

/** A reply line that does not follow the contract. */
export class NativeReplyError extends Error {
  readonly code = 'NATIVE_REPLY';
  constructor(message: string, readonly line: string) {
    super(`${message}: ${JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}...` : line)}`);
    this.name = 'NativeReplyError';
  }
}

const PORT_BY_WORD = new Map([...NATIVE_PORT_WORDS].map(([n, w]) => [w, n]));

function parsePortText(text: string, line: string): number {
  const w = PORT_BY_WORD.get(text);
  if (w !== undefined) return w;
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new NativeReplyError(`bad port "${text}"`, line);
  return Number(text);
}

function parseNumber(text: string, line: string, what: string): bigint {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new NativeReplyError(`bad ${what} "${text}"`, line);
  return BigInt(text);
}

const MODEL_NAME: Readonly<Record<string, string>> = { ip_ttl: 'nw_ttl' };

/** A native value (or mask) of model field 'name'. */
function parseNativeValue(name: string, text: string, isMask: boolean, line: string): bigint {
  const f = fieldByName(name);
  try {
    switch (f.format) {
      case 'mac': return parseMac(text);
      case 'ipv4':
      case 'ipv6': {
        if (isMask && /^\d+$/.test(text)) {
          const n = Number(text);
          return fullMask(n) << BigInt(f.bits - n);
        }
        return f.format === 'ipv4' ? parseIpv4(text) : parseIpv6(text);
      }
      case 'port': return BigInt(parsePortText(text, line));
      default: return parseNumber(text, line, name);
    }
  } catch (e) {
    if (e instanceof NativeReplyError) throw e;
    throw new NativeReplyError(`bad value "${text}" of ${name}`, line);
  }
}

/**
 * Folds native MATCH tokens ('FIELD=VALUE[/MASK]') into the model's sorted
 * match; the VLAN fields become one vlan_tci.
 */
export function parseMatchTokens(tokens: readonly string[], line = tokens.join(' ')): FieldMatch[] {
  const fields = new Map<string, FieldMatch>();
  let vid: { value: bigint; mask: bigint } | undefined;
  let pcp: bigint | undefined;
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new NativeReplyError(`bad match token "${t}"`, line);
    const native = t.slice(0, eq);
    const [v, m] = t.slice(eq + 1).split('/');
    if (native === 'vlan_vid') {
      const value = parseNumber(v, line, native);
      vid = { value, mask: m === undefined ? 0x1fffn : parseNumber(m, line, 'vlan_vid mask') };
      continue;
    }
    if (native === 'vlan_pcp') {
      pcp = parseNumber(v, line, native);
      continue;
    }
    const name = MODEL_NAME[native] ?? native;
    let f;
    try {
      f = fieldByName(name);
    } catch {
      throw new NativeReplyError(`unknown field "${native}"`, line);
    }
    const value = parseNativeValue(name, v, false, line);
    const mask = m === undefined ? fullMask(f.bits) : parseNativeValue(name, m, true, line);
    fields.set(name, { field: name, value: value & mask, mask });
  }
  if (vid !== undefined || pcp !== undefined) {
    const value = ((vid?.value ?? 0x1000n) & 0x1fffn) | ((pcp ?? 0n) << 13n);
    const mask = ((vid?.mask ?? 0x1000n) & 0x1fffn) | (pcp !== undefined ? 0xe000n : 0n);
    fields.set('vlan_tci', { field: 'vlan_tci', value: value & mask, mask });
  }
  return [...fields.values()].sort((a, b) => printRank(a.field) - printRank(b.field));
}

function setField(native: string, valueText: string, line: string): Action {
  const name = MODEL_NAME[native] ?? native;
  if (name === 'vlan_vid' || name === 'vlan_pcp') return { type: 'set_field', field: name, value: parseNumber(valueText, line, name) };
  try {
    fieldByName(name);
  } catch {
    throw new NativeReplyError(`unknown set_field field "${native}"`, line);
  }
  return { type: 'set_field', field: name, value: parseNativeValue(name, valueText, false, line) };
}

/** One native action. */
export function parseNativeAction(text: string, line = text): Action {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const arg = colon < 0 ? '' : text.slice(colon + 1);
  const num = (): number => Number(parseNumber(arg, line, name));
  switch (name) {
    case 'output': {
      if (arg === 'controller' || arg.startsWith('controller:')) {
        const maxLen = arg === 'controller' ? OFPCML_NO_BUFFER : Number(parseNumber(arg.slice('controller:'.length), line, 'max_len'));
        return { type: 'controller', maxLen, reason: 'action' };
      }
      const port = parsePortText(arg, line);
      return port === OFPP_CONTROLLER ? { type: 'controller', maxLen: OFPCML_NO_BUFFER, reason: 'action' } : { type: 'output', port };
    }
    case 'set_field': {
      const eq = arg.indexOf('=');
      if (eq <= 0) throw new NativeReplyError(`bad set_field "${text}"`, line);
      return setField(arg.slice(0, eq), arg.slice(eq + 1), line);
    }
    case 'set_nw_ttl': return { type: 'set_field', field: 'nw_ttl', value: BigInt(num()) };
    case 'push_vlan': case 'push_mpls': case 'pop_mpls': return { type: name, ethertype: num() };
    case 'pop_vlan': return { type: 'pop_vlan' };
    case 'dec_nw_ttl': return { type: 'dec_ttl' };
    case 'set_mpls_ttl': return { type: 'set_mpls_ttl', ttl: num() };
    case 'dec_mpls_ttl': case 'copy_ttl_in': case 'copy_ttl_out': return { type: name };
    case 'set_queue': return { type: 'set_queue', queue: num() };
    case 'group': return { type: 'group', group: num() };
    default: throw new NativeReplyError(`unknown action "${text}"`, line);
  }
}

/** An action LIST (`drop` or empty: none). */
export function parseNativeActions(text: string, line = text): Action[] {
  if (text === '' || text === 'drop') return [];
  return text.split(',').map((a) => parseNativeAction(a, line));
}

/** One flow entry of a `dump` reply. */
export interface NativeFlowEntry {
  /** The native flow id (`after=ID` pages on from it). */
  id: bigint;
  flow: Flow;
  durationNs: bigint;
  packets: bigint;
  bytes: bigint;
}

/** The counters flow-printer.ts's formatFlowStats() takes. */
export function countersOf(e: { durationNs: bigint; packets: bigint; bytes: bigint }): FlowCounters {
  const sec = e.durationNs / 1_000_000_000n;
  const nsec = e.durationNs % 1_000_000_000n;
  return { durationSec: Number(sec) + Number(nsec) / 1e9, packets: e.packets, bytes: e.bytes };
}

const INSTRUCTION_KEYS = new Set(['meter', 'apply', 'write', 'write_metadata', 'goto_table']);

function newFlow(): Flow {
  return {
    table: 0, priority: OFP_DEFAULT_PRIORITY, cookie: 0n, cookieMask: 0n, idleTimeout: 0, hardTimeout: 0,
    importance: 0, flags: [], match: [], instructions: { apply: [], clearActions: false },
  };
}

interface Parsed {
  flow: Flow;
  keys: Map<string, string>;
}

/**
 * Reads the tokens of a dump or event line: the keys listed in 'heads' are
 * returned in 'keys' (table, priority, cookie, timeouts fill the flow),
 * flags and instructions go into the flow, the rest is the match.
 */
function parseFlowTokens(tokens: string[], heads: ReadonlySet<string>, line: string): Parsed {
  const flow = newFlow();
  const keys = new Map<string, string>();
  const match: string[] = [];
  const ins: Instructions = flow.instructions;
  for (const t of tokens) {
    const eq = t.indexOf('=');
    const key = eq < 0 ? t : t.slice(0, eq);
    const value = eq < 0 ? '' : t.slice(eq + 1);
    if (eq < 0) {
      if ((FLOW_FLAGS as readonly string[]).includes(key)) flow.flags.push(key as FlowFlag);
      else if (key === 'clear_actions') ins.clearActions = true;
      else throw new NativeReplyError(`unknown word "${key}"`, line);
      continue;
    }
    if (heads.has(key)) {
      keys.set(key, value);
    } else if (INSTRUCTION_KEYS.has(key)) {
      switch (key) {
        case 'meter': ins.meter = Number(parseNumber(value, line, key)); break;
        case 'apply': ins.apply = parseNativeActions(value, line); break;
        case 'write': ins.writeActions = parseNativeActions(value, line); break;
        case 'goto_table': ins.gotoTable = Number(parseNumber(value, line, key)); break;
        case 'write_metadata': {
          const [v, m] = value.split('/');
          ins.writeMetadata = { value: parseNumber(v, line, key), mask: m === undefined ? fullMask(64) : parseNumber(m, line, key) };
          break;
        }
      }
    } else {
      match.push(t);
    }
  }
  flow.match = parseMatchTokens(match, line);
  // ovs-ofctl prints flags in one order whatever order they came in.
  flow.flags = FLOW_FLAGS.filter((f) => flow.flags.includes(f));
  const num = (k: string): number | undefined => (keys.has(k) ? Number(parseNumber(keys.get(k)!, line, k)) : undefined);
  flow.table = num('table') ?? 0;
  flow.priority = num('priority') ?? OFP_DEFAULT_PRIORITY;
  flow.idleTimeout = num('idle_timeout') ?? 0;
  flow.hardTimeout = num('hard_timeout') ?? 0;
  flow.importance = num('importance') ?? 0;
  if (keys.has('cookie')) flow.cookie = parseNumber(keys.get('cookie')!, line, 'cookie');
  return { flow, keys };
}

function required(p: Parsed, key: string, line: string): bigint {
  const v = p.keys.get(key);
  if (v === undefined) throw new NativeReplyError(`no ${key}=`, line);
  return parseNumber(v, line, key);
}

const DUMP_HEADS = new Set(['id', 'table', 'priority', 'cookie', 'duration_ns', 'idle_timeout', 'hard_timeout', 'importance', 'n_packets', 'n_bytes']);

/** One line of a `dump` reply. */
export function parseDumpLine(line: string): NativeFlowEntry {
  const p = parseFlowTokens(line.trim().split(/\s+/), DUMP_HEADS, line);
  return {
    id: required(p, 'id', line),
    flow: p.flow,
    durationNs: required(p, 'duration_ns', line),
    packets: required(p, 'n_packets', line),
    bytes: required(p, 'n_bytes', line),
  };
}

/** A whole `dump` reply: the flows, and the id to page on from when `limit` cut it short. */
export function parseDump(reply: string): { flows: NativeFlowEntry[]; moreAfter?: bigint } {
  const flows: NativeFlowEntry[] = [];
  let moreAfter: bigint | undefined;
  for (const line of reply.split('\n')) {
    if (line.trim() === '') continue;
    const more = /^more after=(\S+)$/.exec(line.trim());
    if (more) moreAfter = parseNumber(more[1], line, 'after');
    else flows.push(parseDumpLine(line));
  }
  return { flows, ...(moreAfter !== undefined && { moreAfter }) };
}

export const FLOW_REMOVED_REASONS = ['idle_timeout', 'hard_timeout', 'delete', 'group_delete', 'meter_delete'] as const;
export type FlowRemovedReason = (typeof FLOW_REMOVED_REASONS)[number];

/** An `events` reply line (so far only flow_removed). */
export interface FlowRemovedEvent {
  type: 'flow_removed';
  reason: FlowRemovedReason;
  flow: Flow;
  durationNs: bigint;
  packets: bigint;
  bytes: bigint;
}

const EVENT_HEADS = new Set(['reason', 'table', 'priority', 'cookie', 'idle_timeout', 'hard_timeout', 'duration_ns', 'n_packets', 'n_bytes']);

export function parseEventLine(line: string): FlowRemovedEvent {
  const [kind, ...rest] = line.trim().split(/\s+/);
  if (kind !== 'flow_removed') throw new NativeReplyError(`unknown event "${kind}"`, line);
  const p = parseFlowTokens(rest, EVENT_HEADS, line);
  const reason = p.keys.get('reason');
  if (!(FLOW_REMOVED_REASONS as readonly string[]).includes(reason ?? '')) throw new NativeReplyError(`bad reason "${reason}"`, line);
  return {
    type: 'flow_removed',
    reason: reason as FlowRemovedReason,
    flow: p.flow,
    durationNs: required(p, 'duration_ns', line),
    packets: required(p, 'n_packets', line),
    bytes: required(p, 'n_bytes', line),
  };
}

/** The event lines of an `events` reply (an `events_lost` line is not one: see parseEventsReply). */
export function parseEvents(reply: string): FlowRemovedEvent[] {
  return reply.split('\n').filter((l) => l.trim() !== '').map(parseEventLine);
}

/** A whole `events` reply: the events, and how many the logic's full queue dropped (`events_lost n=N`). */
export function parseEventsReply(reply: string): { events: FlowRemovedEvent[]; lost: bigint } {
  let lost = 0n;
  const events: FlowRemovedEvent[] = [];
  for (const line of reply.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    const m = /^events_lost n=(\d+)$/.exec(t);
    if (m) lost += BigInt(m[1]);
    else events.push(parseEventLine(t));
  }
  return { events, lost };
}

/** One step of a `trace` or `packet_out` reply. */
export type TraceStep =
  | { type: 'match'; table: number; id: bigint; priority: number }
  | { type: 'miss'; table: number }
  | { type: 'output'; port: number; frame: Buffer }
  | { type: 'packet_in'; reason: string; table: number; cookie: bigint; frame: Buffer; inPort?: number; metadata?: bigint; totalLen?: number }
  | { type: 'drop' };

function keyValues(tokens: string[], line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new NativeReplyError(`bad token "${t}"`, line);
    m.set(t.slice(0, eq), t.slice(eq + 1));
  }
  return m;
}

function hexFrame(text: string | undefined, line: string): Buffer {
  if (text === undefined || !/^([0-9a-f]{2})*$/i.test(text)) throw new NativeReplyError('bad hex=', line);
  return Buffer.from(text, 'hex');
}

export function parseTraceLine(line: string): TraceStep {
  const tokens = line.trim().split(/\s+/);
  const get = (kv: Map<string, string>, k: string): string => {
    const v = kv.get(k);
    if (v === undefined) throw new NativeReplyError(`no ${k}=`, line);
    return v;
  };
  if (tokens[0] === 'drop' && tokens.length === 1) return { type: 'drop' };
  if (tokens[0] === 'output') {
    const kv = keyValues(tokens.slice(1), line);
    return { type: 'output', port: parsePortText(get(kv, 'port'), line), frame: hexFrame(kv.get('hex'), line) };
  }
  if (tokens[0] === 'packet_in') {
    const kv = keyValues(tokens.slice(1), line);
    // in_port, metadata and total_len are what an OFPT_PACKET_IN carries beside the frame.
    const opt = (k: string): string | undefined => kv.get(k);
    return {
      type: 'packet_in', reason: get(kv, 'reason'), table: Number(parseNumber(get(kv, 'table'), line, 'table')),
      cookie: parseNumber(get(kv, 'cookie'), line, 'cookie'), frame: hexFrame(kv.get('hex'), line),
      ...(opt('in_port') !== undefined && { inPort: parsePortText(opt('in_port')!, line) }),
      ...(opt('metadata') !== undefined && { metadata: parseNumber(opt('metadata')!, line, 'metadata') }),
      ...(opt('total_len') !== undefined && { totalLen: Number(parseNumber(opt('total_len')!, line, 'total_len')) }),
    };
  }
  if (tokens[0].startsWith('table=')) {
    const table = Number(parseNumber(tokens[0].slice(6), line, 'table'));
    if (tokens.length === 2 && tokens[1] === 'miss') return { type: 'miss', table };
    const kv = keyValues(tokens.slice(1), line);
    return { type: 'match', table, id: parseNumber(get(kv, 'id'), line, 'id'), priority: Number(parseNumber(get(kv, 'priority'), line, 'priority')) };
  }
  throw new NativeReplyError('unknown trace step', line);
}

export function parseTrace(reply: string): TraceStep[] {
  return reply.split('\n').filter((l) => l.trim() !== '').map(parseTraceLine);
}

/** An `aggregate` reply. */
export function parseAggregate(reply: string): { flows: bigint; packets: bigint; bytes: bigint } {
  const kv = keyValues(reply.trim().split(/\s+/), reply);
  const n = (k: string): bigint => parseNumber(kv.get(k) ?? '', reply, k);
  return { flows: n('flows'), packets: n('n_packets'), bytes: n('n_bytes') };
}

export interface TableStats { table: number; active: bigint; lookups: bigint; matched: bigint; emcHits?: bigint; emcMisses?: bigint }

/** A `table_stats` reply. */
export function parseTableStats(reply: string): TableStats[] {
  return reply.split('\n').filter((l) => l.trim() !== '').map((line) => {
    const kv = keyValues(line.trim().split(/\s+/), line);
    const n = (k: string): bigint => parseNumber(kv.get(k) ?? '', line, k);
    return {
      table: Number(n('table')), active: n('active'), lookups: n('lookups'), matched: n('matched'),
      // The exact-match cache's counters, when the logic reports them.
      ...(kv.has('emc_hits') && { emcHits: n('emc_hits') }),
      ...(kv.has('emc_misses') && { emcMisses: n('emc_misses') }),
    };
  });
}

// ---- errors ----

/** OpenFlow 1.3 ofp_error_type values (section 7.4.4), by the contract's spelling. */
export const OFPET: Readonly<Record<string, number>> = {
  hello_failed: 0, bad_request: 1, bad_action: 2, bad_instruction: 3, bad_match: 4, flow_mod_failed: 5,
  group_mod_failed: 6, port_mod_failed: 7, table_mod_failed: 8, queue_op_failed: 9, switch_config_failed: 10,
  role_request_failed: 11, meter_mod_failed: 12, table_features_failed: 13,
};

const codes = (names: string[]): Readonly<Record<string, number>> => Object.fromEntries(names.map((n, i) => [n, i]));

/** The codes of each error type (OpenFlow 1.3.5 section 7.4.4), in enum order. */
export const OFP_ERROR_CODES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  bad_request: codes(['bad_version', 'bad_type', 'bad_multipart', 'bad_experimenter', 'bad_exp_type', 'eperm', 'bad_len',
    'buffer_empty', 'buffer_unknown', 'bad_table_id', 'is_slave', 'bad_port', 'bad_packet', 'multipart_buffer_overflow']),
  bad_action: codes(['bad_type', 'bad_len', 'bad_experimenter', 'bad_exp_type', 'bad_out_port', 'bad_argument', 'eperm',
    'too_many', 'bad_queue', 'bad_out_group', 'match_inconsistent', 'unsupported_order', 'bad_tag', 'bad_set_type',
    'bad_set_len', 'bad_set_argument']),
  bad_instruction: codes(['unknown_inst', 'unsup_inst', 'bad_table_id', 'unsup_metadata', 'unsup_metadata_mask',
    'bad_experimenter', 'bad_exp_type', 'bad_len', 'eperm']),
  bad_match: codes(['bad_type', 'bad_len', 'bad_tag', 'bad_dl_addr_mask', 'bad_nw_addr_mask', 'bad_wildcards', 'bad_field',
    'bad_value', 'bad_mask', 'bad_prereq', 'dup_field', 'eperm']),
  flow_mod_failed: codes(['unknown', 'table_full', 'bad_table_id', 'overlap', 'eperm', 'bad_timeout', 'bad_command', 'bad_flags']),
  group_mod_failed: codes(['group_exists', 'invalid_group', 'weight_unsupported', 'out_of_groups', 'out_of_buckets',
    'chaining_unsupported', 'watch_unsupported', 'loop', 'unknown_group', 'chained_group', 'bad_type', 'bad_command',
    'bad_bucket', 'bad_watch', 'eperm']),
  meter_mod_failed: codes(['unknown', 'meter_exists', 'invalid_meter', 'unknown_meter', 'bad_command', 'bad_flags',
    'bad_rate', 'bad_burst', 'bad_band', 'bad_band_value', 'out_of_meters', 'out_of_bands']),
};

/** A native error line as the OpenFlow error it stands for. */
export interface NativeError {
  /** 1-based line of the batch that failed. */
  line: number;
  type: string;
  code: string;
  /** OFPET_* and the type's code number, for OFPT_ERROR. */
  typeNumber: number;
  codeNumber: number;
  /** The native reason, naming the token. */
  message: string;
}

/**
 * Reads `line N: TYPE.CODE: reason` (the switch may put the logic's name
 * and a colon before it); undefined when 'text' is not of that form.
 */
export function parseNativeError(text: string): NativeError | undefined {
  const m = /(?:^|:\s)line (\d+): ([a-z_]+)\.([a-z_]+): ([^\n]*)/.exec(text);
  if (!m) return undefined;
  const typeNumber = OFPET[m[2]];
  const codeNumber = OFP_ERROR_CODES[m[2]]?.[m[3]];
  if (typeNumber === undefined || codeNumber === undefined) return undefined;
  return { line: Number(m[1]), type: m[2], code: m[3], typeNumber, codeNumber, message: m[4].trim() };
}
