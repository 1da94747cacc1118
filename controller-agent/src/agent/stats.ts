// Multipart (1.0: stats) requests answered from the switch's real state.
//
// What?  multipartReply() answers one OFPT_MULTIPART_REQUEST (OpenFlow
// 1.3.5 section 7.3.5) with one reply holding the whole list; the session
// splits it into REPLY_MORE messages (types.ts).  Flows, aggregates and
// tables come from the `openflow` logic (SwitchFlows and its table_stats),
// ports from the datapath, groups and meters from the logic's dumps.
//
// Design.  Nothing here is cached or invented: every number is read when
// asked, so counters are monotonic because the datapath's are.  QUEUE
// answers an empty list (the switch has no queues: set_queue only marks
// the packet).  The features replies (GROUP_FEATURES, METER_FEATURES,
// TABLE_FEATURES) state the logic's documented limits (control-text.md).
// A request for one group or meter that does not exist gets the error
// Open vSwitch sends (unknown group / meter).
//
// Thread-safety: JS thread only (SwitchFlows' control calls are synchronous).

import { OFPP_ANY, parseTableStats } from '../../../ovs-compat/src';
import type { SwitchFlows } from '../flows';
import {
  EncodeError, encodeMessage, OFP_VERSION_1_0, OFPG_ALL, OFPM_ALL, OpenFlowError,
} from '../openflow';
import type { Desc, FlowStats, GroupStats, MessageOf, MeterStats, MultipartReplyBody, TableStats } from '../openflow';
import { flowStatsOf, toNativeFilter } from './flow-mods';
import { groupDescOf, meterConfigOf } from './groups-meters';
import type { PortView } from './ports';
import { tableFeatures } from './table-features';

export interface StatsContext {
  flows: SwitchFlows;
  ports: PortView;
  /** The logic's control hook (for table_stats). */
  control(cmd: string): string;
  desc: Desc;
  maxFlows: number;
  nowNs(): bigint;
}

type Request = MessageOf<'OFPT_MULTIPART_REQUEST'>;
type Reply = MessageOf<'OFPT_MULTIPART_REPLY'>;

const OFPGT_ALL_SELECT_INDIRECT_FF = 0xf;
// OFPGFC_SELECT_WEIGHT | SELECT_LIVENESS | CHAINING | CHAINING_CHECKS (section 7.3.5.9).
const GROUP_CAPABILITIES = 0xf;
const MAX_GROUPS = 65536;
const METER_MAX = 4096;
const METER_MAX_BANDS = 8;
// 1.0's OFPFW_ALL: every field can be wildcarded.
const OFPFW_ALL_10 = 0x3fffff;

/** The ofp_action_type bitmap of the actions groups may use (those of table-features.ts). */
const GROUP_ACTIONS = [0, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25].reduce((a, t) => a | (1 << t), 0) >>> 0;

const split = (ns: bigint): { durationSec: number; durationNsec: number } => ({
  durationSec: Number(ns / 1_000_000_000n), durationNsec: Number(ns % 1_000_000_000n),
});

/** The number of tables the logic has (one table_stats line each). */
export function tableCount(control: (cmd: string) => string): number {
  return parseTableStats(control('table_stats')).length;
}

function tableStats(ctx: StatsContext, version: number): TableStats[] {
  return parseTableStats(ctx.control('table_stats')).map((t) => ({
    tableId: t.table,
    activeCount: Number(t.active),
    lookupCount: t.lookups,
    matchedCount: t.matched,
    ...(version === OFP_VERSION_1_0 && { name10: `table${t.table}`, wildcards10: OFPFW_ALL_10, maxEntries10: ctx.maxFlows }),
  }));
}

// OpenFlow 1.0 has an action list only: a flow shows its apply-actions
// there (1.3 instructions it may have are not expressible), and a flow 1.0
// cannot describe at all (a match on a 1.3-only field) is left out of a 1.0
// reply, as no 1.0 controller could have installed it.
function flowStats10(flows: FlowStats[]): FlowStats[] {
  return flows.map((f) => ({ ...f, instructions: { apply: f.instructions.apply, clearActions: false } })).filter((f) => {
    try {
      encodeMessage({ version: OFP_VERSION_1_0, xid: 0, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_FLOW', flows: [f] });
      return true;
    } catch (e) {
      if (e instanceof EncodeError) return false;
      throw e;
    }
  });
}

function groupStats(ctx: StatsContext, groupId: number): GroupStats[] {
  const all = ctx.flows.groups().filter((g) => groupId === OFPG_ALL || g.group.groupId === groupId);
  if (groupId !== OFPG_ALL && all.length === 0) throw new OpenFlowError('OFPGMFC_UNKNOWN_GROUP', `no group ${groupId}`);
  return all.map(({ group, stats }) => {
    const filter = toNativeFilter({ table: 0xff, outPort: OFPP_ANY, outGroup: group.groupId, cookie: 0n, cookieMask: 0n, match: [] });
    return {
      groupId: group.groupId,
      refCount: Number(ctx.flows.aggregate({ ...filter }).flows),
      packetCount: stats?.packets ?? 0n,
      byteCount: stats?.bytes ?? 0n,
      ...split(stats?.durationNs ?? 0n),
      buckets: group.buckets.map((_, i) => ({ packetCount: stats?.buckets[i]?.packets ?? 0n, byteCount: stats?.buckets[i]?.bytes ?? 0n })),
    };
  });
}

function meters(ctx: StatsContext, meterId: number): ReturnType<SwitchFlows['meters']> {
  const all = ctx.flows.meters().filter((m) => meterId === OFPM_ALL || m.meter.meterId === meterId);
  if (meterId !== OFPM_ALL && all.length === 0) throw new OpenFlowError('OFPMMFC_UNKNOWN_METER', `no meter ${meterId}`);
  return all;
}

function meterStats(ctx: StatsContext, meterId: number): MeterStats[] {
  const list = meters(ctx, meterId);
  // The logic has no meter filter for dumps: count the flows that name each meter.
  const flowCount = new Map<number, number>();
  if (list.length > 0) {
    for (const e of ctx.flows.dump(toNativeFilter({ table: 0xff, outPort: OFPP_ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] }))) {
      const m = e.flow.instructions.meter;
      if (m !== undefined) flowCount.set(m, (flowCount.get(m) ?? 0) + 1);
    }
  }
  return list.map(({ meter, stats }) => ({
    meterId: meter.meterId,
    flowCount: flowCount.get(meter.meterId) ?? 0,
    packetInCount: stats?.packets ?? 0n,
    byteInCount: stats?.bytes ?? 0n,
    ...split(stats?.durationNs ?? 0n),
    bands: meter.bands.map((_, i) => ({ packetCount: stats?.bands[i]?.packets ?? 0n, byteCount: stats?.bands[i]?.bytes ?? 0n })),
  }));
}

function body(ctx: StatsContext, req: Request, version: number): MultipartReplyBody {
  switch (req.mpType) {
    case 'OFPMP_DESC': return { mpType: req.mpType, desc: ctx.desc };
    case 'OFPMP_FLOW': {
      const flows = ctx.flows.dump(toNativeFilter(req.filter)).map(flowStatsOf);
      return { mpType: req.mpType, flows: version === OFP_VERSION_1_0 ? flowStats10(flows) : flows };
    }
    case 'OFPMP_AGGREGATE': {
      const a = ctx.flows.aggregate(toNativeFilter(req.filter));
      return { mpType: req.mpType, packetCount: a.packets, byteCount: a.bytes, flowCount: Number(a.flows) };
    }
    case 'OFPMP_TABLE': return { mpType: req.mpType, tables: tableStats(ctx, version) };
    case 'OFPMP_PORT_STATS': {
      if (req.portNo !== OFPP_ANY && !ctx.ports.has(req.portNo)) throw new OpenFlowError('OFPBRC_BAD_PORT', `no port ${req.portNo}`);
      return { mpType: req.mpType, ports: ctx.ports.stats(req.portNo === OFPP_ANY ? 'any' : req.portNo, ctx.nowNs()) };
    }
    case 'OFPMP_QUEUE': {
      if (req.portNo !== OFPP_ANY && !ctx.ports.has(req.portNo)) throw new OpenFlowError('OFPQOFC_BAD_PORT', `no port ${req.portNo}`);
      return { mpType: req.mpType, queues: [] };
    }
    case 'OFPMP_GROUP': return { mpType: req.mpType, groups: groupStats(ctx, req.groupId) };
    case 'OFPMP_GROUP_DESC': return { mpType: req.mpType, groups: ctx.flows.groups().map((g) => groupDescOf(g.group)) };
    case 'OFPMP_GROUP_FEATURES':
      return {
        mpType: req.mpType, types: OFPGT_ALL_SELECT_INDIRECT_FF, capabilities: GROUP_CAPABILITIES,
        maxGroups: [MAX_GROUPS, MAX_GROUPS, MAX_GROUPS, MAX_GROUPS], actions: [GROUP_ACTIONS, GROUP_ACTIONS, GROUP_ACTIONS, GROUP_ACTIONS],
      };
    case 'OFPMP_METER': return { mpType: req.mpType, meters: meterStats(ctx, req.meterId) };
    case 'OFPMP_METER_CONFIG': return { mpType: req.mpType, meters: meters(ctx, req.meterId).map((m) => meterConfigOf(m.meter)) };
    case 'OFPMP_METER_FEATURES':
      // Bands: drop and dscp_remark; flags kbps, pktps, burst, stats; no color.
      return { mpType: req.mpType, maxMeter: METER_MAX, bandTypes: (1 << 1) | (1 << 2), capabilities: 0xf, maxBands: METER_MAX_BANDS, maxColor: 0 };
    case 'OFPMP_TABLE_FEATURES':
      // A request with tables asks to change the pipeline, which is fixed (section 7.3.5.5.1).
      if (req.tables.length > 0) throw new OpenFlowError('OFPTFFC_EPERM', 'the table pipeline cannot be reconfigured');
      return { mpType: req.mpType, tables: tableFeatures(tableCount(ctx.control), ctx.maxFlows) };
    case 'OFPMP_PORT_DESC': return { mpType: req.mpType, ports: ctx.ports.descs() };
    case 'OFPMP_EXPERIMENTER':
      throw new OpenFlowError('OFPBRC_BAD_EXPERIMENTER', `experimenter multipart 0x${req.experimenter.toString(16)} is not supported`);
  }
}

/** The reply to 'req' on a session of 'version' (xid 0: the session stamps the request's). */
export function multipartReply(ctx: StatsContext, req: Request, version: number): Reply {
  return { version, xid: 0, type: 'OFPT_MULTIPART_REPLY', flags: 0, ...body(ctx, req, version) } as Reply;
}
