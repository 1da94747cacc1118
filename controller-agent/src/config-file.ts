// Reads a configuration file: YAML (.yaml, .yml) or JSON whose shape
// mirrors Config (config.ts) with every key optional.  The document is
// validated against openapi/config-file.schema.yaml, whose values are the
// REST API's own schemas (config-schema.ts); this module then turns it
// into a FileConfig and checks what a schema cannot say (tap-only
// options).  Defaults, the environment and command-line overrides are
// applied by buildConfig.  Errors name the file and the key:
//   /etc/mswitch.json: switches[0].wokers: unknown key (allowed here: ...)
import { readFileSync } from 'fs';
import { parse as parseYaml } from 'yaml';

import { ConfigError } from './config-check';
import { validateConfigDocument } from './config-schema';
import type { FabricMode } from './datapath';
import { parseOpenflowKeys } from './agent/openflow-config';
import type { OpenflowFileConfig } from './agent/openflow-config';
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

// The document has passed the schema: values have their types and
// ranges, so what follows converts and checks only what spans keys.

type Doc = Record<string, unknown>;

function parseInterface(o: Doc): MemifInterfaceFileConfig {
  return {
    id: o.id as number,
    name: o.name as string | undefined,
    port: o.port as number | undefined,
    secret: o.secret as string | undefined,
    worker: o.worker as number | undefined,
  };
}

// One entry of switches[i].ports: an interface to attach (type detected,
// or afxdp / afpacket) or a TAP to create (type tap, ifname optional).
function parseLinuxPort(o: Doc, path: string): LinuxPortSpec {
  const spec = { ...o } as LinuxPortSpec;
  if (spec.type !== 'tap') {
    if (spec.ifname === undefined) throw new ConfigError(`${path}.ifname`, `is required for a ${spec.type ?? 'detected'} port (only type tap may leave it out)`);
    for (const k of ['mac', 'mtu', 'up'] as const) {
      if (spec[k] !== undefined) throw new ConfigError(`${path}.${k}`, 'is an option of a tap port only');
    }
  }
  return spec;
}

function parseMemif(o: Doc): MemifFileConfig {
  return {
    socket: o.socket as string | undefined,
    abstract: o.abstract as boolean | undefined,
    autoCreate: o.autoCreate as boolean | undefined,
    secret: o.secret as string | undefined,
    interfaces: (o.interfaces as Doc[] | undefined)?.map(parseInterface),
  };
}

function parseSwitch(o: Doc, path: string): SwitchFileConfig {
  return {
    name: o.name as string,
    logic: o.logic as string | undefined,
    logicConfig: o.logicConfig as string | undefined,
    workers: o.workers as number | undefined,
    batchSize: o.batchSize as number | undefined,
    mode: o.mode as FabricMode | undefined,
    idlePolls: o.idlePolls as number | undefined,
    idleSpinUs: o.idleSpinUs as number | undefined,
    memif: o.memif === undefined ? undefined : parseMemif(o.memif as Doc),
    ports: (o.ports as Doc[] | undefined)?.map((p, i) => parseLinuxPort(p, `${path}.ports[${i}]`)),
    ...(o.flowRestore !== undefined && { flowRestore: o.flowRestore as boolean }),
    ...parseOpenflowKeys(o, path),
  };
}

// Checks a parsed document; keys are reported from the top
// ("switches[1].mode").
export function parseConfigDocument(doc: unknown): FileConfig {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError('(document)', 'must be a JSON object (a YAML mapping)');
  }
  validateConfigDocument(doc);
  const o = doc as Doc;
  const api = o.api as Doc | undefined;
  return {
    rundir: o.rundir as string | undefined,
    statedir: o.statedir as string | undefined,
    api: api === undefined ? undefined : { listen: api.listen as string | undefined, token: api.token as string | undefined },
    switches: (o.switches as Doc[] | undefined)?.map((s, i) => parseSwitch(s, `switches[${i}]`)),
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
  const yaml = /\.ya?ml$/i.test(path);
  try {
    doc = yaml ? parseYaml(text, { prettyErrors: true }) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError('(file)', `not valid ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message}`, path);
  }
  try {
    return parseConfigDocument(doc);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.key, e.detail, path);
    throw e;
  }
}
