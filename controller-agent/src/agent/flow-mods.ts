// Translation between the OpenFlow codec's model (openflow/model.ts) and
// ovs-compat's flow model (ovs-compat/src/flow.ts) that SwitchFlows
// (flows.ts) applies to the `openflow` logic, in both directions.
//
// What?  toFlowMod() turns a decoded FLOW_MOD into the FlowMod that
// flowModLine() writes; flowStatsOf() turns a dumped flow back into the
// ofp_flow_stats a controller reads; ofErrorOf() turns the logic's error
// (control-text.md's `type.code`) into the OpenFlowError the session sends.
//
// Design.  The two models agree on almost everything (the codec was built
// on ovs-compat's FieldMatch and Action), so translation is mostly the
// handful of differences: codec-only actions (1.0's set_tp_port and
// enqueue, 1.3's set_nw_ttl), OVS's folded vlan_tci in dumps, and the
// command / table / cookie-mask encoding of a flow mod.  Flow stats must
// echo what was installed (ONOS deletes and re-adds a flow whose stats
// differ), so the inverse of every mapping here is exact: set_nw_ttl goes
// in as set_field nw_ttl and comes back as set_nw_ttl; vlan_tci comes back
// as the OXM vlan_vid and vlan_pcp it was made from.
//
// Thread-safety: pure functions.

import type { Action as FlowAction, FieldMatch, Flow, FlowMod as CompatFlowMod, Instructions, NativeFlowEntry } from '../../../ovs-compat/src';
import { emptyFilterFlow, fieldByName, fullMask, OFPP_ANY } from '../../../ovs-compat/src';
import type { ModResult } from '../flows';
import { OFPG_ANY, OFPTT_ALL, OpenFlowError } from '../openflow';
import type { Action, CodecInstructions, FlowFilter, FlowMod, FlowStats } from '../openflow';

/** The OpenFlow 1.3 error name prefix of each error type as the native contract spells it. */
const ERROR_PREFIX: Readonly<Record<string, string>> = {
  hello_failed: 'OFPHFC_', bad_request: 'OFPBRC_', bad_action: 'OFPBAC_', bad_instruction: 'OFPBIC_', bad_match: 'OFPBMC_',
  flow_mod_failed: 'OFPFMFC_', group_mod_failed: 'OFPGMFC_', port_mod_failed: 'OFPPMFC_', table_mod_failed: 'OFPTMFC_',
  queue_op_failed: 'OFPQOFC_', switch_config_failed: 'OFPSCFC_', role_request_failed: 'OFPRRFC_', meter_mod_failed: 'OFPMMFC_',
  table_features_failed: 'OFPTFFC_',
};

/** The OpenFlowError for a refused mod ('error' as SwitchFlows reports it). */
export function ofErrorOf(error: Extract<ModResult, { ok: false }>['error']): OpenFlowError {
  const prefix = ERROR_PREFIX[error.type];
  const name = prefix === undefined ? undefined : `${prefix}${error.code.toUpperCase()}`;
  try {
    if (name !== undefined) return new OpenFlowError(name, error.message);
  } catch {
    // A code our error table lacks: fall through to the generic refusal.
  }
  return new OpenFlowError('OFPBRC_EPERM', `${error.type}.${error.code}: ${error.message}`);
}

/** A match field the logic cannot match on (the codec's EXTRA_FIELDS: tunnel_id, pbb_isid...). */
function checkMatch(match: readonly FieldMatch[]): void {
  for (const m of match) {
    try {
      fieldByName(m.field);
    } catch {
      throw new OpenFlowError('OFPBMC_BAD_FIELD', `the switch cannot match on ${m.field}`);
    }
  }
}

// 1.0's SET_TP_SRC/DST name the transport port of whatever protocol the
// packet has: the flow's match must say which (as Open vSwitch requires).
function tpField(which: 'src' | 'dst', match: readonly FieldMatch[]): string {
  const proto = match.find((m) => m.field === 'ip_proto')?.value;
  const name = proto === 6n ? 'tcp' : proto === 17n ? 'udp' : proto === 132n ? 'sctp' : undefined;
  if (name === undefined) throw new OpenFlowError('OFPBAC_MATCH_INCONSISTENT', `set_tp_${which} needs a match on nw_proto tcp, udp or sctp`);
  return `${name}_${which}`;
}

/** One codec action as the flow model's (none for 1.0's enqueue: it is two). */
export function toFlowActions(actions: readonly Action[], match: readonly FieldMatch[]): FlowAction[] {
  const out: FlowAction[] = [];
  for (const a of actions) {
    switch (a.type) {
      case 'set_nw_ttl': out.push({ type: 'set_field', field: 'nw_ttl', value: BigInt(a.ttl) }); break;
      case 'set_tp_port': out.push({ type: 'set_field', field: tpField(a.which, match), value: BigInt(a.port) }); break;
      // 1.0's ENQUEUE is OpenFlow 1.3's set_queue then output (what Open vSwitch does with it).
      case 'enqueue': out.push({ type: 'set_queue', queue: a.queue }, { type: 'output', port: a.port }); break;
      case 'push_pbb': case 'pop_pbb': throw new OpenFlowError('OFPBAC_BAD_TYPE', `${a.type} is not supported by this switch`);
      default: out.push(a);
    }
  }
  return out;
}

/** The flow model's actions as the codec writes them (the inverse of toFlowActions for 1.3). */
export function toCodecActions(actions: readonly FlowAction[]): Action[] {
  return actions.map((a): Action => {
    if (a.type === 'set_field' && a.field === 'nw_ttl') return { type: 'set_nw_ttl', ttl: Number(a.value) };
    if (a.type === 'load') return { type: 'set_field', field: a.field, value: a.value };
    return a;
  });
}

function toInstructions(ins: CodecInstructions, match: readonly FieldMatch[]): Instructions {
  return {
    ...(ins.meter !== undefined && { meter: ins.meter }),
    apply: toFlowActions(ins.apply, match),
    clearActions: ins.clearActions,
    ...(ins.writeActions !== undefined && { writeActions: toFlowActions(ins.writeActions, match) }),
    ...(ins.writeMetadata !== undefined && { writeMetadata: ins.writeMetadata }),
    ...(ins.gotoTable !== undefined && { gotoTable: ins.gotoTable }),
  };
}

function toCodecInstructions(ins: Instructions): CodecInstructions {
  return {
    ...(ins.meter !== undefined && { meter: ins.meter }),
    apply: toCodecActions(ins.apply),
    clearActions: ins.clearActions,
    ...(ins.writeActions !== undefined && { writeActions: toCodecActions(ins.writeActions) }),
    ...(ins.writeMetadata !== undefined && { writeMetadata: ins.writeMetadata }),
    ...(ins.gotoTable !== undefined && { gotoTable: ins.gotoTable }),
  };
}

/** A decoded FLOW_MOD as the mod SwitchFlows applies (OpenFlow 1.3.5 section 6.4). */
export function toFlowMod(m: FlowMod): CompatFlowMod {
  checkMatch(m.match);
  const add = m.command === 'OFPFC_ADD';
  // ADD has no table wildcard; the logic answers table 255 with bad_table_id.
  const allTables = !add && m.table === OFPTT_ALL;
  const del = m.command === 'OFPFC_DELETE' || m.command === 'OFPFC_DELETE_STRICT';
  const flow: Flow = {
    table: allTables ? 0 : m.table,
    priority: m.priority,
    cookie: m.cookie,
    // ADD ignores the mask; MODIFY and DELETE select by cookie & mask (section 6.4).
    cookieMask: add ? 0n : m.cookieMask,
    ...(del && m.outPort !== OFPP_ANY && { outPort: m.outPort }),
    ...(del && m.outGroup !== OFPG_ANY && { outGroup: m.outGroup }),
    idleTimeout: m.idleTimeout,
    hardTimeout: m.hardTimeout,
    importance: 0,
    // Shared with the decoded message, not copied (a dozen objects per
    // FLOW_MOD under a burst): neither side changes them afterwards.
    flags: m.flags as Flow['flags'],
    match: m.match as FieldMatch[],
    instructions: del ? { apply: [], clearActions: false } : toInstructions(m.instructions, m.match),
  };
  const command = add ? 'add' : del ? 'del' : 'mod';
  const strict = m.command === 'OFPFC_MODIFY_STRICT' || m.command === 'OFPFC_DELETE_STRICT';
  return { command, strict, allTables, flow };
}

/** A FLOW or AGGREGATE request's filter as the logic's dump filter. */
export function toNativeFilter(f: FlowFilter): { flow: Flow; allTables: boolean } {
  checkMatch(f.match);
  const flow = emptyFilterFlow();
  const allTables = f.table === OFPTT_ALL;
  flow.table = allTables ? 0 : f.table;
  flow.cookie = f.cookie;
  flow.cookieMask = f.cookieMask;
  if (f.outPort !== OFPP_ANY) flow.outPort = f.outPort;
  if (f.outGroup !== OFPG_ANY) flow.outGroup = f.outGroup;
  flow.match = f.match.map((x) => ({ ...x }));
  return { flow, allTables };
}

/**
 * OVS's folded 16-bit TCI (how dumps come back) as the OXM vlan_vid and
 * vlan_pcp a controller installed; every other field as it is.
 */
export function toOxmMatch(match: readonly FieldMatch[]): FieldMatch[] {
  const out: FieldMatch[] = [];
  for (const m of match) {
    if (m.field !== 'vlan_tci') {
      out.push({ ...m });
      continue;
    }
    const vidMask = m.mask & 0x1fffn;
    if (vidMask !== 0n) out.push({ field: 'vlan_vid', value: m.value & vidMask, mask: vidMask === 0x1fffn ? fullMask(13) : vidMask });
    if ((m.mask & 0xe000n) === 0xe000n) out.push({ field: 'vlan_pcp', value: (m.value >> 13n) & 7n, mask: fullMask(3) });
  }
  return out;
}

/** One dumped flow as ofp_flow_stats (OpenFlow 1.3.5 section 7.3.5.2). */
export function flowStatsOf(e: NativeFlowEntry): FlowStats {
  const f = e.flow;
  return {
    table: f.table,
    durationSec: Number(e.durationNs / 1_000_000_000n),
    durationNsec: Number(e.durationNs % 1_000_000_000n),
    priority: f.priority,
    idleTimeout: f.idleTimeout,
    hardTimeout: f.hardTimeout,
    flags: [...f.flags],
    cookie: f.cookie,
    packetCount: e.packets,
    byteCount: e.bytes,
    match: toOxmMatch(f.match),
    instructions: toCodecInstructions(f.instructions),
  };
}
