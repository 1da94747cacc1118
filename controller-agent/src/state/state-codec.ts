// The daemon's state in memory, and its protobuf form (state.proto through
// the generated code in ./generated, see `npm run proto:gen`).
//
// What?  DaemonState is what the daemon restores: each switch's
// SwitchConfig (config.ts), with the ports it gained while running already
// folded in, and, when the switch has flow restore on, its flows, groups
// and meters as native control lines.  encodeState/decodeState turn it
// into the State message's bytes and back.
//
// Versioning.  STATE_VERSION is written into every file.  A file of an
// older version decodes with today's code (fields are only added); a
// newer one is refused with StateVersionError and left where it is: this
// code would drop what it does not know on its next write.  A payload
// that does not decode, or decodes to values no configuration can hold,
// is a StateCorruptError.
//
// Thread-safety: pure functions.
import type { OpenflowConfig } from '../agent/openflow-config';
import type { FailMode } from '../agent/fail-mode';
import { FAIL_MODES } from '../agent/fail-mode';
import type { SwitchConfig } from '../config';
import { FABRIC_MODES, LIMITS, NAME_PATTERNS } from '../config-limits';
import type { FabricMode } from '../datapath';
import { LINUX_PORT_TYPES } from '../linux-ports';
import type { LinuxPortSpec, LinuxPortType } from '../linux-ports';
import { mswitch } from './generated/state';
import { StateCorruptError } from './state-file';

import pb = mswitch.state;

export const STATE_VERSION = 1;

/** Flows, groups and meters as the openflow logic's native add lines. */
export interface SavedFlows {
  meters: string[];
  groups: string[];
  flows: string[];
}

export interface SwitchState {
  config: SwitchConfig;
  flows?: SavedFlows;
}

export interface DaemonState {
  savedAtMs: number;
  switches: SwitchState[];
}

/** The file was written by a newer mswitch. */
export class StateVersionError extends Error {
  constructor(readonly path: string, readonly version: number) {
    super(`state file ${path} has format version ${version}, newer than this mswitch understands (${STATE_VERSION}); `
      + 'refusing to start rather than lose what it holds: run the newer mswitch, or move the file away to start from the configuration');
    this.name = 'StateVersionError';
  }
}

// Proto3 leaves unset optional fields out of the decoded object (or null in
// some generated paths): both read as undefined here.
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
const dropUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function openflowToPb(o: OpenflowConfig): pb.OpenFlow.$Properties {
  return {
    controllers: o.controllers,
    listeners: o.listeners,
    failMode: o.failMode,
    protocols: o.protocols,
    ...(o.datapathId !== undefined && { datapathId: o.datapathId.toString(16).padStart(16, '0') }),
    inactivityProbeMs: o.inactivityProbeMs,
    failWindowMs: o.failWindowMs,
    ...(o.tls !== undefined && { tls: { ...o.tls } }),
  };
}

function switchToPb(s: SwitchState): pb.Switch.$Properties {
  const c = s.config;
  return {
    name: c.name,
    logic: c.logic,
    ...(c.logicConfig !== undefined && { logicConfig: c.logicConfig }),
    workers: c.workers,
    batchSize: c.batchSize,
    mode: c.mode,
    ...(c.idlePolls !== undefined && { idlePolls: c.idlePolls }),
    ...(c.idleSpinUs !== undefined && { idleSpinUs: c.idleSpinUs }),
    memif: {
      socket: c.memif.socket,
      abstract: c.memif.abstract,
      autoCreate: c.memif.autoCreate,
      ...(c.memif.secret !== undefined && { secret: c.memif.secret }),
      interfaces: c.memif.interfaces.map((i) => dropUndefined({ ...i })),
    },
    ports: c.ports.map((p) => dropUndefined({ ...p })),
    ...(c.openflow !== undefined && { openflow: openflowToPb(c.openflow) }),
    flowRestore: c.flowRestore ?? true,
    ...(s.flows !== undefined && { flows: s.flows }),
  };
}

export function encodeState(state: DaemonState): Uint8Array {
  return pb.State.encode({ version: STATE_VERSION, savedAtMs: state.savedAtMs, switches: state.switches.map(switchToPb) }).finish();
}

// Checks on decoded values: the file passed its checksum, so a bad value
// here means a writer bug or a hand-edited file; either way it is refused
// with the field named rather than handed to the datapath.
function need(ok: boolean, path: string, at: string, what: string): void {
  if (!ok) throw new StateCorruptError(path, `${at}: ${what}`);
}

function openflowFromPb(o: pb.OpenFlow.$Properties, path: string, at: string): OpenflowConfig {
  const failMode = o.failMode ?? '';
  need((FAIL_MODES as readonly string[]).includes(failMode), path, `${at}.failMode`, `unknown fail mode ${JSON.stringify(failMode)}`);
  const dpid = opt(o.datapathId);
  need(dpid === undefined || /^[0-9a-f]{16}$/.test(dpid), path, `${at}.datapathId`, `not 16 hex digits: ${JSON.stringify(dpid)}`);
  const out: OpenflowConfig = {
    controllers: [...(o.controllers ?? [])],
    listeners: [...(o.listeners ?? [])],
    failMode: failMode as FailMode,
    protocols: [...(o.protocols ?? [])],
    ...(dpid !== undefined && { datapathId: BigInt(`0x${dpid}`) }),
    inactivityProbeMs: o.inactivityProbeMs ?? 0,
    failWindowMs: o.failWindowMs ?? 0,
  };
  const tls = opt(o.tls);
  if (tls !== undefined) {
    for (const k of ['key', 'cert', 'ca'] as const) need((tls[k] ?? '') !== '', path, `${at}.tls.${k}`, 'missing');
    out.tls = { key: tls.key as string, cert: tls.cert as string, ca: tls.ca as string };
  }
  return out;
}

function portFromPb(p: pb.LinuxPort.$Properties, path: string, at: string): LinuxPortSpec {
  const type = opt(p.type);
  need(type === undefined || (LINUX_PORT_TYPES as readonly string[]).includes(type), path, `${at}.type`, `unknown port type ${JSON.stringify(type)}`);
  return dropUndefined({
    ifname: opt(p.ifname), type: type as LinuxPortType | undefined, name: opt(p.name), port: opt(p.port),
    worker: opt(p.worker), mac: opt(p.mac), mtu: opt(p.mtu), up: opt(p.up),
  });
}

function switchFromPb(s: pb.Switch.$Properties, path: string, at: string): SwitchState {
  const name = s.name ?? '';
  need(NAME_PATTERNS.bridge.test(name), path, `${at}.name`, `not a bridge name: ${JSON.stringify(name)}`);
  need(NAME_PATTERNS.logic.test(s.logic ?? ''), path, `${at}.logic`, `not a logic name: ${JSON.stringify(s.logic)}`);
  need((FABRIC_MODES as readonly string[]).includes(s.mode ?? ''), path, `${at}.mode`, `unknown fabric mode ${JSON.stringify(s.mode)}`);
  const workers = s.workers ?? 0;
  need(workers >= 1 && workers <= LIMITS.workersMax, path, `${at}.workers`, `${workers} is outside 1..${LIMITS.workersMax}`);
  const batch = s.batchSize ?? 0;
  need(batch >= 1 && batch <= LIMITS.batchMax, path, `${at}.batchSize`, `${batch} is outside 1..${LIMITS.batchMax}`);
  const m = opt(s.memif);
  need(m !== undefined && (m.socket ?? '') !== '', path, `${at}.memif.socket`, 'missing');
  const memif = m as pb.Memif.$Properties;
  const config: SwitchConfig = {
    name,
    logic: s.logic as string,
    logicConfig: opt(s.logicConfig),
    workers,
    batchSize: batch,
    mode: s.mode as FabricMode,
    idlePolls: opt(s.idlePolls),
    idleSpinUs: opt(s.idleSpinUs),
    memif: {
      socket: memif.socket as string,
      abstract: memif.abstract ?? false,
      autoCreate: memif.autoCreate ?? false,
      secret: opt(memif.secret),
      interfaces: (memif.interfaces ?? []).map((i) => dropUndefined({
        id: i.id ?? 0, name: opt(i.name), port: opt(i.port), secret: opt(i.secret), worker: opt(i.worker),
      })),
    },
    ports: (s.ports ?? []).map((p, j) => portFromPb(p, path, `${at}.ports[${j}]`)),
    flowRestore: s.flowRestore ?? false,
  };
  const of = opt(s.openflow);
  if (of !== undefined) config.openflow = openflowFromPb(of, path, `${at}.openflow`);
  const f = opt(s.flows);
  const flows = f === undefined ? undefined : { meters: [...(f.meters ?? [])], groups: [...(f.groups ?? [])], flows: [...(f.flows ?? [])] };
  return flows === undefined ? { config } : { config, flows };
}

/** The state in 'payload', read from 'path' (named in errors). */
export function decodeState(payload: Uint8Array, path: string): DaemonState {
  let msg: pb.State;
  try {
    msg = pb.State.decode(payload);
  } catch (e) {
    throw new StateCorruptError(path, `the payload does not decode as a State message: ${(e as Error).message}`);
  }
  if (msg.version === 0) throw new StateCorruptError(path, 'no format version');
  if (msg.version > STATE_VERSION) throw new StateVersionError(path, msg.version);
  return {
    savedAtMs: msg.savedAtMs,
    switches: msg.switches.map((s, i) => switchFromPb(s, path, `switches[${i}]`)),
  };
}
