// The daemon's configuration: what it is, its built-in default, and how
// the sources are merged.
//
// Built-in default: one switch 'br0' running 'l2-learning' on 1 worker,
// batches of 256, mSwitch fabric mode, a memif master socket at
// <rundir>/br0.memif (also listening on the same name in the abstract
// namespace, which is what DPDK's net_memif dials by default) that creates
// a port for any client id it does not know.  Run directory
// $MSWITCH_RUNDIR or /run/mswitch; state directory $MSWITCH_STATEDIR or
// /var/lib/mswitch.  REST API: the unix socket <rundir>/mswitch.sock,
// and TCP at --api-listen, $MSWITCH_API_LISTEN or api.listen (HOST:PORT or
// none; default 127.0.0.1:8080) with the bearer token $MSWITCH_API_TOKEN or
// api.token.
//
// Precedence, highest first: command-line flags, environment variables,
// the config file (--config FILE, JSON or YAML, see config-file.ts), the built-in
// default.  Switch-level flags (--workers, --batch, --mode, --logic,
// --memif-ports) apply to every switch; --bridge renames the one switch of
// a single-switch configuration.  The result is checked as a whole
// (unique names, sockets, ids and ports; workers in range) and every error
// names the key or flag at fault.
import { resolve as resolvePath } from 'path';

import { buildOpenflowConfig, hasControllers } from './agent/openflow-config';
import type { OpenflowConfig, OpenflowOverrides } from './agent/openflow-config';
import { ConfigError, checkEnum, checkInt, checkString } from './config-check';
import type { FileConfig, MemifInterfaceFileConfig, SwitchFileConfig } from './config-file';
import { FABRIC_MODES, LIMITS, NAME_PATTERNS } from './config-limits';
import type { FabricMode } from './datapath';
import type { LinuxPortSpec } from './linux-ports';

export interface MemifInterfaceConfig {
  id: number;
  name?: string;
  port?: number;
  secret?: string;
  worker?: number;
}

export interface MemifConfig {
  socket: string;          // absolute path of the master socket
  abstract: boolean;       // also listen on "\0" + socket
  autoCreate: boolean;     // unknown client ids get a new port
  secret?: string;         // secret required from auto-created ports
  interfaces: MemifInterfaceConfig[];  // created at start, in this order
}

export interface SwitchConfig {
  name: string;
  logic: string;
  logicConfig?: string;
  workers: number;
  batchSize: number;
  mode: FabricMode;
  idlePolls?: number;      // unset: the datapath's default
  idleSpinUs?: number;     // unset: the datapath's default (50 µs of polling after the last frame)
  memif: MemifConfig;
  ports: LinuxPortSpec[];  // Linux ports attached at start, in this order (linux-ports.ts)
  // Controllers, listeners, fail mode... (agent/openflow-config.ts); absent
  // for switches added without one (REST): no OpenFlow agent then.
  openflow?: OpenflowConfig;
  // Whether its flows, groups and meters are saved in the state file and
  // replayed on restart (state/; unset: true).
  flowRestore?: boolean;
}

// The REST API: always on <rundir>/mswitch.sock, and on TCP at 'listen'
// unless it is undefined ('none').  'token' authorizes mutating TCP calls.
export interface ApiConfig {
  listen?: { host: string; port: number };
  token?: string;
}

export interface Config {
  rundir: string;
  statedir: string;
  api: ApiConfig;
  switches: SwitchConfig[];
}

export const DEFAULTS = {
  rundir: '/run/mswitch',
  statedir: '/var/lib/mswitch',
  bridge: 'br0',
  logic: 'l2-learning',
  workers: 1,
  batchSize: 256,
  mode: 'mswitch' as FabricMode,
  abstract: true,
  autoCreate: true,
  apiListen: '127.0.0.1:8080',
} as const;

export const API_SOCKET_NAME = 'mswitch.sock';
export const apiSocketPath = (rundir: string): string => resolvePath(rundir, API_SOCKET_NAME);

// Parses an API listen address: 'HOST:PORT' (IPv6 as '[::1]:8080') or
// 'none'; 'key' names the flag or config key for the error.
export function parseListen(text: string, key: string): ApiConfig['listen'] {
  if (text === 'none') return undefined;
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port > 65535) {
    throw new ConfigError(key, `must be HOST:PORT (port 0..65535, 0 for any free port) or none, got ${JSON.stringify(text)}`);
  }
  return { host: m[1] ?? m[2], port };
}

// What the command line may override; values are unchecked here.
export interface ConfigOverrides {
  rundir?: string;
  workers?: number;
  batchSize?: number;
  mode?: string;
  logic?: string;
  memifPorts?: number;
  bridge?: string;
  apiListen?: string;
  openflow?: OpenflowOverrides;   // --controller, --listen, --fail-mode, --protocols, --datapath-id
}

export interface BuildConfigInput {
  file?: FileConfig;
  overrides?: ConfigOverrides;
  env?: NodeJS.ProcessEnv;   // default process.env
}

export const memifSocketPath = (rundir: string, bridge: string): string => resolvePath(rundir, `${bridge}.memif`);

// The first non-empty value of the environment variable 'name'.
const fromEnv = (env: NodeJS.ProcessEnv, name: string): string | undefined =>
  env[name] === undefined || env[name] === '' ? undefined : env[name];

// Checks the command-line overrides, naming each flag.
function checkOverrides(o: ConfigOverrides): ConfigOverrides {
  return {
    rundir: o.rundir === undefined ? undefined : checkString(o.rundir, '--rundir', { nonEmpty: true }),
    workers: o.workers === undefined ? undefined : checkInt(o.workers, '--workers', 1, LIMITS.workersMax),
    batchSize: o.batchSize === undefined ? undefined : checkInt(o.batchSize, '--batch', 1, LIMITS.batchMax),
    mode: o.mode === undefined ? undefined : checkEnum(o.mode, '--mode', FABRIC_MODES),
    logic: o.logic === undefined ? undefined
      : checkString(o.logic, '--logic', { pattern: NAME_PATTERNS.logic, what: 'a logic name' }),
    memifPorts: o.memifPorts === undefined ? undefined : checkInt(o.memifPorts, '--memif-ports', 0, LIMITS.memifPortsMax),
    bridge: o.bridge === undefined ? undefined
      : checkString(o.bridge, '--bridge', { pattern: NAME_PATTERNS.bridge, what: 'a bridge name (1..15 of A-Z a-z 0-9 _ . -)' }),
    apiListen: o.apiListen === undefined ? undefined : checkString(o.apiListen, '--api-listen', { nonEmpty: true }),
    openflow: o.openflow,
  };
}

// The file's interfaces, then ids 0..memifPorts-1 that it did not list.
function interfacesFor(listed: MemifInterfaceFileConfig[], memifPorts: number): MemifInterfaceConfig[] {
  const out = listed.map((i) => ({ ...i }));
  const have = new Set(out.map((i) => i.id));
  for (let id = 0; id < memifPorts; id++) if (!have.has(id)) out.push({ id });
  return out;
}

function buildSwitch(s: SwitchFileConfig, rundir: string, o: ConfigOverrides): SwitchConfig {
  const memif = s.memif ?? {};
  const openflow = buildOpenflowConfig(s, o.openflow);
  // A switch given controllers runs the flow tables unless told otherwise.
  const logic = o.logic ?? s.logic ?? (hasControllers(openflow) ? 'openflow' : DEFAULTS.logic);
  return {
    name: s.name,
    logic,
    logicConfig: s.logicConfig,
    workers: o.workers ?? s.workers ?? DEFAULTS.workers,
    batchSize: o.batchSize ?? s.batchSize ?? DEFAULTS.batchSize,
    mode: (o.mode as FabricMode | undefined) ?? s.mode ?? DEFAULTS.mode,
    idlePolls: s.idlePolls,
    idleSpinUs: s.idleSpinUs,
    memif: {
      socket: memif.socket === undefined ? memifSocketPath(rundir, s.name) : resolvePath(rundir, memif.socket),
      abstract: memif.abstract ?? DEFAULTS.abstract,
      autoCreate: memif.autoCreate ?? DEFAULTS.autoCreate,
      secret: memif.secret,
      interfaces: interfacesFor(memif.interfaces ?? [], o.memifPorts ?? 0),
    },
    ports: (s.ports ?? []).map((p) => ({ ...p })),
    // Only a switch that speaks OpenFlow has an OpenFlow side.
    ...((/^openflow/.test(logic) || hasControllers(openflow)) && { openflow }),
    ...(s.flowRestore !== undefined && { flowRestore: s.flowRestore }),
  };
}

// Whole-configuration rules that no single value can break alone.
function checkConsistency(cfg: Config): void {
  const names = new Set<string>();
  const sockets = new Map<string, string>();
  cfg.switches.forEach((sw, i) => {
    const at = `switches[${i}]`;
    if (names.has(sw.name)) throw new ConfigError(`${at}.name`, `duplicate switch name "${sw.name}"`);
    names.add(sw.name);
    const other = sockets.get(sw.memif.socket);
    if (other !== undefined) {
      throw new ConfigError(`${at}.memif.socket`, `${sw.memif.socket} is already the socket of switch "${other}"`);
    }
    sockets.set(sw.memif.socket, sw.name);
    if (Buffer.byteLength(sw.memif.socket) > LIMITS.socketPathMaxBytes) {
      throw new ConfigError(`${at}.memif.socket`,
        `${sw.memif.socket} is longer than a unix socket path may be (${LIMITS.socketPathMaxBytes} bytes); choose a shorter run directory`);
    }
    const ids = new Set<number>();
    const ports = new Set<number>();
    const portNames = new Set<string>();
    sw.ports.forEach((p, j) => {
      const pat = `${at}.ports[${j}]`;
      const name = p.name ?? p.ifname ?? sw.name;
      if (portNames.has(name)) throw new ConfigError(`${pat}.name`, `duplicate port name "${name}"`);
      portNames.add(name);
      if (p.port !== undefined) {
        if (ports.has(p.port)) throw new ConfigError(`${pat}.port`, `duplicate port number ${p.port}`);
        ports.add(p.port);
      }
      if (p.worker !== undefined && p.worker >= sw.workers) {
        throw new ConfigError(`${pat}.worker`, `is ${p.worker} but switch "${sw.name}" has ${sw.workers} worker(s) (0..${sw.workers - 1})`);
      }
    });
    sw.memif.interfaces.forEach((itf, j) => {
      const iat = `${at}.memif.interfaces[${j}]`;
      if (ids.has(itf.id)) throw new ConfigError(`${iat}.id`, `duplicate memif id ${itf.id}`);
      ids.add(itf.id);
      if (itf.port !== undefined) {
        if (ports.has(itf.port)) throw new ConfigError(`${iat}.port`, `duplicate port number ${itf.port}`);
        ports.add(itf.port);
      }
      if (itf.worker !== undefined && itf.worker >= sw.workers) {
        throw new ConfigError(`${iat}.worker`, `is ${itf.worker} but switch "${sw.name}" has ${sw.workers} worker(s) (0..${sw.workers - 1})`);
      }
    });
  });
}

// Merges the sources (see the essay at the top) into a checked Config.
export function buildConfig(input: BuildConfigInput = {}): Config {
  const env = input.env ?? process.env;
  const file = input.file ?? {};
  const o = checkOverrides(input.overrides ?? {});
  const rundir = resolvePath(o.rundir ?? fromEnv(env, 'MSWITCH_RUNDIR') ?? file.rundir ?? DEFAULTS.rundir);
  const statedir = resolvePath(fromEnv(env, 'MSWITCH_STATEDIR') ?? file.statedir ?? DEFAULTS.statedir);

  let switches: SwitchFileConfig[] = file.switches ?? [{ name: DEFAULTS.bridge }];
  if (switches.length === 0) throw new ConfigError('switches', 'must list at least one switch');
  if (o.bridge !== undefined) {
    if (switches.length !== 1) {
      throw new ConfigError('--bridge', `renames the only switch, but the configuration has ${switches.length}`);
    }
    switches = [{ ...switches[0], name: o.bridge }];
  }
  const api: ApiConfig = {
    listen: o.apiListen !== undefined ? parseListen(o.apiListen, '--api-listen')
      : fromEnv(env, 'MSWITCH_API_LISTEN') !== undefined ? parseListen(fromEnv(env, 'MSWITCH_API_LISTEN') as string, 'MSWITCH_API_LISTEN')
        : parseListen(file.api?.listen ?? DEFAULTS.apiListen, 'api.listen'),
    token: fromEnv(env, 'MSWITCH_API_TOKEN') ?? file.api?.token,
  };
  const cfg: Config = { rundir, statedir, api, switches: switches.map((s) => buildSwitch(s, rundir, o)) };
  checkConsistency(cfg);
  return cfg;
}
