// Reads a configuration file: JSON whose shape mirrors Config (config.ts)
// with every key optional.  This module only checks what the file says;
// defaults, the environment and command-line overrides are applied by
// buildConfig.  Errors name the file and the key:
//   /etc/mswitch.json: switches[0].wokers: unknown key (allowed here: ...)
import { readFileSync } from 'fs';

import {
  ConfigError, checkArray, checkBool, checkEnum, checkInt, checkObject, checkString,
} from './config-check';
import { FABRIC_MODES, LIMITS, NAME_PATTERNS } from './config-limits';
import type { FabricMode } from './datapath';
import { OPENFLOW_SWITCH_KEYS, parseOpenflowKeys } from './agent/openflow-config';
import type { OpenflowFileConfig } from './agent/openflow-config';
import { LINUX_PORT_TYPES } from './linux-ports';
import type { LinuxPortSpec } from './linux-ports';

export interface MemifInterfaceFileConfig {
  id: number;
  name?: string;
  port?: number;
  secret?: string;
  worker?: number;
}

export interface MemifFileConfig {
  socket?: string;         // relative paths are taken from the run directory
  abstract?: boolean;
  autoCreate?: boolean;
  secret?: string;
  interfaces?: MemifInterfaceFileConfig[];
}

export interface SwitchFileConfig extends OpenflowFileConfig {
  name: string;
  logic?: string;
  logicConfig?: string;
  workers?: number;
  batchSize?: number;
  mode?: FabricMode;
  idlePolls?: number;
  idleSpinUs?: number;
  memif?: MemifFileConfig;
  ports?: LinuxPortSpec[];   // Linux ports (afxdp, afpacket, tap), attached at start in this order
  flowRestore?: boolean;     // save flows, groups and meters in the state file (default true)
}

export interface ApiFileConfig {
  listen?: string;         // HOST:PORT or none
  token?: string;          // bearer token for mutating TCP calls
}

export interface FileConfig {
  rundir?: string;
  statedir?: string;
  api?: ApiFileConfig;
  switches?: SwitchFileConfig[];
}

const TOP_KEYS = ['rundir', 'statedir', 'switches', 'api'] as const;
const API_KEYS = ['listen', 'token'] as const;
const SWITCH_KEYS = ['name', 'logic', 'logicConfig', 'workers', 'batchSize', 'mode', 'idlePolls', 'idleSpinUs', 'memif', 'ports', 'flowRestore', ...OPENFLOW_SWITCH_KEYS] as const;
const PORT_KEYS = ['ifname', 'type', 'name', 'port', 'worker', 'mac', 'mtu', 'up'] as const;
const MEMIF_KEYS = ['socket', 'abstract', 'autoCreate', 'secret', 'interfaces'] as const;
const INTERFACE_KEYS = ['id', 'name', 'port', 'secret', 'worker'] as const;

// Copies 'key' from 'obj' through 'check' when it is present.
function opt<T>(obj: Record<string, unknown>, key: string, path: string, check: (v: unknown, k: string) => T): T | undefined {
  return obj[key] === undefined ? undefined : check(obj[key], `${path}.${key}`);
}

export const checkSecret = (v: unknown, k: string): string =>
  checkString(v, k, { pattern: LIMITS.secretPattern, what: `1..${LIMITS.secretBytes} printable ASCII characters` });

function parseInterface(value: unknown, path: string): MemifInterfaceFileConfig {
  const o = checkObject(value, path, INTERFACE_KEYS);
  if (o.id === undefined) throw new ConfigError(`${path}.id`, 'is required');
  return {
    id: checkInt(o.id, `${path}.id`, 0, LIMITS.memifIdMax),
    name: opt(o, 'name', path, (v, k) => checkString(v, k, { pattern: NAME_PATTERNS.port, what: 'a port name (1..31 of A-Z a-z 0-9 _ . : -)' })),
    port: opt(o, 'port', path, (v, k) => checkInt(v, k, 1, LIMITS.portMax)),
    secret: opt(o, 'secret', path, checkSecret),
    worker: opt(o, 'worker', path, (v, k) => checkInt(v, k, 0, LIMITS.workersMax - 1)),
  };
}

// One entry of switches[i].ports: an interface to attach (type detected,
// or afxdp / afpacket) or a TAP to create (type tap, ifname optional).
function parseLinuxPort(value: unknown, path: string): LinuxPortSpec {
  const o = checkObject(value, path, PORT_KEYS);
  const spec: LinuxPortSpec = {
    ifname: opt(o, 'ifname', path, (v, k) => checkString(v, k, { pattern: NAME_PATTERNS.ifname, what: 'an interface name (1..15 characters, no / or space)' })),
    type: opt(o, 'type', path, (v, k) => checkEnum(v, k, LINUX_PORT_TYPES)),
    name: opt(o, 'name', path, (v, k) => checkString(v, k, { pattern: NAME_PATTERNS.port, what: 'a port name (1..31 of A-Z a-z 0-9 _ . : -)' })),
    port: opt(o, 'port', path, (v, k) => checkInt(v, k, 1, LIMITS.portMax)),
    worker: opt(o, 'worker', path, (v, k) => checkInt(v, k, 0, LIMITS.workersMax - 1)),
    mac: opt(o, 'mac', path, (v, k) => checkString(v, k, { pattern: NAME_PATTERNS.mac, what: 'a MAC address aa:bb:cc:dd:ee:ff' })),
    mtu: opt(o, 'mtu', path, (v, k) => checkInt(v, k, 68, LIMITS.tapMtuMax)),
    up: opt(o, 'up', path, checkBool),
  };
  if (spec.type !== 'tap') {
    if (spec.ifname === undefined) throw new ConfigError(`${path}.ifname`, `is required for a ${spec.type ?? 'detected'} port (only type tap may leave it out)`);
    for (const k of ['mac', 'mtu', 'up'] as const) {
      if (spec[k] !== undefined) throw new ConfigError(`${path}.${k}`, 'is an option of a tap port only');
    }
  }
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as LinuxPortSpec;
}

function parseMemif(value: unknown, path: string): MemifFileConfig {
  const o = checkObject(value, path, MEMIF_KEYS);
  return {
    socket: opt(o, 'socket', path, (v, k) => checkString(v, k, { nonEmpty: true })),
    abstract: opt(o, 'abstract', path, checkBool),
    autoCreate: opt(o, 'autoCreate', path, checkBool),
    secret: opt(o, 'secret', path, checkSecret),
    interfaces: opt(o, 'interfaces', path, (v, k) => checkArray(v, k).map((x, i) => parseInterface(x, `${k}[${i}]`))),
  };
}

function parseSwitch(value: unknown, path: string): SwitchFileConfig {
  const o = checkObject(value, path, SWITCH_KEYS);
  if (o.name === undefined) throw new ConfigError(`${path}.name`, 'is required');
  return {
    name: checkString(o.name, `${path}.name`, { pattern: NAME_PATTERNS.bridge, what: 'a bridge name (1..15 of A-Z a-z 0-9 _ . -, not starting with . _ or -)' }),
    logic: opt(o, 'logic', path, (v, k) => checkString(v, k, { pattern: NAME_PATTERNS.logic, what: 'a logic name' })),
    logicConfig: opt(o, 'logicConfig', path, (v, k) => checkString(v, k)),
    workers: opt(o, 'workers', path, (v, k) => checkInt(v, k, 1, LIMITS.workersMax)),
    batchSize: opt(o, 'batchSize', path, (v, k) => checkInt(v, k, 1, LIMITS.batchMax)),
    mode: opt(o, 'mode', path, (v, k) => checkEnum(v, k, FABRIC_MODES)),
    idlePolls: opt(o, 'idlePolls', path, (v, k) => checkInt(v, k, 1, LIMITS.idlePollsMax)),
    idleSpinUs: opt(o, 'idleSpinUs', path, (v, k) => checkInt(v, k, 0, LIMITS.idleSpinUsMax)),
    memif: opt(o, 'memif', path, parseMemif),
    ports: opt(o, 'ports', path, (v, k) => checkArray(v, k).map((x, i) => parseLinuxPort(x, `${k}[${i}]`))),
    flowRestore: opt(o, 'flowRestore', path, checkBool),
    ...parseOpenflowKeys(o, path),
  };
}

function parseApi(value: unknown, path: string): ApiFileConfig {
  const o = checkObject(value, path, API_KEYS);
  return {
    listen: opt(o, 'listen', path, (v, k) => checkString(v, k, { nonEmpty: true })),
    token: opt(o, 'token', path, (v, k) => checkString(v, k, { pattern: /^[\x21-\x7e]{16,256}$/, what: '16..256 printable ASCII characters' })),
  };
}

// Checks a parsed JSON document; keys are reported from the top
// ("switches[1].mode").
export function parseConfigDocument(doc: unknown): FileConfig {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError('(document)', 'must be a JSON object');
  }
  const o = checkObject(doc, '', TOP_KEYS);
  return {
    rundir: o.rundir === undefined ? undefined : checkString(o.rundir, 'rundir', { nonEmpty: true }),
    statedir: o.statedir === undefined ? undefined : checkString(o.statedir, 'statedir', { nonEmpty: true }),
    api: o.api === undefined ? undefined : parseApi(o.api, 'api'),
    switches: o.switches === undefined ? undefined
      : checkArray(o.switches, 'switches').map((s, i) => parseSwitch(s, `switches[${i}]`)),
  };
}

// Reads and checks the file at 'path'.  Every error carries the path.
export function readConfigFile(path: string): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('(file)', `cannot read: ${(e as Error).message}`, path);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('(file)', `not valid JSON: ${(e as Error).message}`, path);
  }
  try {
    return parseConfigDocument(doc);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.key, e.detail, path);
    throw e;
  }
}
