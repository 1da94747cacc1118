// The daemon side of flows: applies flow mods to a switch's `openflow`
// logic and reads its flows back, through the logic's native control form
// (ovs-compat/native/control-text.md).  The REST API and the OpenFlow
// agent both go through here.
//
// What?  SwitchFlows.apply() takes many flow mods and answers one result
// per mod, as OpenFlow gives one result per message: a refused mod does
// not undo or stop the others (applyOne() does the same for one group or
// meter line).  dump() pages through the logic's flows; aggregate(),
// groups(), meters() and trace() read the rest of what the logic knows.
// A caller that must see every change (persistence, metrics) should hook
// here rather than wrap logicControl: onFlowsChanged() registers a
// listener per switch, called after every batch of flow, group or meter
// mods applied through any SwitchFlows of that switch (the REST API builds
// one per request, the OpenFlow agent keeps one), e.g. so the standalone
// fail mode can put back its fallback flow after a plain del-flows.
//
// Design.  Mods are translated (ovs-compat/src/to-native.ts) and sent in
// batches, one control call per batch.  The contract's batch semantics
// decide what a failed call means: a line that does not parse fails the
// call with nothing applied (EINVAL), so that line is set aside and the
// batch is sent again; a line that parses but cannot be applied (overlap,
// table full, unknown group) fails the call after the lines before it were
// applied, so those are done and what follows the failed line is sent
// again.  Each failed line gets the OpenFlow error the logic named.  A
// mod the native form cannot express at all gets its error without a call.
// applyOpenFlow13() sends whole OpenFlow 1.3 FLOW_MOD messages instead
// (`of13 HEX` lines, which the logic decodes itself: no decode, translation
// or text per message in JS); the one rule it adds is that a message the
// logic does not take ends the batch (ENOTSUP not_taken, the lines before
// it applied), and the caller applies that one the slow way.
//
// Every mod's result is counted by command and result for the metrics
// (metrics/flow-counters.ts), whoever sent it.
//
// Thread-safety.  JS thread only.  Each control call is synchronous and
// returns only when its changes are visible to every packet (what a
// barrier needs), so concurrent API requests are simply serialized.
import {
  filterTokens, flowModLine, nativeBatches, NativeTranslationError, OFP_ERROR_CODES, OFPET, parseAggregate, parseDump,
  parseGroupDumpLine, parseGroupStatsLine, parseMeterDumpLine, parseMeterStatsLine, parseNativeError, parseTrace,
} from '../../ovs-compat/src';
import type {
  FlowMod, Group, GroupStats, Meter, MeterStats, NativeError, NativeFilter, NativeFlowEntry, TraceStep,
} from '../../ovs-compat/src';
import type { NativeSwitch } from './datapath';
import { countFlowMod, flowModLabel } from './metrics/flow-counters';
import type { FlowModLabel } from './metrics/flow-counters';

/** The result of one flow mod: done, or the OpenFlow error it got. */
export type ModResult = { ok: true } | { ok: false; error: Omit<NativeError, 'line'> };

/** The switch runs a logic other than `openflow`: it has no flow tables. */
export class NotOpenflowError extends Error {
  readonly code = 'NOT_OPENFLOW';
}

/** The logic failed in a way the contract does not describe (not an OpenFlow error). */
export class FlowControlError extends Error {
  /** 'openflow': the logic refused the request with this OpenFlow error (a bad filter). */
  constructor(message: string, readonly errno?: string, readonly openflow?: NativeError) {
    super(message);
  }
}

/**
 * Called after a batch of mods was sent to a switch (whatever their
 * results); it may apply mods itself (it is then called again, so it must
 * notice when there is nothing left to do) and must not throw.
 */
export type FlowsChangedListener = () => void;

const listeners = new WeakMap<object, Set<FlowsChangedListener>>();

/** Calls 'listener' after every batch of mods applied to switch 'sw'; returns the function that stops it. */
export function onFlowsChanged(sw: object, listener: FlowsChangedListener): () => void {
  let set = listeners.get(sw);
  if (set === undefined) listeners.set(sw, (set = new Set()));
  set.add(listener);
  return () => set!.delete(listener);
}

/** Flows per dump call: the logic's reply buffer (64 KiB) must hold a page. */
export const DUMP_PAGE = 64;

const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** A native line and where its result goes in the caller's results. */
export interface NativeLine {
  index: number;
  line: string;
}

/** The result of every applied mod: one shared object, as a burst of installs answers thousands. */
const OK: ModResult = Object.freeze({ ok: true as const });

/** How the logic says it left an `of13` line to the agent (control-text.md): `line N: not_taken: REASON`. */
const NOT_TAKEN = /(?:^|:\s)line (\d+): not_taken: ([^\n]*)/;

/** How a logic without `of13` refuses it. */
const OF13_UNKNOWN = /: bad_request\.bad_type: unknown command 'of13'/;

/** ofp_flow_mod_command (OpenFlow 1.3.5 section 7.3.4.1) by number, as the metrics label it. */
const FLOW_MOD_LABELS: readonly FlowModLabel[] = ['add', 'modify', 'modify_strict', 'delete', 'delete_strict'];
/** ofp_flow_mod's command byte: after the header (8 bytes), cookie (8), cookie_mask (8) and table_id (1). */
const FLOW_MOD_COMMAND_AT = 25;

function joinLines(lines: readonly NativeLine[]): string {
  let text = lines[0].line;
  for (let i = 1; i < lines.length; i++) text += `\n${lines[i].line}`;
  return text;
}

export function translationError(e: NativeTranslationError): Omit<NativeError, 'line'> {
  return {
    type: e.type,
    code: e.ofCode,
    typeNumber: OFPET[e.type],
    codeNumber: OFP_ERROR_CODES[e.type][e.ofCode],
    message: e.message,
  };
}

export class SwitchFlows {
  constructor(private readonly sw: Pick<NativeSwitch, 'logic' | 'logicControl'>, private readonly name: string) {}

  /** Throws NotOpenflowError unless the switch runs the openflow logic (built in or loaded). */
  private check(): void {
    const logic = this.sw.logic();
    if (!/^openflow/.test(logic)) {
      throw new NotOpenflowError(`switch ${this.name} runs the ${logic} logic, which has no flow tables (set its logic to openflow)`);
    }
  }

  /** Applies 'mods' in order; one result per mod, in the same order. */
  apply(mods: readonly FlowMod[]): ModResult[] {
    this.check();
    const results: ModResult[] = new Array(mods.length);
    const lines: NativeLine[] = [];
    mods.forEach((m, index) => {
      try {
        lines.push({ index, line: flowModLine(m) });
      } catch (e) {
        if (!(e instanceof NativeTranslationError)) throw e;
        results[index] = { ok: false, error: translationError(e) };
      }
    });
    this.applyLines(lines, results);
    mods.forEach((m, i) => {
      const r = results[i];
      countFlowMod(this.sw, flowModLabel(m.command, m.strict), r.ok ? 'ok' : r.error.type);
    });
    return results;
  }

  /**
   * Sends native 'lines' (flow, group or meter mods) with one-result-per-line
   * semantics, writing each line's result at its 'index' in 'results'.
   */
  applyLines(lines: readonly NativeLine[], results: ModResult[]): void {
    const notTaken = this.send(lines, results);
    // Only `of13` lines may be left to the caller; a text line never is.
    if (notTaken >= 0) throw new FlowControlError(`switch ${this.name}: the openflow logic did not take line ${notTaken + 1}`, 'ENOTSUP');
  }

  /**
   * Applies whole OpenFlow 1.3 OFPT_FLOW_MOD messages 'raws' (header
   * included), which the logic decodes itself (`of13` lines,
   * control-text.md): the install path that skips decoding, translating
   * and printing each message in JS.  Stops at the first message the
   * logic does not take (malformed, buffer_id set, anything it leaves to
   * the agent): 'taken' is its position (raws.length when all were taken)
   * and 'results' holds one result for each message before it; that
   * message and the ones after it were not applied, for the caller to send
   * the slow way (decodeMessage, toFlowMod, apply()), which gives the
   * exact OpenFlow error.
   */
  applyOpenFlow13(raws: readonly Buffer[]): { results: ModResult[]; taken: number } {
    const lines: NativeLine[] = new Array(raws.length);
    for (let i = 0; i < raws.length; i++) lines[i] = { index: i, line: `of13 ${raws[i].toString('hex')}` };
    const results: ModResult[] = new Array(raws.length);
    const notTaken = this.send(lines, results);
    const taken = notTaken < 0 ? raws.length : notTaken;
    results.length = taken;
    for (let i = 0; i < taken; i++) {
      const r = results[i];
      // A taken message is well formed, so its command byte is one of the five.
      const label = FLOW_MOD_LABELS[raws[i][FLOW_MOD_COMMAND_AT]];
      if (label !== undefined) countFlowMod(this.sw, label, r.ok ? 'ok' : r.error.type);
    }
    return { results, taken };
  }

  // Sends 'lines' in batches (nativeBatches), one control call each plus
  // one per failed line; answers the 'index' of the first line the logic
  // did not take, which ends the run, or -1.  The flows-changed listeners
  // run once at the end, also after a failed call (the lines before the
  // failure were applied).
  private send(lines: readonly NativeLine[], results: ModResult[]): number {
    this.check();
    const byText = nativeBatches(lines.map((l) => l.line));
    let at = 0;
    try {
      for (const batch of byText) {
        const notTaken = this.applyBatch(lines.slice(at, at + batch.length), results);
        if (notTaken >= 0) return notTaken;
        at += batch.length;
      }
      return -1;
    } finally {
      if (lines.length > 0) for (const l of [...(listeners.get(this.sw) ?? [])]) l();
    }
  }

  /** Calls 'listener' after every batch of mods applied to this switch, through any SwitchFlows (onFlowsChanged). */
  watch(listener: FlowsChangedListener): () => void {
    return onFlowsChanged(this.sw, listener);
  }

  // One batch: a line that does not parse (EINVAL: nothing applied) is
  // set aside and the rest sent again; a line that cannot be applied gets
  // its error and what follows it is sent again (what precedes it was
  // applied); an `of13` line the logic does not take (ENOTSUP not_taken:
  // what precedes it was applied) ends the batch, and its 'index' is the
  // answer.  -1 when every line got its result.
  private applyBatch(batch: readonly NativeLine[], results: ModResult[]): number {
    let pending = batch;
    while (pending.length > 0) {
      try {
        this.sw.logicControl(joinLines(pending));
        for (const p of pending) results[p.index] = OK;
        return -1;
      } catch (e) {
        const message = (e as Error).message;
        const notTaken = errnoOf(e) === 'ENOTSUP' ? NOT_TAKEN.exec(message) : null;
        if (notTaken !== null && Number(notTaken[1]) >= 1 && Number(notTaken[1]) <= pending.length) {
          const line = Number(notTaken[1]);
          for (let i = 0; i < line - 1; i++) results[pending[i].index] = OK;
          return pending[line - 1].index;
        }
        // A logic that predates `of13` (an older shared object) parses nothing of the call: it takes none of it.
        if (errnoOf(e) === 'EINVAL' && OF13_UNKNOWN.test(message)) return pending[0].index;
        const err = parseNativeError(message);
        if (err === undefined || err.line < 1 || err.line > pending.length) {
          throw new FlowControlError(`switch ${this.name}: the openflow logic failed: ${message}`, errnoOf(e));
        }
        const { line, ...error } = err;
        results[pending[line - 1].index] = { ok: false, error };
        if (errnoOf(e) === 'EINVAL') {
          // Nothing was applied: send the others again, without the bad line.
          pending = [...pending.slice(0, line - 1), ...pending.slice(line)];
        } else {
          // The lines before the failed one were applied.
          for (let i = 0; i < line - 1; i++) results[pending[i].index] = OK;
          pending = pending.slice(line);
        }
      }
    }
    return -1;
  }

  private query(cmd: string): string {
    try {
      return this.sw.logicControl(cmd);
    } catch (e) {
      throw new FlowControlError(`switch ${this.name}: ${cmd}: ${(e as Error).message}`, errnoOf(e), parseNativeError((e as Error).message));
    }
  }

  /** One native group or meter mod line, with its result. */
  applyOne(line: string): ModResult {
    const results: ModResult[] = [];
    this.applyLines([{ index: 0, line }], results);
    return results[0];
  }

  /** Every group by id, with its counters (zero when the group is new since the dump). */
  groups(): { group: Group; stats?: GroupStats }[] {
    this.check();
    const stats = new Map(this.query('group_stats').split('\n').filter((l) => l.trim() !== '').map((l) => {
      const s = parseGroupStatsLine(l);
      return [s.groupId, s] as const;
    }));
    return this.query('group_dump').split('\n').filter((l) => l.trim() !== '').map((l) => {
      const group = parseGroupDumpLine(l);
      return { group, stats: stats.get(group.groupId) };
    });
  }

  /** What 'frame' arriving on 'inPort' would hit and cause; counts nothing. */
  trace(inPort: number, frame: Buffer): TraceStep[] {
    this.check();
    return parseTrace(this.query(`trace in_port=${inPort} hex=${frame.toString('hex')}`));
  }

  /** Every meter by id, with its counters. */
  meters(): { meter: Meter; stats?: MeterStats }[] {
    this.check();
    const lines = (cmd: string) => this.query(cmd).split('\n').filter((l) => l.trim() !== '');
    const stats = new Map(lines('meter_stats').map((l) => {
      const s = parseMeterStatsLine(l);
      return [s.meterId, s] as const;
    }));
    return lines('meter_dump').map((l) => {
      const meter = parseMeterDumpLine(l);
      return { meter, stats: stats.get(meter.meterId) };
    });
  }

  /** How many flows 'filter' selects, and their packets and bytes. */
  aggregate(filter: NativeFilter): { flows: bigint; packets: bigint; bytes: bigint } {
    this.check();
    return parseAggregate(this.query(`aggregate ${filterTokens(filter).join(' ')}`));
  }

  /** Every flow 'filter' selects, highest priority first within a table. */
  dump(filter: NativeFilter): NativeFlowEntry[] {
    this.check();
    const args = filterTokens(filter).join(' ');
    const out: NativeFlowEntry[] = [];
    let after: bigint | undefined;
    for (;;) {
      const page = parseDump(this.query(`dump ${args}${after === undefined ? '' : ` after=${after}`} limit=${DUMP_PAGE}`));
      out.push(...page.flows);
      if (page.moreAfter === undefined) return out;
      after = page.moreAfter;
    }
  }
}
