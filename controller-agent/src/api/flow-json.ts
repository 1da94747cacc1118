// The REST API's JSON form of flows, both ways, and its dump-flows filters.
//
// Design.  JSON flows are not a second syntax: a FlowSpec is written out
// as the ovs-ofctl flow string it stands for and read by the one parser
// (ovs-compat/src/flow-parser.ts), so JSON and text flows are checked by
// the same rules and fail with the same messages.  The spec's patterns
// keep JSON values from smuggling separators (`,` `=` `(`) into that
// string.  A FlowEntry (what a dump answers) writes each match field under
// its canonical name with its value in ovs-ofctl syntax, which a FlowSpec
// takes back, so a dumped flow can be posted again as it is.
import {
  fieldByName, fieldBySpelling, FlowSyntaxError, formatActions, formatFlow, formatFlowStats, formatValue, parseFlow, PORT_NAMES, SHORTHANDS,
} from '../../../ovs-compat/src';
import { countersOf } from '../../../ovs-compat/src';
import type { Flow, NativeFlowEntry } from '../../../ovs-compat/src';
import type { components } from './schema';

type Schemas = components['schemas'];

/** The ovs-ofctl spelling the parser takes for 'key' (a spelling, a shorthand or a canonical name). */
function spellingOf(key: string): string {
  if (fieldBySpelling(key) !== undefined || key in SHORTHANDS) return key;
  try {
    return fieldByName(key).spellings[0];
  } catch {
    return key; // unknown: the parser names it
  }
}

/**
 * A FlowSpec as the ovs-ofctl flow string it stands for.  'requireActions'
 * (modify) leaves `actions=` out when the spec has none, so that the parser
 * says an action is missing; an added flow without actions drops.
 */
export function flowSpecText(spec: Schemas['FlowSpec'], requireActions: boolean): string {
  const parts: string[] = [];
  if (spec.table !== undefined) parts.push(`table=${spec.table}`);
  if (spec.priority !== undefined) parts.push(`priority=${spec.priority}`);
  if (spec.cookie !== undefined) parts.push(`cookie=${spec.cookie}`);
  if (spec.idleTimeout !== undefined) parts.push(`idle_timeout=${spec.idleTimeout}`);
  if (spec.hardTimeout !== undefined) parts.push(`hard_timeout=${spec.hardTimeout}`);
  if (spec.importance !== undefined) parts.push(`importance=${spec.importance}`);
  parts.push(...(spec.flags ?? []));
  for (const [k, v] of Object.entries(spec.match ?? {})) {
    // OpenAPI 3.0 cannot constrain keys: a key must not carry separators into the flow string.
    if (!/^[a-z][a-z0-9_]{0,31}$/.test(k)) throw new FlowSyntaxError(`match key "${k}" is not a field name`, k);
    parts.push(v === true ? spellingOf(k) : `${spellingOf(k)}=${v}`);
  }
  if (spec.actions !== undefined) parts.push(`actions=${spec.actions}`);
  else if (!requireActions) parts.push('actions=drop');
  return parts.join(',');
}

/** Whether a flow string names its table (ovs-ofctl's mod/del/dump act on every table otherwise). */
export function namesTable(text: string): boolean {
  const m = /(^|[\s,])actions=/.exec(text);
  return /(^|[\s,])table=/.test(m ? text.slice(0, m.index) : text);
}

const portName = (port: number): string => PORT_NAMES.get(port) ?? String(port);

/** The match of 'flow' as FlowEntry.match: canonical names, ovs-ofctl values. */
export function matchJson(flow: Flow): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of flow.match) {
    out[m.field] = m.field === 'in_port' ? portName(Number(m.value)) : formatValue(fieldByName(m.field), m.value, m.mask);
  }
  return out;
}

/** One dumped flow as the API answers it. */
export function flowEntryJson(e: NativeFlowEntry): Schemas['FlowEntry'] {
  const f = e.flow;
  const c = countersOf(e);
  return {
    table: f.table,
    priority: f.priority,
    cookie: `0x${f.cookie.toString(16)}`,
    durationSeconds: c.durationSec,
    packets: Number(e.packets),
    bytes: Number(e.bytes),
    idleTimeout: f.idleTimeout,
    hardTimeout: f.hardTimeout,
    importance: f.importance,
    flags: [...f.flags],
    match: matchJson(f),
    actions: formatActions(f.instructions),
    flow: formatFlow(f),
    text: formatFlowStats(f, c),
  };
}

/** The query of GET and DELETE /switches/{name}/flows. */
export interface FlowQuery {
  table?: string;
  cookie?: string;
  out_port?: string;
  out_group?: string;
  match?: string;
  strict?: 'true' | 'false';
  priority?: string;
  format?: 'json' | 'text';
}

/**
 * The query as an ovs-ofctl filter string (what `dump-flows br0 FILTER`
 * takes) and whether it covers every table.
 */
export function queryFilter(q: FlowQuery): { text: string; allTables: boolean; strict: boolean } {
  const parts: string[] = [];
  if (q.table !== undefined && q.table !== 'all') parts.push(`table=${q.table}`);
  if (q.cookie !== undefined) parts.push(`cookie=${q.cookie}`);
  if (q.out_port !== undefined) parts.push(`out_port=${q.out_port}`);
  if (q.out_group !== undefined) parts.push(`out_group=${q.out_group}`);
  if (q.priority !== undefined) parts.push(`priority=${q.priority}`);
  if (q.match !== undefined && q.match.trim() !== '') parts.push(q.match.trim());
  const text = parts.join(',');
  // A table= inside 'match' counts as much as the table parameter.
  return { text, allTables: !namesTable(text), strict: q.strict === 'true' };
}

/** Parses a query's filter; FlowSyntaxError as the parser throws it. */
export function parseQueryFilter(q: FlowQuery): { flow: Flow; allTables: boolean; strict: boolean } {
  const f = queryFilter(q);
  return { flow: parseFlow(f.text, { filter: true }), allTables: f.allTables, strict: f.strict };
}
