// The REST API's operations, one method per operationId of
// openapi/openapi.yaml (fastify-openapi-glue binds them by that name).
//
// Requests arrive here already validated against the spec: types, ranges,
// patterns, sizes, no unknown field.  What is left is what only the
// running daemon knows (does the switch exist, is the memif id taken) and
// the datapath's own refusals, each turned into a registry code
// (errors.ts).  Handlers run on the JS thread; the native calls they make
// are control calls that never wait for the packet path.
import type { FastifyReply, FastifyRequest } from 'fastify';

import { memifSocketPath } from '../config';
import type { SwitchConfig } from '../config';
import { DEFAULTS } from '../config';
import { LIMITS } from '../config-limits';
import type { Daemon, RunningSwitch } from '../daemon';
import { SwitchExistsError } from '../daemon';
import { logics } from '../datapath';
import type { LinuxPortSpec } from '../linux-ports';
import type { ControllerQueueStats, FabricMode, MemifInterfaceOptions, PortInfo } from '../datapath';
import { DROP_SIDES } from '../metrics/collector';
import { packageVersion } from '../version';
import { ApiError } from './errors';
import type { ApiErrorCode } from './errors';
import { ControllerHandlers } from './controller-handlers';
import type { components } from './schema';

type Schemas = components['schemas'];
type Req<Body = unknown, Params = Record<string, string>> = FastifyRequest<{ Body: Body; Params: Params }>;

const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

// Turns a datapath error into an ApiError: 'codes' maps errno names to
// registry codes for this call; anything else is a DATAPATH_ERROR.
function datapathError(e: unknown, codes: Partial<Record<string, ApiErrorCode>>): ApiError {
  if (e instanceof ApiError) return e;
  const code = codes[errnoOf(e) ?? ''] ?? 'DATAPATH_ERROR';
  return new ApiError(code, (e as Error).message);
}

// Which registry code a refused logic swap or creation gets.
const LOGIC_ERRORS = { ENOENT: 'UNKNOWN_LOGIC', EINVAL: 'LOGIC_CONFIG_REFUSED' } as const;

export function toPort(p: PortInfo): Schemas['Port'] {
  // The reasons summed per side as the metrics do; a reason this agent
  // does not know yet counts as a receive drop.
  const side = { 'receive-drop': 0, 'receive-errs': 0, 'transmit-drop': 0, 'transmit-errs': 0 };
  let drops = 0;
  for (const [reason, n] of Object.entries(p.drops)) {
    side[DROP_SIDES[reason] ?? 'receive-drop'] += n;
    drops += n;
  }
  return {
    port: p.index,
    name: p.name,
    type: p.kind as Schemas['Port']['type'],
    up: p.up,
    ...(p.memifId !== undefined && { memifId: p.memifId }),
    ...(p.mtu !== undefined && { mtu: p.mtu }),
    ...(p.speedMbps !== undefined && { speedMbps: p.speedMbps }),
    rxQueues: p.rxQueues,
    txQueues: p.txQueues,
    stats: {
      rxPackets: p.rxPackets,
      rxBytes: p.rxBytes,
      txPackets: p.txPackets,
      txBytes: p.txBytes,
      rxDropped: side['receive-drop'],
      rxErrors: side['receive-errs'],
      txDropped: side['transmit-drop'],
      txErrors: side['transmit-errs'],
      drops,
    },
    drops: p.drops,
  };
}

function controllerQueueStats(q: ControllerQueueStats): Schemas['ControllerQueueStats'] {
  return {
    enqueued: q.enqueued, bytes: q.bytes, dequeued: q.dequeued, dropped: q.dropped, invalid: q.invalid, pending: q.pending,
    capacityBytes: q.slots * q.slotBytes, usedBytes: q.usedSlots * q.slotBytes,
  };
}

function toSwitch(r: RunningSwitch): Schemas['Switch'] {
  const c = r.config;
  return {
    name: c.name,
    workers: c.workers,
    batchSize: c.batchSize,
    mode: r.sw.mode(),
    logic: r.sw.logic(),
    ...(c.logicConfig !== undefined && { logicConfig: c.logicConfig }),
    memifSocket: c.memif.socket,
    ports: r.sw.ports().length,
  };
}

// The flow operations live in flow-handlers.ts, the controller ones in
// controller-handlers.ts; this class adds the rest.
export class ApiHandlers extends ControllerHandlers {
  private readonly startedAt = process.hrtime.bigint();

  constructor(daemon: Daemon) {
    super(daemon);
  }

  // 'ref' is a port number ("3") or a port name ("memif0").
  private portOf(r: RunningSwitch, ref: string): PortInfo {
    const ports = r.sw.ports();
    const p = /^\d+$/.test(ref) ? ports.find((x) => x.index === Number(ref)) : ports.find((x) => x.name === ref);
    if (p === undefined) throw new ApiError('PORT_NOT_FOUND', `switch ${r.config.name} has no port ${ref}`, 'params.port');
    return p;
  }

  async getHealth(): Promise<Schemas['Health']> {
    return {
      status: 'ok',
      version: packageVersion(),
      pid: process.pid,
      uptimeSeconds: Number(process.hrtime.bigint() - this.startedAt) / 1e9,
      switches: this.daemon.switches().length,
    };
  }

  async listSwitches(): Promise<{ switches: Schemas['Switch'][] }> {
    return { switches: this.daemon.switches().map(toSwitch) };
  }

  async createSwitch(req: Req<Schemas['SwitchCreate']>, reply: FastifyReply): Promise<Schemas['Switch']> {
    const b = req.body;
    const socket = memifSocketPath(this.daemon.config.rundir, b.name);
    if (Buffer.byteLength(socket) > LIMITS.socketPathMaxBytes) {
      throw new ApiError('INVALID_ARGUMENT', `the memif socket ${socket} would be longer than a unix socket path may be`, 'body.name');
    }
    const c: SwitchConfig = {
      name: b.name,
      logic: b.logic ?? DEFAULTS.logic,
      logicConfig: b.logicConfig,
      workers: b.workers ?? DEFAULTS.workers,
      batchSize: b.batchSize ?? DEFAULTS.batchSize,
      mode: b.mode ?? DEFAULTS.mode,
      memif: { socket, abstract: DEFAULTS.abstract, autoCreate: DEFAULTS.autoCreate, interfaces: [] },
      ports: [],
    };
    let r: RunningSwitch;
    try {
      r = this.daemon.addSwitch(c);
    } catch (e) {
      if (e instanceof SwitchExistsError) throw new ApiError('SWITCH_EXISTS', e.message, 'body.name');
      // EINVAL is the logic refusing its config, or (schema permitting)
      // another option the datapath refused.
      const einval = /refused config/.test((e as Error).message) ? 'LOGIC_CONFIG_REFUSED' : 'INVALID_ARGUMENT';
      throw datapathError(e, { ENOENT: 'UNKNOWN_LOGIC', EINVAL: einval, EADDRINUSE: 'SWITCH_EXISTS' });
    }
    reply.code(201);
    return toSwitch(r);
  }

  async getSwitch(req: Req): Promise<Schemas['Switch']> {
    return toSwitch(this.switchNamed(req.params.name));
  }

  async deleteSwitch(req: Req, reply: FastifyReply): Promise<void> {
    this.switchNamed(req.params.name);
    this.daemon.removeSwitch(req.params.name);
    reply.code(204).send();
  }

  async listPorts(req: Req): Promise<{ ports: Schemas['Port'][] }> {
    const ports = this.switchNamed(req.params.name).sw.ports().sort((a, b) => a.index - b.index);
    return { ports: ports.map(toPort) };
  }

  async addPort(req: Req<Schemas['PortCreate']>, reply: FastifyReply): Promise<Schemas['Port']> {
    const r = this.switchNamed(req.params.name);
    const b = req.body;
    const memif = b.type === 'memif' || (b.type === undefined && b.ifname === undefined);
    // The datapath allows two ports of one name; the API names ports in
    // its urls, so it does not.
    const name = b.name ?? (memif ? `memif${b.id}` : b.ifname ?? r.config.name);
    const clash = r.sw.ports().find((p) => p.name === name);
    if (clash !== undefined) {
      throw new ApiError('PORT_EXISTS', `switch ${r.config.name} already has a port named ${name} (port ${clash.index})`, 'body.name');
    }
    if (!memif) return this.addLinuxPort(r, b, reply);
    if (b.id === undefined) throw new ApiError('INVALID_ARGUMENT', 'a memif port needs its interface id', 'body.id');
    for (const k of ['ifname', 'mac', 'mtu', 'up'] as const) {
      if (b[k] !== undefined) throw new ApiError('INVALID_ARGUMENT', `${k} is not an option of a memif port`, `body.${k}`);
    }
    const opts: MemifInterfaceOptions = {
      id: b.id,
      name,
      ...(b.port !== undefined && { port: b.port }),
      ...(b.secret !== undefined && { secret: b.secret }),
      ...(b.worker !== undefined && { worker: b.worker }),
    };
    let port: number;
    try {
      port = this.daemon.addMemifPort(r.config.name, opts);
    } catch (e) {
      throw datapathError(e, { EEXIST: 'PORT_EXISTS', EINVAL: 'INVALID_ARGUMENT', ENOSPC: 'INVALID_ARGUMENT' });
    }
    req.log.info({ event: 'port-added', switch: r.config.name, port, memifId: b.id }, `${r.config.name}: port ${port} waits for memif id ${b.id}`);
    reply.code(201);
    return toPort(this.portOf(r, String(port)));
  }

  // An afxdp, afpacket or tap port (type detected when left out).
  private addLinuxPort(r: RunningSwitch, b: Schemas['PortCreate'], reply: FastifyReply): Schemas['Port'] {
    for (const k of ['id', 'secret'] as const) {
      if (b[k] !== undefined) throw new ApiError('INVALID_ARGUMENT', `${k} is an option of a memif port only`, `body.${k}`);
    }
    const spec: LinuxPortSpec = Object.fromEntries(Object.entries({
      ifname: b.ifname, type: b.type, name: b.name, port: b.port, worker: b.worker, mac: b.mac, mtu: b.mtu, up: b.up,
    }).filter(([, v]) => v !== undefined));
    if (spec.worker !== undefined && spec.worker >= r.config.workers) {
      throw new ApiError('INVALID_ARGUMENT', `switch ${r.config.name} has ${r.config.workers} worker(s)`, 'body.worker');
    }
    let port: number;
    try {
      port = this.daemon.addLinuxPort(r.config.name, spec).port;
    } catch (e) {
      const field = errnoOf(e) === 'ENODEV' || errnoOf(e) === 'EBUSY' ? 'body.ifname' : undefined;
      const err = datapathError(e, { EEXIST: 'PORT_EXISTS', EBUSY: 'PORT_EXISTS', EINVAL: 'INVALID_ARGUMENT', ENOSPC: 'INVALID_ARGUMENT', ENODEV: 'INVALID_ARGUMENT', ENOTSUP: 'INVALID_ARGUMENT' });
      throw field === undefined || err.field !== undefined ? err : new ApiError(err.code, err.message, field);
    }
    reply.code(201);
    return toPort(this.portOf(r, String(port)));
  }

  async getPort(req: Req): Promise<Schemas['Port']> {
    const r = this.switchNamed(req.params.name);
    return toPort(this.portOf(r, req.params.port));
  }

  async deletePort(req: Req, reply: FastifyReply): Promise<void> {
    const r = this.switchNamed(req.params.name);
    const p = this.portOf(r, req.params.port);
    try {
      this.daemon.removePort(r.config.name, p.index);
    } catch (e) {
      throw datapathError(e, { ENOENT: 'PORT_NOT_FOUND' });
    }
    req.log.info({ event: 'port-removed', switch: r.config.name, port: p.index }, `${r.config.name}: port ${p.index} removed`);
    reply.code(204).send();
  }

  async listLogics(): Promise<{ logics: Schemas['Logic'][] }> {
    return { logics: logics().map((name) => ({ name })) };
  }

  async setLogic(req: Req<Schemas['LogicSet']>): Promise<Schemas['Switch']> {
    const r = this.switchNamed(req.params.name);
    try {
      this.daemon.setLogic(r.config.name, req.body.name, req.body.config);
    } catch (e) {
      throw datapathError(e, LOGIC_ERRORS);
    }
    return toSwitch(r);
  }

  async logicControl(req: Req<{ command: string }>): Promise<{ reply: string }> {
    const r = this.switchNamed(req.params.name);
    try {
      return { reply: r.sw.logicControl(req.body.command) };
    } catch (e) {
      throw datapathError(e, { EINVAL: 'LOGIC_COMMAND_FAILED', ENOTSUP: 'LOGIC_COMMAND_FAILED', EOPNOTSUPP: 'LOGIC_COMMAND_FAILED' });
    }
  }

  async getStats(req: Req): Promise<Schemas['SwitchStats']> {
    const r = this.switchNamed(req.params.name);
    return {
      name: r.config.name,
      mode: r.sw.mode(),
      logic: r.sw.logic(),
      workers: r.sw.workers().map((w) => ({
        index: w.index,
        queues: w.queues,
        batches: w.batches,
        frames: w.frames,
        busySeconds: w.busySeconds,
        idleSeconds: w.sleepSeconds,
        wakeups: w.wakeups,
      })),
      controllerQueue: controllerQueueStats(r.sw.controllerQueue()),
    };
  }

  async setMode(req: Req<{ mode: FabricMode }>): Promise<Schemas['Switch']> {
    const r = this.switchNamed(req.params.name);
    try {
      this.daemon.setMode(r.config.name, req.body.mode);
    } catch (e) {
      throw datapathError(e, { EINVAL: 'INVALID_ARGUMENT' });
    }
    req.log.info({ event: 'mode-set', switch: r.config.name, mode: req.body.mode }, `${r.config.name}: fabric mode ${req.body.mode}`);
    return toSwitch(r);
  }
}
