// The daemon's persistent state: loaded once at start, written after every
// change (state-file.ts has the format and the atomic write).
//
// What?  `mswitch start` makes a StateStore for $MSWITCH_STATEDIR, load()s
// it before building the switches (a state file replaces the configured
// switches: it is what the operator last set up through the API, as
// Open vSwitch's database outlives its command lines), and hands it to the
// daemon, which calls:
//   restoreFlows(name, sw)  per switch, after its ports, before its OpenFlow
//                           agent starts: the saved flows are back before
//                           any controller connects;
//   configChanged()         after a switch, port, logic, mode or controller
//                           change: written at once;
//   flowsChanged(name)      after a flow, group or meter change
//                           (flow-state.ts's watch): written at most once
//                           per FLOW_DEBOUNCE_MS, so a controller pushing
//                           thousands of flow mods costs a few writes;
//   flush()                 on clean shutdown: a pending write goes out now.
//
// Design.  Each write snapshots the whole running daemon (every switch's
// config; flows only of switches whose flows changed since their last
// capture: dumping 100 000 flows is not free, so each switch keeps its last
// capture).  A corrupt or truncated file is kept aside as
// state.pb.corrupt-<time> and the daemon starts from its configuration, with
// an error line naming both files; a file from a newer mswitch stops the
// start (StateVersionError) and stays where it is.  A failed write is
// logged and retried with the next change; the old file stays valid.
//
// Thread-safety: JS thread only; the debounce timer is unref'd so that it
// never keeps a stopping daemon alive.
import type { SwitchConfig } from '../config';
import type { NativeSwitch } from '../datapath';
import type { Logger } from '../log';
import { captureFlows, replayFlows, runsOpenflow } from './flow-state';
import { decodeState, encodeState } from './state-codec';
import type { DaemonState, SavedFlows, SwitchState } from './state-codec';
import { moveAside, readStateFile, statePath, StateCorruptError, writeStateFile } from './state-file';
import type { WriteStep } from './state-file';

/** Flow changes are written at most this often (ms); config changes at once. */
export const FLOW_DEBOUNCE_MS = 1000;

/** What the state store needs from the daemon: its running switches. */
export interface StateSource {
  switches(): readonly { readonly config: Readonly<SwitchConfig>; readonly sw: NativeSwitch }[];
}

/** The calls the daemon makes (see the essay). */
export interface DaemonStateHooks {
  restoreFlows(name: string, sw: NativeSwitch): void;
  configChanged(): void;
  flowsChanged(name: string): void;
  flush(): void;
}

export interface StateStoreOptions {
  flowDebounceMs?: number;
  // Tests: called between the steps of each write (state-file.ts).
  afterWriteStep?: (step: WriteStep) => void;
}

export class StateStore implements DaemonStateHooks {
  readonly path: string;
  private source?: StateSource;
  private readonly saved = new Map<string, SavedFlows | undefined>();   // last capture per switch
  private readonly dirtyFlows = new Set<string>();
  private readonly pendingReplay = new Map<string, SavedFlows>();
  private timer?: NodeJS.Timeout;
  private readonly debounceMs: number;
  // Nothing is written until the daemon's start has succeeded (its first
  // configChanged): a failed or half-done start must not replace the file.
  private armed = false;

  constructor(readonly statedir: string, private readonly log: Logger, private readonly opts: StateStoreOptions = {}) {
    this.path = statePath(statedir);
    this.debounceMs = opts.flowDebounceMs ?? FLOW_DEBOUNCE_MS;
  }

  /**
   * The saved state, or undefined when there is none or it was corrupt
   * (then kept aside and logged).  Throws StateVersionError for a newer
   * file, and the read error for a file that cannot be read at all.
   */
  load(): DaemonState | undefined {
    let state: DaemonState;
    try {
      const payload = readStateFile(this.statedir);
      if (payload === undefined) return undefined;
      state = decodeState(payload, this.path);
    } catch (e) {
      if (!(e instanceof StateCorruptError)) throw e;
      const aside = moveAside(this.statedir, 'corrupt');
      this.log.error({ event: 'state-corrupt', path: this.path, keptAs: aside, reason: e.reason },
        `${e.message}; kept it as ${aside} and starting from the configuration instead`);
      return undefined;
    }
    for (const s of state.switches) {
      if (s.flows !== undefined) this.pendingReplay.set(s.config.name, s.flows);
    }
    this.log.info({ event: 'state-loaded', path: this.path, savedAtMs: state.savedAtMs, switches: state.switches.map((s) => s.config.name) },
      `restoring ${state.switches.length} switch(es) from ${this.path} (saved ${new Date(state.savedAtMs).toISOString()}); the configuration's switches apply only when there is no state file`);
    return state;
  }

  /** Where snapshots come from; the daemon calls it before its start. */
  attach(source: StateSource): void {
    this.source = source;
  }

  restoreFlows(name: string, sw: NativeSwitch): void {
    const flows = this.pendingReplay.get(name);
    this.pendingReplay.delete(name);
    if (flows === undefined) return;
    const r = replayFlows(sw, name, flows);
    this.saved.set(name, flows);
    for (const f of r.failed) {
      this.log.warn({ event: 'flow-restore-refused', switch: name, line: f.line, reason: f.error }, `${name}: saved line not restored: ${f.error}: ${f.line}`);
    }
    this.log.info({ event: 'flows-restored', switch: name, applied: r.applied, refused: r.failed.length },
      `${name}: restored ${r.applied} flow, group and meter line(s)${r.failed.length > 0 ? `, ${r.failed.length} refused` : ''}`);
    if (r.failed.length > 0) this.dirtyFlows.add(name);
  }

  configChanged(): void {
    this.armed = true;
    this.write();
  }

  flowsChanged(name: string): void {
    this.dirtyFlows.add(name);
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.debounceMs);
    this.timer.unref();
  }

  flush(): void {
    if (!this.armed || (this.timer === undefined && this.dirtyFlows.size === 0)) return;
    this.write();
  }

  // The flows to save for running switch 'c': recaptured when they changed.
  private flowsOf(c: Readonly<SwitchConfig>, sw: NativeSwitch): SavedFlows | undefined {
    if (c.flowRestore === false || !runsOpenflow(sw)) {
      this.saved.delete(c.name);
      return undefined;
    }
    if (this.dirtyFlows.has(c.name) || !this.saved.has(c.name)) this.saved.set(c.name, captureFlows(sw, c.name));
    return this.saved.get(c.name);
  }

  /** The running daemon as a DaemonState. */
  snapshot(): DaemonState {
    const running = new Set((this.source?.switches() ?? []).map((r) => r.config.name));
    for (const name of [...this.saved.keys()]) if (!running.has(name)) this.saved.delete(name);
    const switches: SwitchState[] = (this.source?.switches() ?? []).map(({ config, sw }) => {
      const flows = this.flowsOf(config, sw);
      return flows === undefined ? { config: config as SwitchConfig } : { config: config as SwitchConfig, flows };
    });
    return { savedAtMs: Date.now(), switches };
  }

  private write(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.armed) return;
    try {
      const state = this.snapshot();
      this.dirtyFlows.clear();
      writeStateFile(this.statedir, encodeState(state), this.opts.afterWriteStep);
      this.log.debug({ event: 'state-saved', path: this.path, switches: state.switches.length }, `state saved to ${this.path}`);
    } catch (e) {
      this.log.error({ event: 'state-save-failed', path: this.path, err: e }, `cannot save the state: ${(e as Error).message}`);
    }
  }
}
