// What the `openflow` logic's tables can do, as OFPMP_TABLE_FEATURES
// (OpenFlow 1.3.5 section 7.3.5.5) reports it.
//
// What?  tableFeatures(n, maxFlows) lists every table with the
// instructions, actions, match fields, wildcards and set-fields the logic
// really implements (control-text.md), so a controller that plans its
// pipeline from table features (ONOS, ovs-ofctl's table names) asks for
// nothing the switch refuses, and is refused nothing it was promised.
//
// Design.  Every table is the same classifier, so they differ only in
// their next tables (goto_table must go forward) and in the last table
// having no goto_table.  Match fields are ovs-compat's (match-fields.ts);
// those with an OXM class of their own (Open vSwitch's nw_ttl and
// tcp_flags, NXM) are listed with their NXM headers, as Open vSwitch does.
// Set-fields are the OpenFlow-basic fields the logic can set (metadata is
// written by write_metadata, never by set_field).
//
// Thread-safety: pure functions.

import { MATCH_FIELDS, OFPXMC_OPENFLOW_BASIC } from '../../../ovs-compat/src';
import { OFPAT_13, OFPIT } from '../openflow';
import type { TableFeatureProp, TableFeatures } from '../openflow';
import { oxmHeader } from '../openflow/oxm';

/** The action types the logic executes (control-text.md "Actions"). */
const ACTIONS = [
  OFPAT_13.OFPAT_OUTPUT, OFPAT_13.OFPAT_COPY_TTL_OUT, OFPAT_13.OFPAT_COPY_TTL_IN, OFPAT_13.OFPAT_SET_MPLS_TTL,
  OFPAT_13.OFPAT_DEC_MPLS_TTL, OFPAT_13.OFPAT_PUSH_VLAN, OFPAT_13.OFPAT_POP_VLAN, OFPAT_13.OFPAT_PUSH_MPLS,
  OFPAT_13.OFPAT_POP_MPLS, OFPAT_13.OFPAT_SET_QUEUE, OFPAT_13.OFPAT_GROUP, OFPAT_13.OFPAT_SET_NW_TTL,
  OFPAT_13.OFPAT_DEC_NW_TTL, OFPAT_13.OFPAT_SET_FIELD,
].map((type) => ({ type }));

// vlan_tci is OVS's fold of vlan_vid and vlan_pcp, which are listed themselves.
const FIELDS = MATCH_FIELDS.filter((f) => f.name !== 'vlan_tci');
const MATCH = FIELDS.map((f) => oxmHeader(f, f.maskable));
const WILDCARDS = FIELDS.map((f) => oxmHeader(f, false));
const SET_FIELDS = FIELDS.filter((f) => f.settable && f.name !== 'metadata' && f.oxmClass === OFPXMC_OPENFLOW_BASIC).map((f) => oxmHeader(f, false));

function instructions(last: boolean): { type: number }[] {
  const all = [OFPIT.OFPIT_GOTO_TABLE, OFPIT.OFPIT_WRITE_METADATA, OFPIT.OFPIT_WRITE_ACTIONS, OFPIT.OFPIT_APPLY_ACTIONS,
    OFPIT.OFPIT_CLEAR_ACTIONS, OFPIT.OFPIT_METER];
  return all.filter((t) => !last || t !== OFPIT.OFPIT_GOTO_TABLE).map((type) => ({ type }));
}

/** The features of tables 0..'nTables'-1, each holding up to 'maxFlows' flows. */
export function tableFeatures(nTables: number, maxFlows: number): TableFeatures[] {
  const out: TableFeatures[] = [];
  for (let t = 0; t < nTables; t++) {
    const last = t === nTables - 1;
    const next = Array.from({ length: nTables - t - 1 }, (_, i) => t + 1 + i);
    const properties: TableFeatureProp[] = [
      { type: 'OFPTFPT_INSTRUCTIONS', instructions: instructions(last) },
      { type: 'OFPTFPT_INSTRUCTIONS_MISS', instructions: instructions(last) },
      { type: 'OFPTFPT_NEXT_TABLES', tables: next },
      { type: 'OFPTFPT_NEXT_TABLES_MISS', tables: next },
      { type: 'OFPTFPT_WRITE_ACTIONS', actions: ACTIONS },
      { type: 'OFPTFPT_WRITE_ACTIONS_MISS', actions: ACTIONS },
      { type: 'OFPTFPT_APPLY_ACTIONS', actions: ACTIONS },
      { type: 'OFPTFPT_APPLY_ACTIONS_MISS', actions: ACTIONS },
      { type: 'OFPTFPT_MATCH', oxmIds: MATCH },
      { type: 'OFPTFPT_WILDCARDS', oxmIds: WILDCARDS },
      { type: 'OFPTFPT_WRITE_SETFIELD', oxmIds: SET_FIELDS },
      { type: 'OFPTFPT_WRITE_SETFIELD_MISS', oxmIds: SET_FIELDS },
      { type: 'OFPTFPT_APPLY_SETFIELD', oxmIds: SET_FIELDS },
      { type: 'OFPTFPT_APPLY_SETFIELD_MISS', oxmIds: SET_FIELDS },
    ];
    out.push({
      tableId: t,
      name: `table${t}`,
      metadataMatch: 0xffffffffffffffffn,
      metadataWrite: 0xffffffffffffffffn,
      config: 0,
      maxEntries: maxFlows,
      properties,
    });
  }
  return out;
}
