// Flow restore: a switch's flows, groups and meters saved as the openflow
// logic's native add lines, replayed after a restart, and the watch that
// tells the state store when they changed.
//
// What?  captureFlows() reads the tables through SwitchFlows (dump, group
// and meter dumps, parsed by ovs-compat/src/from-native.ts) and turns each
// entry back into the line that adds it (to-native.ts, group.ts, meter.ts).
// replayFlows() sends them again in dependency order: meters, then groups
// (chained groups need their targets first: passes until nothing more
// goes in), then flows.  Counters, durations and the flows' timeout clocks
// start again from 0, as after Open vSwitch's ovs-save restore.  The
// standalone fail mode's reserved NORMAL flow (cookie FALLBACK_COOKIE) is
// the agent's to manage and is never saved.
//
// watchFlowChanges() wraps the switch's logicControl, the one door every
// flow, group and meter change goes through (REST API, OpenFlow agent,
// ovs-ofctl, `mswitch logic-control`): a call whose lines are not all
// queries marks the switch's flows changed, whether it succeeded or not (a
// failed batch may have applied its first lines).  An `events` call that
// reports flow_removed also counts: flows expired.  Flows that expire
// without send_flow_rem are not reported and are left out at the next
// save that something else triggers.
//
// Thread-safety: JS thread only, like every control call.
import { FALLBACK_COOKIE } from '../agent/fail-mode';
import type { NativeSwitch } from '../datapath';
import { SwitchFlows } from '../flows';
import type { ModResult } from '../flows';
import { emptyFilterFlow, flowModLine, groupModLine, meterModLine } from '../../../ovs-compat/src';
import type { SavedFlows } from './state-codec';

// Native verbs that read and change nothing (control-text.md, Queries).
// packet_out runs actions on a frame but changes no table.
const QUERY_VERBS = new Set([
  'dump', 'aggregate', 'table_stats', 'group_dump', 'group_stats', 'meter_dump', 'meter_stats', 'meter_features',
  'trace', 'packet_out', 'events',
]);

/** The first word of each non-blank line, one match at a time ('^' at each line start; blank lines are skipped over). */
const LINE_VERB = /^\s*(\S+)/gm;

/**
 * Whether control text 'command' may change flows, groups or meters.  It
 * stops at the first line that is not a query: a batch of a thousand flow
 * mods is not split into lines to find that its first one is a change.
 */
export function mayChangeFlows(command: string): boolean {
  LINE_VERB.lastIndex = 0;
  for (let m = LINE_VERB.exec(command); m !== null; m = LINE_VERB.exec(command)) {
    if (!QUERY_VERBS.has(m[1])) return true;
  }
  return false;
}

const isEvents = (command: string): boolean => /^\s*events(\s|$)/.test(command);

/**
 * Makes 'sw' call 'onChange' after every control call that may have
 * changed its flows (see the essay).  Call once, before anyone else holds
 * the switch.
 */
export function watchFlowChanges(sw: NativeSwitch, onChange: () => void): void {
  const control = sw.logicControl.bind(sw);
  const watched = (command: string): string => {
    if (mayChangeFlows(command)) {
      try {
        return control(command);
      } finally {
        onChange();
      }
    }
    const reply = control(command);
    if (isEvents(command) && reply.includes('flow_removed')) onChange();
    return reply;
  };
  // The addon's methods are read-only on its prototype: an own property
  // shadows the method for this switch alone.
  Object.defineProperty(sw, 'logicControl', { value: watched, writable: false, enumerable: false, configurable: true });
}

export const runsOpenflow = (sw: Pick<NativeSwitch, 'logic'>): boolean => /^openflow/.test(sw.logic());

/** The flows, groups and meters of switch 'name' as add lines; undefined unless it runs openflow. */
export function captureFlows(sw: Pick<NativeSwitch, 'logic' | 'logicControl'>, name: string): SavedFlows | undefined {
  if (!runsOpenflow(sw)) return undefined;
  const flows = new SwitchFlows(sw, name);
  return {
    meters: flows.meters().map(({ meter }) => meterModLine('meter_add', meter)),
    groups: flows.groups().map(({ group }) => groupModLine('group_add', group)),
    flows: flows.dump({ flow: emptyFilterFlow(), allTables: true })
      .filter((e) => e.flow.cookie !== FALLBACK_COOKIE)
      .map((e) => flowModLine({ command: 'add', flow: e.flow })),
  };
}

export interface ReplayResult {
  applied: number;
  failed: { line: string; error: string }[];
}

// Applies 'lines', one result each; refusals are collected, not thrown.
function applyAll(flows: SwitchFlows, lines: readonly string[]): ModResult[] {
  const results: ModResult[] = new Array(lines.length);
  flows.applyLines(lines.map((line, index) => ({ index, line })), results);
  return results;
}

/** Replays 'saved' into switch 'name', which must run openflow with empty tables. */
export function replayFlows(sw: Pick<NativeSwitch, 'logic' | 'logicControl'>, name: string, saved: SavedFlows): ReplayResult {
  const out: ReplayResult = { applied: 0, failed: [] };
  if (!runsOpenflow(sw)) {
    const n = saved.meters.length + saved.groups.length + saved.flows.length;
    if (n > 0) out.failed.push({ line: `(${n} lines)`, error: `switch ${name} runs ${sw.logic()}, not openflow: nothing replayed` });
    return out;
  }
  const flows = new SwitchFlows(sw, name);
  const record = (lines: readonly string[], results: ModResult[]): string[] => {
    const refused: string[] = [];
    results.forEach((r, i) => {
      if (r.ok) out.applied++;
      else refused.push(lines[i]);
    });
    return refused;
  };
  const errorsOf = (lines: readonly string[], results: ModResult[]): void => results.forEach((r, i) => {
    if (!r.ok) out.failed.push({ line: lines[i], error: `${r.error.type}.${r.error.code}: ${r.error.message}` });
  });

  let results = applyAll(flows, saved.meters);
  errorsOf(saved.meters, results);
  record(saved.meters, results);

  // A group whose bucket chains to a group not yet added is refused; each
  // pass adds at least one more group of a chain, so passes are bounded by
  // the number of groups.
  let pending = [...saved.groups];
  for (;;) {
    results = applyAll(flows, pending);
    const refused = record(pending, results);
    if (refused.length === 0 || refused.length === pending.length) {
      errorsOf(pending, results);
      break;
    }
    pending = refused;
  }

  results = applyAll(flows, saved.flows);
  errorsOf(saved.flows, results);
  record(saved.flows, results);
  return out;
}
