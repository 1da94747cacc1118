// The REST API's flow, group and meter operations (dumpFlows, addFlows,
// modifyFlows, deleteFlows; dumpGroups, addGroup, modifyGroup,
// deleteGroups; dumpMeters, addMeter, modifyMeter, deleteMeters of
// openapi/openapi.yaml; and traceFrame): ovs-ofctl's add-flow(s),
// mod-flows, del-flows, dump-flows and the group and meter verbs, and
// ovs-appctl ofproto/trace, over HTTP.
//
// Design.  A request's flows are all parsed first (ovs-ofctl syntax or
// JSON, flow-json.ts); a syntax error answers FLOW_SYNTAX naming the flow
// and token, with nothing applied.  Then the flow mods go to the logic
// through SwitchFlows, which gives each its own result as OpenFlow does:
// when some are refused, the answer is the error of the first refusal's
// kind (FLOW_OVERLAP, TABLE_FULL, GROUP_EXISTS, METER_NOT_FOUND, ... else
// FLOW_REFUSED: codeFor) listing every refused mod with its OpenFlow error
// type and code, and how many were applied.  Groups and meters are one mod
// a request, in ovs-ofctl's syntax (group.ts, meter.ts), answered the same
// way.
//
// Thread-safety: JS thread only (ApiHandlers' methods, bound by the glue).
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { Daemon, RunningSwitch } from '../daemon';
import { FlowControlError, NotOpenflowError, SwitchFlows, translationError } from '../flows';
import type { ModResult } from '../flows';
import {
  emptyFilterFlow, formatActions, formatGroup, formatMeter, formatMeterSpec, groupDelLine, groupModLine, meterDelLine, meterModLine, NativeTranslationError,
  parseFlow, parseGroup, parseMeter, FlowSyntaxError, PORT_NAMES,
} from '../../../ovs-compat/src';
import type { FlowMod, Group, GroupStats, Meter, MeterStats } from '../../../ovs-compat/src';
import { ApiError } from './errors';
import type { ApiErrorCode, FlowModFailure } from './errors';
import { flowEntryJson, flowSpecText, namesTable, parseQueryFilter } from './flow-json';
import { traceJson } from './trace-json';
import type { FlowQuery } from './flow-json';
import type { components } from './schema';

type Schemas = components['schemas'];
type FlowInput = Schemas['FlowInput'];
type Req<Body = unknown, Query = unknown> = FastifyRequest<{ Body: Body; Params: { name: string }; Querystring: Query }>;

/** The flows of a FlowsAdd / FlowsModify body, each with the request field it came from. */
function inputsOf(body: { flow?: FlowInput; flows?: FlowInput[] }): { input: FlowInput; field: string }[] {
  const one = body.flow !== undefined;
  const many = body.flows !== undefined;
  if (one === many) throw new ApiError('VALIDATION_FAILED', 'body: give exactly one of flow and flows', 'body');
  return one ? [{ input: body.flow!, field: 'body.flow' }] : body.flows!.map((input, i) => ({ input, field: `body.flows[${i}]` }));
}

/** Parses every input as 'command'; the first syntax error stops the request. */
function parseMods(inputs: { input: FlowInput; field: string }[], command: 'add' | 'mod', strict: boolean): FlowMod[] {
  return inputs.map(({ input, field }) => {
    try {
      const text = typeof input === 'string' ? input : flowSpecText(input, command === 'mod');
      if (command === 'add') return { command, flow: parseFlow(text) };
      // mod-flows: cookie=V/M selects; ovs-ofctl still wants actions.
      if (!/(^|[\s,])actions=/.test(text)) throw new FlowSyntaxError('must specify an action', text);
      return { command, strict, allTables: !namesTable(text), flow: parseFlow(text, { filter: true }) };
    } catch (e) {
      if (e instanceof FlowSyntaxError) throw new ApiError('FLOW_SYNTAX', `${field}: ${e.message}`, field, { token: e.token });
      throw e;
    }
  });
}

// What a refused mod's OpenFlow error answers over HTTP.
function codeFor(f: FlowModFailure): ApiErrorCode {
  if (f.type === 'flow_mod_failed' && f.code === 'overlap') return 'FLOW_OVERLAP';
  if (f.type === 'flow_mod_failed' && f.code === 'table_full') return 'TABLE_FULL';
  if (f.type === 'group_mod_failed' && f.code === 'group_exists') return 'GROUP_EXISTS';
  if (f.type === 'group_mod_failed' && f.code === 'unknown_group') return 'GROUP_NOT_FOUND';
  if (f.type === 'meter_mod_failed' && f.code === 'meter_exists') return 'METER_EXISTS';
  if (f.type === 'meter_mod_failed' && f.code === 'unknown_meter') return 'METER_NOT_FOUND';
  return 'FLOW_REFUSED';
}

const seconds = (ns: bigint): number => Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;

/** A meter as the API answers it. */
function meterJson(m: Meter, stats?: MeterStats): Schemas['MeterEntry'] {
  const lines = formatMeter(m);
  return {
    meterId: m.meterId,
    flags: [...m.flags],
    bands: m.bands.map((b, i) => ({
      type: b.type, rate: b.rate, burstSize: b.burstSize, precLevel: b.precLevel,
      ...(stats?.bands[i] !== undefined && { packets: Number(stats.bands[i].packets), bytes: Number(stats.bands[i].bytes) }),
    })),
    ...(stats !== undefined && { packets: Number(stats.packets), bytes: Number(stats.bytes), durationSeconds: seconds(stats.durationNs) }),
    meter: formatMeterSpec(m),
    text: lines.join('\n'),
  };
}

/** A group as the API answers it. */
function groupJson(g: Group, stats?: GroupStats): Schemas['GroupEntry'] {
  return {
    groupId: g.groupId,
    type: g.type,
    buckets: g.buckets.map((b) => ({
      weight: b.weight,
      ...(b.watchPort !== undefined && { watchPort: PORT_NAMES.get(b.watchPort) ?? String(b.watchPort) }),
      ...(b.watchGroup !== undefined && { watchGroup: b.watchGroup }),
      actions: formatActions({ apply: b.actions, clearActions: false }),
    })),
    ...(stats !== undefined && {
      packets: Number(stats.packets),
      bytes: Number(stats.bytes),
      durationSeconds: seconds(stats.durationNs),
    }),
    group: formatGroup(g),
    text: ` ${formatGroup(g)}`,
  };
}

/** Throws the error for 'results' with refusals; returns how many were applied otherwise. */
function appliedOrThrow(results: ModResult[], fieldOf: (i: number) => string): number {
  const failures: FlowModFailure[] = [];
  results.forEach((r, index) => {
    if (!r.ok) failures.push({ index, ...r.error });
  });
  const applied = results.length - failures.length;
  if (failures.length === 0) return applied;
  const first = failures[0];
  const field = fieldOf(first.index);
  const others = failures.length > 1 ? ` (${failures.length} of ${results.length} refused, ${applied} applied)` : applied > 0 ? ` (${applied} others applied)` : '';
  throw new ApiError(codeFor(first), `${field}: ${first.type}.${first.code}: ${first.message}${others}`, field, { applied, failures });
}

/** The registry error of a SwitchFlows failure. */
function flowsError(e: unknown, field: string): unknown {
  if (e instanceof NotOpenflowError) return new ApiError('NOT_OPENFLOW', e.message);
  if (e instanceof FlowControlError && e.openflow !== undefined) {
    const { line: _line, ...error } = e.openflow;
    const failure = { index: 0, ...error };
    return new ApiError(codeFor(failure), `${field}: ${error.type}.${error.code}: ${error.message}`, field, { applied: 0, failures: [failure] });
  }
  if (e instanceof FlowControlError) return new ApiError('DATAPATH_ERROR', e.message);
  return e;
}

export class FlowHandlers {
  constructor(protected readonly daemon: Daemon) {}

  protected switchNamed(name: string): RunningSwitch {
    const r = this.daemon.findSwitch(name);
    if (r === undefined) throw new ApiError('SWITCH_NOT_FOUND', `no switch named ${name}`, 'params.name');
    return r;
  }

  private flowsOf(name: string): SwitchFlows {
    return new SwitchFlows(this.switchNamed(name).sw, name);
  }

  private filterOf(q: FlowQuery): ReturnType<typeof parseQueryFilter> {
    try {
      return parseQueryFilter(q);
    } catch (e) {
      if (e instanceof FlowSyntaxError) throw new ApiError('FLOW_SYNTAX', `querystring: ${e.message}`, 'querystring', { token: e.token });
      throw e;
    }
  }

  private applyMods(name: string, mods: FlowMod[], fieldOf: (i: number) => string): number {
    const flows = this.flowsOf(name);
    let results: ModResult[];
    try {
      results = flows.apply(mods);
    } catch (e) {
      throw flowsError(e, 'body');
    }
    return appliedOrThrow(results, fieldOf);
  }

  async dumpFlows(req: Req<unknown, FlowQuery>, reply: FastifyReply): Promise<unknown> {
    const flows = this.flowsOf(req.params.name);
    const f = this.filterOf(req.query);
    let entries;
    try {
      entries = flows.dump({ flow: f.flow, allTables: f.allTables, strict: f.strict });
    } catch (e) {
      throw flowsError(e, 'querystring');
    }
    const json = entries.map(flowEntryJson);
    if (req.query.format === 'text') {
      reply.type('text/plain; charset=utf-8');
      return json.map((e) => `${e.text}\n`).join('');
    }
    return { flows: json };
  }

  async addFlows(req: Req<Schemas['FlowsAdd']>, reply: FastifyReply): Promise<Schemas['FlowsApplied']> {
    const inputs = inputsOf(req.body);
    const mods = parseMods(inputs, 'add', false);
    const applied = this.applyMods(req.params.name, mods, (i) => inputs[i].field);
    req.log.info({ event: 'flows-added', switch: req.params.name, flows: applied }, `${req.params.name}: ${applied} flow(s) added`);
    reply.code(201);
    return { applied };
  }

  async modifyFlows(req: Req<Schemas['FlowsModify']>): Promise<Schemas['FlowsApplied']> {
    const inputs = inputsOf(req.body);
    const mods = parseMods(inputs, 'mod', req.body.strict ?? false);
    const applied = this.applyMods(req.params.name, mods, (i) => inputs[i].field);
    req.log.info({ event: 'flows-modified', switch: req.params.name, mods: applied }, `${req.params.name}: ${applied} flow mod(s) applied`);
    return { applied };
  }

  async deleteFlows(req: Req<unknown, FlowQuery>): Promise<{ deleted: number }> {
    const flows = this.flowsOf(req.params.name);
    const f = this.filterOf(req.query);
    const filter = { flow: f.flow, allTables: f.allTables, strict: f.strict };
    let deleted: bigint;
    try {
      // JS runs one request at a time, so nothing changes the tables in
      // between; only a flow timing out in the same instant could.
      deleted = flows.aggregate(filter).flows;
    } catch (e) {
      throw flowsError(e, 'querystring');
    }
    this.applyMods(req.params.name, [{ command: 'del', strict: f.strict, allTables: f.allTables, flow: f.flow }], () => 'querystring');
    req.log.info({ event: 'flows-deleted', switch: req.params.name, flows: Number(deleted) }, `${req.params.name}: ${deleted} flow(s) deleted`);
    return { deleted: Number(deleted) };
  }

  private parseGroupBody(text: string): Group {
    try {
      return parseGroup(text);
    } catch (e) {
      if (e instanceof FlowSyntaxError) throw new ApiError('GROUP_SYNTAX', `body.group: ${e.message}`, 'body.group', { token: e.token });
      throw e;
    }
  }

  // Applies one group or meter mod line; its refusal answers as a flow mod's does.
  private applyGroup(name: string, line: () => string, field = 'body.group'): void {
    let text: string;
    try {
      text = line();
    } catch (e) {
      if (!(e instanceof NativeTranslationError)) throw e;
      appliedOrThrow([{ ok: false, error: translationError(e) }], () => field);
      return;
    }
    let result: ModResult;
    try {
      result = this.flowsOf(name).applyOne(text);
    } catch (e) {
      throw flowsError(e, field);
    }
    appliedOrThrow([result], () => field);
  }

  async dumpGroups(req: Req<unknown, { group_id?: string; format?: 'json' | 'text' }>, reply: FastifyReply): Promise<unknown> {
    let groups;
    try {
      groups = this.flowsOf(req.params.name).groups();
    } catch (e) {
      throw flowsError(e, 'querystring');
    }
    const id = req.query.group_id;
    const json = groups.filter((g) => id === undefined || id === 'all' || g.group.groupId === Number(id)).map((g) => groupJson(g.group, g.stats));
    if (req.query.format === 'text') {
      reply.type('text/plain; charset=utf-8');
      return ['OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):', ...json.map((g) => g.text)].map((l) => `${l}\n`).join('');
    }
    return { groups: json };
  }

  async addGroup(req: Req<Schemas['GroupRequest']>, reply: FastifyReply): Promise<Schemas['GroupEntry']> {
    const g = this.parseGroupBody(req.body.group);
    this.applyGroup(req.params.name, () => groupModLine('group_add', g));
    req.log.info({ event: 'group-added', switch: req.params.name, group: g.groupId }, `${req.params.name}: group ${g.groupId} added`);
    reply.code(201);
    return groupJson(g);
  }

  async modifyGroup(req: Req<Schemas['GroupRequest']>): Promise<Schemas['GroupEntry']> {
    const g = this.parseGroupBody(req.body.group);
    this.applyGroup(req.params.name, () => groupModLine('group_mod', g));
    req.log.info({ event: 'group-modified', switch: req.params.name, group: g.groupId }, `${req.params.name}: group ${g.groupId} modified`);
    return groupJson(g);
  }

  async deleteGroups(req: Req<unknown, { group_id?: string }>, reply: FastifyReply): Promise<void> {
    const id = req.query.group_id === undefined || req.query.group_id === 'all' ? 'all' : Number(req.query.group_id);
    this.applyGroup(req.params.name, () => groupDelLine(id), 'querystring.group_id');
    req.log.info({ event: 'groups-deleted', switch: req.params.name, group: id }, `${req.params.name}: group ${id} deleted`);
    reply.code(204).send();
  }

  private parseMeterBody(text: string): Meter {
    try {
      return parseMeter(text);
    } catch (e) {
      if (e instanceof FlowSyntaxError) throw new ApiError('METER_SYNTAX', `body.meter: ${e.message}`, 'body.meter', { token: e.token });
      throw e;
    }
  }

  async dumpMeters(req: Req<unknown, { meter_id?: string; format?: 'json' | 'text' }>, reply: FastifyReply): Promise<unknown> {
    let meters;
    try {
      meters = this.flowsOf(req.params.name).meters();
    } catch (e) {
      throw flowsError(e, 'querystring');
    }
    const id = req.query.meter_id;
    const json = meters.filter((m) => id === undefined || id === 'all' || m.meter.meterId === Number(id)).map((m) => meterJson(m.meter, m.stats));
    if (req.query.format === 'text') {
      reply.type('text/plain; charset=utf-8');
      return ['OFPST_METER_CONFIG reply (OF1.3) (xid=0x2):', ...json.map((m) => m.text)].map((l) => `${l}\n`).join('');
    }
    return { meters: json };
  }

  async addMeter(req: Req<Schemas['MeterRequest']>, reply: FastifyReply): Promise<Schemas['MeterEntry']> {
    const m = this.parseMeterBody(req.body.meter);
    this.applyGroup(req.params.name, () => meterModLine('meter_add', m), 'body.meter');
    req.log.info({ event: 'meter-added', switch: req.params.name, meter: m.meterId }, `${req.params.name}: meter ${m.meterId} added`);
    reply.code(201);
    return meterJson(m);
  }

  async modifyMeter(req: Req<Schemas['MeterRequest']>): Promise<Schemas['MeterEntry']> {
    const m = this.parseMeterBody(req.body.meter);
    this.applyGroup(req.params.name, () => meterModLine('meter_mod', m), 'body.meter');
    req.log.info({ event: 'meter-modified', switch: req.params.name, meter: m.meterId }, `${req.params.name}: meter ${m.meterId} modified`);
    return meterJson(m);
  }

  async deleteMeters(req: Req<unknown, { meter_id?: string }>, reply: FastifyReply): Promise<void> {
    const id = req.query.meter_id === undefined || req.query.meter_id === 'all' ? 'all' : Number(req.query.meter_id);
    if (id === 0) throw new ApiError('VALIDATION_FAILED', 'querystring.meter_id: meter ids start at 1', 'querystring.meter_id');
    this.applyGroup(req.params.name, () => meterDelLine(id), 'querystring.meter_id');
    req.log.info({ event: 'meters-deleted', switch: req.params.name, meter: id }, `${req.params.name}: meter ${id} deleted`);
    reply.code(204).send();
  }

  async traceFrame(req: Req<Schemas['TraceRequest']>): Promise<Schemas['Trace']> {
    const flows = this.flowsOf(req.params.name);
    try {
      const steps = flows.trace(req.body.inPort, Buffer.from(req.body.packet, 'hex'));
      return traceJson(steps, flows.dump({ flow: emptyFilterFlow(), allTables: true }));
    } catch (e) {
      throw flowsError(e, 'body');
    }
  }
}
