// OpenFlow groups (OpenFlow 1.3 section 5.6) in the three forms mswitch
// meets them: ovs-ofctl's group syntax (`add-group`, `dump-groups`), the
// `openflow` logic's native group lines (control-text.md, "Groups and
// meters"), and the model in between.
//
// What?  parseGroup() reads `group_id=1,type=select,bucket=weight:2,
// actions=output:1,bucket=output:2`; formatGroup() prints a group as
// ovs-ofctl dump-groups does (OVS's ofp_print_group(): the weight only when
// it is not the type's default, 1 for select and 0 otherwise; watch_port
// and watch_group only when set), which parseGroup() reads back;
// groupModLine() writes `group_add` / `group_mod`; parseGroupDumpLine()
// reads `group_dump` lines.
//
// Design.  A bucket's actions are an action list, parsed by the flow
// parser's action grammar against an empty match: actions that need the
// packet's protocol known (set_field on IP fields, dec_ttl) are refused in
// a bucket, since no match states it.  That is stricter than ovs-ofctl and
// said in the error.  Bucket ids (OpenFlow 1.5) and selection methods (an
// Open vSwitch extension) are refused naming the token.
//
// Pure functions; callable from any context.

import { parseInstructions, splitTopLevel } from './action-parser';
import { FlowSyntaxError } from './errors';
import { parsePort } from './field-values';
import { Action, OFPP_ANY, PORT_NAMES } from './flow';
import { formatAction } from './flow-printer';
import { parseNativeActions } from './from-native';
import { nativeActions, nativePort, NativeTranslationError } from './to-native';

export const GROUP_TYPES = ['all', 'select', 'indirect', 'ff'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

/** OFPG_MAX and OFPG_ANY (OpenFlow 1.3 section 7.3.4.2). */
export const OFPG_MAX = 0xffffff00;
export const OFPG_ANY = 0xffffffff;

export interface Bucket {
  /** select: relative weight (default 1); 0 for other types. */
  weight: number;
  /** ff: the port whose liveness the bucket follows; absent: none (OFPP_ANY). */
  watchPort?: number;
  watchGroup?: number;
  actions: Action[];
}

export interface Group {
  groupId: number;
  type: GroupType;
  buckets: Bucket[];
}

const defaultWeight = (type: GroupType): number => (type === 'select' ? 1 : 0);

function parseGroupId(text: string, token: string): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text) || Number(text) > OFPG_MAX) throw new FlowSyntaxError(`${text}: invalid group_id (0..${OFPG_MAX})`, token);
  return Number(text);
}

function parseUint(text: string, max: number, what: string, token: string): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text) || Number(text) > max) throw new FlowSyntaxError(`${text}: invalid ${what}`, token);
  return Number(text);
}

/** The bucket list of a group text: the text after each top-level `bucket=`. */
function bucketTexts(text: string): { head: string; buckets: string[] } {
  const starts: number[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (depth === 0 && text.startsWith('bucket=', i) && (i === 0 || /[,\s]/.test(text[i - 1]))) starts.push(i);
  }
  if (starts.length === 0) return { head: text, buckets: [] };
  const head = text.slice(0, starts[0]).replace(/[,\s]+$/, '');
  const buckets = starts.map((s, i) => text.slice(s + 'bucket='.length, i + 1 < starts.length ? starts[i + 1] : text.length).replace(/[,\s]+$/, ''));
  return { head, buckets };
}

function parseBucket(text: string, type: GroupType): Bucket {
  const b: Bucket = { weight: defaultWeight(type), actions: [] };
  let rest = text;
  for (;;) {
    const m = /^(weight|watch_port|watch_group|bucket_id)[:=]([^,]*)(,|$)/.exec(rest);
    if (!m) break;
    const token = m[0].replace(/,$/, '');
    switch (m[1]) {
      case 'weight': b.weight = parseUint(m[2], 0xffff, 'weight', token); break;
      case 'watch_port': {
        const p = m[2].toLowerCase() === 'any' ? OFPP_ANY : parsePort(m[2], token, false);
        if (p !== OFPP_ANY) b.watchPort = p;
        break;
      }
      case 'watch_group': {
        const g = m[2].toLowerCase() === 'any' ? OFPG_ANY : parseGroupId(m[2], token);
        if (g !== OFPG_ANY) b.watchGroup = g;
        break;
      }
      default: throw new FlowSyntaxError(`${token}: bucket ids are OpenFlow 1.5; mswitch speaks OpenFlow 1.3 groups`, token);
    }
    rest = rest.slice(m[0].length);
  }
  const actionsText = rest.startsWith('actions=') ? rest.slice('actions='.length) : rest;
  const ins = parseInstructions(actionsText, []);
  if (ins.meter !== undefined || ins.clearActions || ins.writeActions || ins.writeMetadata || ins.gotoTable !== undefined) {
    throw new FlowSyntaxError(`${text}: a bucket holds actions only, not instructions`, text);
  }
  b.actions = ins.apply;
  return b;
}

/** Parses an ovs-ofctl group (add-group, mod-group). */
export function parseGroup(text: string): Group {
  const { head, buckets } = bucketTexts(text.trim());
  let groupId: number | undefined;
  let type: GroupType | undefined;
  for (const token of splitTopLevel(head)) {
    const eq = token.indexOf('=');
    const key = eq < 0 ? token : token.slice(0, eq);
    const value = eq < 0 ? '' : token.slice(eq + 1);
    if (key === 'group_id') groupId = parseGroupId(value, token);
    else if (key === 'type') {
      const t = value === 'fast_failover' ? 'ff' : value;
      if (!(GROUP_TYPES as readonly string[]).includes(t)) throw new FlowSyntaxError(`${value}: unknown group type (all, select, indirect, ff)`, token);
      type = t as GroupType;
    } else {
      throw new FlowSyntaxError(`unknown keyword ${key}${key === 'selection_method' ? ' (an Open vSwitch extension mswitch does not implement)' : ''}`, token);
    }
  }
  if (groupId === undefined) throw new FlowSyntaxError('must specify a group_id', text);
  if (type === undefined) throw new FlowSyntaxError('must specify a type', text);
  return { groupId, type, buckets: buckets.map((b) => parseBucket(b, type!)) };
}

/** A `del-groups` argument: `group_id=G`, `group_id=all` or nothing (every group). */
export function parseGroupFilter(text: string | undefined): number | 'all' {
  const t = (text ?? '').trim();
  if (t === '') return 'all';
  const m = /^group_id=(.*)$/.exec(t);
  if (!m) throw new FlowSyntaxError(`${t}: expected group_id=G`, t);
  return m[1].toLowerCase() === 'all' ? 'all' : parseGroupId(m[1], t);
}

const portName = (p: number): string => PORT_NAMES.get(p) ?? String(p);

/** The group as ovs-ofctl dump-groups prints it (without the leading space). */
export function formatGroup(g: Group): string {
  const out = [`group_id=${g.groupId}`, `type=${g.type}`];
  for (const b of g.buckets) {
    let s = 'bucket=';
    if (b.weight !== defaultWeight(g.type)) s += `weight:${b.weight},`;
    if (b.watchPort !== undefined) s += `watch_port:${portName(b.watchPort)},`;
    if (b.watchGroup !== undefined) s += `watch_group:${b.watchGroup},`;
    s += `actions=${b.actions.length === 0 ? 'drop' : b.actions.map(formatAction).join(',')}`;
    out.push(s);
  }
  return out.join(',');
}

/** The native `group_add` / `group_mod` line of 'g'. */
export function groupModLine(command: 'group_add' | 'group_mod', g: Group): string {
  const parts = [command, `group_id=${g.groupId}`, `type=${g.type}`];
  for (const b of g.buckets) {
    const head: string[] = [];
    if (g.type === 'select') head.push(`weight=${b.weight}`);
    else if (b.weight !== 0) throw new NativeTranslationError(`weight:${b.weight}: only select groups weigh their buckets`, `weight:${b.weight}`, 'group_mod_failed', 'bad_bucket');
    if (b.watchPort !== undefined) head.push(`watch_port=${nativePort(b.watchPort)}`);
    if (b.watchGroup !== undefined) head.push(`watch_group=${b.watchGroup}`);
    parts.push(`bucket=${[...head, `actions=${nativeActions(b.actions)}`].join(',')}`);
  }
  return parts.join(' ');
}

export function groupDelLine(id: number | 'all'): string {
  return `group_del group_id=${id}`;
}

/** One `group_dump` line of the native logic. */
export function parseGroupDumpLine(line: string): Group {
  const tokens = line.trim().split(/\s+/);
  const bad = (why: string): never => {
    throw new FlowSyntaxError(`native group_dump line: ${why}: ${line}`, line);
  };
  const id = /^group_id=(\d+)$/.exec(tokens[0] ?? '')?.[1] ?? bad('no group_id');
  const type = /^type=(\w+)$/.exec(tokens[1] ?? '')?.[1] ?? bad('no type');
  if (!(GROUP_TYPES as readonly string[]).includes(type)) bad(`type ${type}`);
  const buckets = tokens.slice(2).map((t) => {
    if (!t.startsWith('bucket=')) bad(`unexpected ${t}`);
    const b: Bucket = { weight: defaultWeight(type as GroupType), actions: [] };
    let rest = t.slice('bucket='.length);
    for (;;) {
      const m = /^(weight|watch_port|watch_group)=([^,]*),/.exec(rest);
      if (!m) break;
      if (m[1] === 'weight') b.weight = Number(m[2]);
      else if (m[1] === 'watch_port' && m[2] !== 'any') b.watchPort = m[2] === 'local' ? PORT_BY_NAME.local : Number(m[2]);
      else if (m[1] === 'watch_group' && m[2] !== 'any') b.watchGroup = Number(m[2]);
      rest = rest.slice(m[0].length);
    }
    if (!rest.startsWith('actions=')) bad(`bucket without actions: ${t}`);
    b.actions = parseNativeActions(rest.slice('actions='.length), line);
    return b;
  });
  return { groupId: Number(id), type: type as GroupType, buckets };
}

const PORT_BY_NAME = { local: 0xfffffffe } as const;

/** One line of the native `group_stats` reply. */
export interface GroupStats {
  groupId: number;
  durationNs: bigint;
  packets: bigint;
  bytes: bigint;
  buckets: { packets: bigint; bytes: bigint }[];
}

export function parseGroupStatsLine(line: string): GroupStats {
  const m = /^group_id=(\d+) duration_ns=(\d+) n_packets=(\d+) n_bytes=(\d+)((?: bucket=\d+:\d+)*)$/.exec(line.trim());
  if (!m) throw new FlowSyntaxError(`native group_stats line not understood: ${line}`, line);
  const buckets = [...m[5].matchAll(/bucket=(\d+):(\d+)/g)].map((b) => ({ packets: BigInt(b[1]), bytes: BigInt(b[2]) }));
  return { groupId: Number(m[1]), durationNs: BigInt(m[2]), packets: BigInt(m[3]), bytes: BigInt(m[4]), buckets };
}
