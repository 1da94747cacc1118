// The switch daemon: builds the configured switches in this process and
// tears them down on a signal.
//
// Start order: run directory (created 0755 if missing), pid file (one
// daemon per run directory, see pid-file.ts), then for each switch: remove
// a stale socket left by a crashed daemon (we hold the pid file, so no
// live daemon owns it), create the native switch, subscribe to its events,
// listen on its memif socket, pre-create the configured interfaces.  If any
// step fails, everything already done is undone before the error is
// thrown, so a failed start leaves no socket and no pid file behind.
// Last, the switch's Linux ports (afxdp, afpacket, tap; linux-ports.ts)
// are attached in the configured order; a detected port that could not
// use AF_XDP is logged with the reason it fell back to AF_PACKET.
//
// Stop order is the reverse: close each switch (disconnects clients, stops
// its workers), remove its socket file, release the pid file.  Stop is
// idempotent and never throws: a failing step is logged and makes the
// exit code 1, the remaining steps still run.
//
// Services (the REST API, metrics) are started after the switches, before
// the 'started' line, and stopped before them; a service that fails to
// start undoes the whole start.  Switches may also be added and removed
// while running (addSwitch/removeSwitch, used by the REST API): each does
// the same steps as the start and stop above for one switch.
//
// State (state/state-store.ts, when `mswitch start` gives one with
// useState): every change above, and every port added or removed through
// addMemifPort/removePort, is reported to it; ports are recorded in the
// switch's config at the numbers they got, so a restart gives them the
// same numbers.  Flows saved by the store are replayed after a switch's
// ports and before its OpenFlow agent starts, so before any controller
// connects; on shutdown the store is flushed before any switch closes.
//
// Everything here runs on the JS thread.  The daemon does not count on the
// addon's handles to keep the event loop alive: while running it holds the
// loop open with a timer until a signal arrives.
import { lstatSync, mkdirSync, chmodSync, readFileSync, unlinkSync } from 'fs';
import { dirname, join } from 'path';

import { checkOpenflowTargets, reconfigureBridgeOpenflow, startBridgeOpenflow, wantsOpenflow } from './agent/bridge-openflow';
import type { BridgeOpenflow } from './agent/bridge-openflow';
import { buildOpenflowConfig } from './agent/openflow-config';
import type { OpenflowConfig } from './agent/openflow-config';
import type { ManagerStatus } from './agent/types';
import type { Config, SwitchConfig } from './config';
import { Switch } from './datapath';
import type { MemifInterfaceOptions, MemifListenOptions, NativeSwitch, SwitchOptions } from './datapath';
import { attachLinuxPort } from './linux-ports';
import type { AttachedPort, LinuxPortSpec } from './linux-ports';
import type { Logger } from './log';
import { acquirePidFile, releasePidFile } from './pid-file';
import { watchFlowChanges } from './state/flow-state';
import type { DaemonStateHooks } from './state/state-store';
import { logSwitchEvent } from './switch-events';

export const PID_FILE_NAME = 'mswitch.pid';

interface Running {
  config: SwitchConfig;
  sw: NativeSwitch;
  listening: boolean;
  // Its OpenFlow agent and controller connections (agent/bridge-openflow.ts), when it has them.
  openflow?: BridgeOpenflow;
}

// A running switch as the services see it: its configuration (kept up to
// date by setLogic) and the native switch.
export interface RunningSwitch {
  readonly config: Readonly<SwitchConfig>;
  readonly sw: NativeSwitch;
}

// Something the daemon runs beside its switches (the REST API, metrics).
export interface DaemonService {
  readonly name: string;
  start(daemon: Daemon): Promise<void>;
  stop(): Promise<void>;       // must not throw; called once if start succeeded
}

export class SwitchExistsError extends Error {}

// Stops a switch's OpenFlow side without waiting for its sockets to close.
function stopOpenflowNow(r: Running): void {
  const of = r.openflow;
  r.openflow = undefined;
  if (of === undefined) return;
  of.agent.stop();
  void of.manager.stop();
}

const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

// A new Error with 'message' that keeps the errno name ('.code') of 'cause',
// so that the REST API can tell an unknown logic from a refused config.
const withCode = (message: string, cause: unknown): Error =>
  Object.assign(new Error(message), { code: errnoOf(cause) });

// Removes 'path' if it is a unix socket; true when there was one.  Anything
// else at that path is left alone and reported.
export function removeSocketFile(path: string): boolean {
  try {
    if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket; refusing to remove it`);
    unlinkSync(path);
    return true;
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return false;
    throw e;
  }
}

// Creates 'dir' with mode 0755 when missing (the mode is set explicitly,
// past the umask); an existing directory keeps its mode.
function ensureDir(dir: string): void {
  try {
    const created = mkdirSync(dir, { recursive: true, mode: 0o755 });
    if (created !== undefined) chmodSync(dir, 0o755);
  } catch (e) {
    throw new Error(`cannot create directory ${dir}: ${(e as Error).message}`);
  }
}

// The MAC of Linux interface 'ifname', or undefined when it cannot be read.
function interfaceMac(ifname: string): string | undefined {
  try {
    const mac = readFileSync(`/sys/class/net/${ifname}/address`, 'utf8').trim();
    return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac) ? mac : undefined;
  } catch {
    return undefined;
  }
}

// The addon reads option objects key by key: leave unset keys out rather
// than passing undefined.
function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const switchOptions = (c: SwitchConfig): SwitchOptions => ({
  name: c.name,
  workers: c.workers,
  batchSize: c.batchSize,
  mode: c.mode,
  logic: c.logic,
  ...(c.logicConfig !== undefined && { logicConfig: c.logicConfig }),
  ...(c.idlePolls !== undefined && { idlePolls: c.idlePolls }),
  ...(c.idleSpinUs !== undefined && { idleSpinUs: c.idleSpinUs }),
});

const listenOptions = (c: SwitchConfig): MemifListenOptions => ({
  path: c.memif.socket,
  abstract: c.memif.abstract,
  autoCreate: c.memif.autoCreate,
  ...(c.memif.secret !== undefined && { secret: c.memif.secret }),
});

export class Daemon {
  readonly pidFile: string;
  private running: Running[] = [];
  private pidFileHeld = false;
  private stopped = false;
  private readonly services: DaemonService[] = [];
  private readonly startedServices: DaemonService[] = [];
  private state?: DaemonStateHooks;
  // While start() builds switches restored from a state file: a Linux port
  // whose interface is gone is dropped with a warning, not a failed start.
  private restoring = false;
  // setControllers() calls, one after the other.
  private openflowChanges: Promise<unknown> = Promise.resolve();

  constructor(readonly config: Config, private readonly log: Logger) {
    this.pidFile = join(config.rundir, PID_FILE_NAME);
  }

  // Registers 'service' to start after the switches; before start() only.
  addService(service: DaemonService): void {
    this.services.push(service);
  }

  // Records changes in 'state' and restores its flows; before start() only.
  // 'restored': the configuration came from the state file.
  useState(state: DaemonStateHooks, restored: boolean): void {
    this.state = state;
    this.restoring = restored;
  }

  // Brings every switch and service up, or throws with nothing left behind.
  async start(): Promise<void> {
    ensureDir(this.config.rundir);
    acquirePidFile(this.pidFile);
    this.pidFileHeld = true;
    try {
      for (const c of this.config.switches) this.startSwitch(c);
      this.restoring = false;
      for (const r of this.running) {
        this.state?.restoreFlows(r.config.name, r.sw);
        if (wantsOpenflow(r.config.logic, r.config.openflow)) {
          r.openflow = await startBridgeOpenflow(r.config.name, r.sw, r.config.openflow, this.config.rundir, this.log, r.config.logicConfig);
        }
      }
      for (const svc of this.services) {
        try {
          await svc.start(this);
        } catch (e) {
          throw new Error(`${svc.name}: ${(e as Error).message}`);
        }
        this.startedServices.push(svc);
      }
      this.state?.configChanged();
    } catch (e) {
      await this.shutdown();
      throw e;
    }
    this.log.info(
      { event: 'started', rundir: this.config.rundir, pidFile: this.pidFile, switches: this.config.switches.map((s) => s.name) },
      `mswitch started: ${this.config.switches.map((s) => `${s.name} (${s.logic}, memif ${s.memif.socket})`).join(', ')}`);
  }

  private startSwitch(c: SwitchConfig): void {
    ensureDir(dirname(c.memif.socket));
    if (removeSocketFile(c.memif.socket)) {
      this.log.info({ event: 'stale-socket', switch: c.name, socket: c.memif.socket }, `${c.name}: removed stale socket ${c.memif.socket}`);
    }
    let sw: NativeSwitch;
    try {
      sw = new Switch(switchOptions(c));
    } catch (e) {
      throw withCode(`switch ${c.name} (logic ${c.logic}): cannot create it: ${(e as Error).message}`, e);
    }
    const r: Running = { config: c, sw, listening: false };
    this.running.push(r);
    watchFlowChanges(sw, () => this.state?.flowsChanged(c.name));
    sw.onEvent((ev) => {
      logSwitchEvent(this.log, ev);
      if (ev.type === 'port-removed' && this.forgetPort(r, ev.port)) this.state?.configChanged();
    });
    try {
      sw.listenMemif(listenOptions(c));
    } catch (e) {
      throw withCode(`switch ${c.name}: cannot listen on ${c.memif.socket}: ${(e as Error).message}`, e);
    }
    r.listening = true;
    this.log.info(
      { event: 'memif-listen', switch: c.name, socket: c.memif.socket, abstract: c.memif.abstract, autoCreate: c.memif.autoCreate },
      `${c.name}: memif master on ${c.memif.socket}${c.memif.abstract ? ' (and abstract @' + c.memif.socket + ')' : ''}`);
    for (const itf of c.memif.interfaces) {
      const opts: MemifInterfaceOptions = withoutUndefined({ ...itf });
      let port: number;
      try {
        port = sw.addMemifInterface(opts);
      } catch (e) {
        throw new Error(`switch ${c.name}: cannot create memif interface id ${itf.id}: ${(e as Error).message}`);
      }
      itf.port = port;
      this.log.info({ event: 'port-added', switch: c.name, port, memifId: itf.id }, `${c.name}: port ${port} waits for memif id ${itf.id}`);
    }
    for (const spec of [...c.ports]) {
      try {
        this.attachPort(r, spec);
      } catch (e) {
        if (this.restoring) {
          c.ports.splice(c.ports.indexOf(spec), 1);
          this.log.warn({ event: 'port-restore-failed', switch: c.name, spec, reason: (e as Error).message },
            `${c.name}: saved ${spec.type ?? 'port'} ${spec.ifname ?? c.name} not restored: ${(e as Error).message}`);
          continue;
        }
        throw withCode(`switch ${c.name}: cannot attach ${spec.type ?? 'port'} ${spec.ifname ?? c.name}: ${(e as Error).message}`, e);
      }
    }
  }

  private attachPort(r: RunningSwitch, spec: LinuxPortSpec): AttachedPort {
    const a = attachLinuxPort(r.sw, r.config.name, spec);
    // Pinned, so that a restart gives the port the same number and device
    // and a TAP the same MAC (the OpenFlow datapath id derives from it).
    spec.port = a.port;
    spec.ifname = a.ifname;
    if (a.type === 'tap' && spec.mac === undefined) spec.mac = interfaceMac(a.ifname);
    const name = r.config.name;
    if (a.fallback !== undefined) {
      this.log.warn({ event: 'afxdp-fallback', switch: name, ifname: a.ifname, reason: a.fallback },
        `${name}: ${a.ifname} attached with afpacket: ${a.fallback}`);
    }
    if (a.warning !== undefined) {
      this.log.warn({ event: 'afxdp-partial-checksums', switch: name, ifname: a.ifname, reason: a.warning },
        `${name}: ${a.ifname} attached with afxdp as asked, but ${a.warning}`);
    }
    this.log.info({ event: 'port-added', switch: name, port: a.port, portName: a.name, type: a.type, ifname: a.ifname },
      `${name}: port ${a.port} (${a.name}) is ${a.type} on ${a.ifname}`);
    return a;
  }

  // Attaches a Linux port to the running switch 'name' (the REST API's
  // add-port); throws the datapath's error, with its errno '.code'.
  addLinuxPort(name: string, spec: LinuxPortSpec): AttachedPort {
    const r = this.running.find((x) => x.config.name === name);
    if (r === undefined) throw new Error(`no switch named ${name}`);
    const recorded: LinuxPortSpec = { ...spec };
    const a = this.attachPort(r, recorded);
    r.config.ports.push(recorded);
    this.state?.configChanged();
    return a;
  }

  // Adds a memif interface to the running switch 'name' (the REST API's
  // add-port) and records it; throws the datapath's error.
  addMemifPort(name: string, opts: MemifInterfaceOptions): number {
    const r = this.running.find((x) => x.config.name === name);
    if (r === undefined) throw new Error(`no switch named ${name}`);
    const port = r.sw.addMemifInterface(opts);
    r.config.memif.interfaces.push({ ...opts, port });
    this.state?.configChanged();
    return port;
  }

  // Removes port 'port' of the running switch 'name' and forgets it;
  // throws the datapath's error (ENOENT: no such port).
  removePort(name: string, port: number): void {
    const r = this.running.find((x) => x.config.name === name);
    if (r === undefined) throw new Error(`no switch named ${name}`);
    r.sw.removePort(port);
    this.forgetPort(r, port);
    this.state?.configChanged();
  }

  // Drops the recorded port numbered 'port'; false when none was recorded
  // (an auto-created memif port).
  private forgetPort(r: Running, port: number): boolean {
    const m = r.config.memif.interfaces;
    const l = r.config.ports;
    const i = m.findIndex((x) => x.port === port);
    if (i >= 0) m.splice(i, 1);
    const j = l.findIndex((x) => x.port === port);
    if (j >= 0) l.splice(j, 1);
    return i >= 0 || j >= 0;
  }

  // Sets the fabric mode of switch 'name' live and remembers it.
  setMode(name: string, mode: SwitchConfig['mode']): void {
    const r = this.running.find((x) => x.config.name === name);
    if (r === undefined) throw new Error(`no switch named ${name}`);
    r.sw.setMode(mode);
    r.config.mode = mode;
    this.state?.configChanged();
  }

  // Tells the state store that a switch's configuration was changed in
  // place (e.g. its controllers); a no-op without a store.
  recordChange(): void {
    this.state?.configChanged();
  }

  // The OpenFlow configuration of switch 'name' (the defaults when it has
  // none) and its connections' live status (undefined: no OpenFlow side).
  getControllers(name: string): { config: OpenflowConfig; status?: ManagerStatus } {
    const r = this.running.find((x) => x.config.name === name);
    if (r === undefined) throw new Error(`no switch named ${name}`);
    return { config: r.config.openflow ?? buildOpenflowConfig({}), status: r.openflow?.manager.status() };
  }

  // Changes the controllers, listeners, protocols and/or fail mode of
  // switch 'name' live (agent/bridge-openflow.ts) and records them; one
  // change at a time.  Throws with nothing changed on a bad target.
  setControllers(name: string, change: Partial<Pick<OpenflowConfig, 'controllers' | 'listeners' | 'protocols' | 'failMode'>>): Promise<OpenflowConfig> {
    const run = async (): Promise<OpenflowConfig> => {
      const r = this.running.find((x) => x.config.name === name);
      if (r === undefined) throw new Error(`no switch named ${name}`);
      const next: OpenflowConfig = { ...(r.config.openflow ?? buildOpenflowConfig({})), ...change };
      checkOpenflowTargets(next);
      // What runs is recorded, also after a listener failed to bind.
      const record = (): OpenflowConfig => {
        const m = r.openflow?.manager.config;
        r.config.openflow = m === undefined ? next : { ...next, controllers: m.targets, listeners: m.listeners, protocols: m.protocols };
        this.state?.configChanged();
        return r.config.openflow;
      };
      try {
        r.openflow = await reconfigureBridgeOpenflow(r.openflow, name, r.sw, r.config.logic, next, this.config.rundir, this.log, r.config.logicConfig);
      } catch (e) {
        if (r.openflow !== undefined) record();
        throw e;
      }
      return record();
    };
    const done = this.openflowChanges.then(run, run);
    this.openflowChanges = done.catch(() => undefined);
    return done;
  }

  setFailMode(name: string, failMode: OpenflowConfig['failMode']): Promise<OpenflowConfig> {
    return this.setControllers(name, { failMode });
  }

  // The running switches, in creation order.
  switches(): readonly RunningSwitch[] {
    return this.running;
  }

  findSwitch(name: string): RunningSwitch | undefined {
    return this.running.find((r) => r.config.name === name);
  }

  // Creates, starts and listens a switch while running; throws
  // SwitchExistsError for a taken name or socket, else the start error,
  // with nothing left behind.
  addSwitch(c: SwitchConfig): RunningSwitch {
    if (this.stopped) throw new Error('the daemon is stopping');
    const clash = this.running.find((r) => r.config.name === c.name || r.config.memif.socket === c.memif.socket);
    if (clash !== undefined) throw new SwitchExistsError(`switch ${c.name} already exists`);
    const before = this.running.length;
    try {
      this.startSwitch(c);
    } catch (e) {
      for (const r of this.running.splice(before)) this.closeSwitch(r);
      throw e;
    }
    this.state?.configChanged();
    return this.running[this.running.length - 1];
  }

  // Closes the switch 'name' and removes its socket; false when there is
  // no such switch.
  removeSwitch(name: string): boolean {
    const i = this.running.findIndex((r) => r.config.name === name);
    if (i < 0) return false;
    const [r] = this.running.splice(i, 1);
    this.closeSwitch(r);
    this.state?.configChanged();
    this.log.info({ event: 'switch-removed', switch: name }, `${name}: removed`);
    return true;
  }

  // Swaps the logic of switch 'name' live and remembers it.
  setLogic(name: string, logic: string, logicConfig?: string): void {
    const r = this.running.find((x) => x.config.name === name);
    if (r === undefined) throw new Error(`no switch named ${name}`);
    if (logicConfig === undefined) r.sw.setLogic(logic);
    else r.sw.setLogic(logic, logicConfig);
    r.config.logic = logic;
    r.config.logicConfig = logicConfig;
    // The tables started empty (or went away): recapture, then save.
    this.state?.flowsChanged(name);
    this.state?.configChanged();
    this.log.info({ event: 'logic-set', switch: name, logic }, `${name}: logic is now ${logic}`);
  }

  private closeSwitch(r: Running): void {
    stopOpenflowNow(r);
    try {
      r.sw.close();
    } finally {
      if (r.listening) removeSocketFile(r.config.memif.socket);
    }
  }

  // Stops the services (last started first), then everything stop() does.
  async shutdown(): Promise<boolean> {
    let clean = true;
    for (const svc of this.startedServices.splice(0).reverse()) {
      try {
        await svc.stop();
      } catch (e) {
        clean = false;
        this.log.error({ event: 'stop-error', err: e }, `stopping ${svc.name}: ${(e as Error).message}`);
      }
    }
    // Pending flow changes are written while the switches still hold them.
    this.state?.flush();
    for (const r of this.running) {
      try {
        await r.openflow?.stop();
      } catch (e) {
        clean = false;
        this.log.error({ event: 'stop-error', err: e }, `stopping OpenFlow of ${r.config.name}: ${(e as Error).message}`);
      }
      r.openflow = undefined;
    }
    return this.stop() && clean;
  }

  // Closes every switch, removes the sockets and the pid file.  Returns
  // true when every step succeeded.  Safe to call more than once.
  stop(): boolean {
    if (this.stopped) return true;
    this.stopped = true;
    let clean = true;
    const attempt = (what: string, fn: () => void): void => {
      try {
        fn();
      } catch (e) {
        clean = false;
        this.log.error({ event: 'stop-error', err: e }, `${what}: ${(e as Error).message}`);
      }
    };
    for (const r of [...this.running].reverse()) {
      // Normally shutdown() stopped it already; the agent must never touch a closed switch.
      if (r.openflow !== undefined) attempt(`stopping OpenFlow of ${r.config.name}`, () => stopOpenflowNow(r));
      attempt(`closing switch ${r.config.name}`, () => r.sw.close());
      if (r.listening) attempt(`removing ${r.config.memif.socket}`, () => removeSocketFile(r.config.memif.socket));
    }
    this.running = [];
    if (this.pidFileHeld) attempt(`removing ${this.pidFile}`, () => releasePidFile(this.pidFile));
    this.pidFileHeld = false;
    return clean;
  }

  // Runs until SIGINT or SIGTERM, then stops.  Resolves the process exit
  // code: 0 after a clean stop, 1 otherwise.
  runUntilSignal(): Promise<number> {
    return new Promise((resolve) => {
      const keepAlive = setInterval(() => undefined, 1 << 30);
      let handled = false;
      // A second signal while stopping is ignored rather than left to the
      // default action, which would kill us half way through.
      const onSignal = (signal: NodeJS.Signals): void => {
        if (handled) return;
        handled = true;
        clearInterval(keepAlive);
        this.log.info({ event: 'stopping', signal }, `${signal}: shutting down`);
        void this.shutdown().then((clean) => {
          this.log.info({ event: 'stopped', clean }, clean ? 'mswitch stopped' : 'mswitch stopped with errors');
          resolve(clean ? 0 : 1);
        });
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
  }
}
