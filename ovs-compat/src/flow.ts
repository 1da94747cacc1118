// The version-independent flow model that the ovs-ofctl parser produces and
// the printer consumes (and that the translation into the native form will
// read).  Values are bigints so that 128-bit IPv6 fields and 64-bit cookies
// and metadata need no special cases.  Semantics are OpenFlow 1.3's: the
// OpenFlow 1.0 spellings ovs-ofctl accepts (`mod_dl_src`, `mod_nw_tos`,
// `mod_vlan_vid`) are stored as the OpenFlow 1.3 actions ovs-ofctl turns
// them into (set_field, push_vlan).

/** OpenFlow 1.3 reserved ports (section 7.2.1, enum ofp_port_no). */
export const OFPP_MAX = 0xffffff00;
export const OFPP_IN_PORT = 0xfffffff8;
export const OFPP_TABLE = 0xfffffff9;
export const OFPP_NORMAL = 0xfffffffa;
export const OFPP_FLOOD = 0xfffffffb;
export const OFPP_ALL = 0xfffffffc;
export const OFPP_CONTROLLER = 0xfffffffd;
export const OFPP_LOCAL = 0xfffffffe;
export const OFPP_ANY = 0xffffffff;

/** ofp_controller_max_len OFPCML_NO_BUFFER (section 7.2.5). */
export const OFPCML_NO_BUFFER = 0xffff;
export const OFP_DEFAULT_PRIORITY = 0x8000;

/** Reserved port names as ovs-ofctl spells them, by number. */
export const PORT_NAMES: ReadonlyMap<number, string> = new Map([
  [OFPP_IN_PORT, 'IN_PORT'],
  [OFPP_TABLE, 'TABLE'],
  [OFPP_NORMAL, 'NORMAL'],
  [OFPP_FLOOD, 'FLOOD'],
  [OFPP_ALL, 'ALL'],
  [OFPP_CONTROLLER, 'CONTROLLER'],
  [OFPP_LOCAL, 'LOCAL'],
  [OFPP_ANY, 'ANY'],
]);

/** One matched field: canonical name (match-fields.ts), value and mask (all ones = exact). */
export interface FieldMatch {
  field: string;
  value: bigint;
  mask: bigint;
}

/** ofp_flow_mod_flags (section 7.3.4.1) in the order ovs-ofctl prints them. */
export const FLOW_FLAGS = ['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts'] as const;
export type FlowFlag = (typeof FLOW_FLAGS)[number];

/** ofp_packet_in_reason names as ovs-ofctl spells them. */
export const PACKET_IN_REASONS = ['no_match', 'action', 'invalid_ttl'] as const;
export type PacketInReason = (typeof PACKET_IN_REASONS)[number];

export type Action =
  | { type: 'output'; port: number }
  | { type: 'controller'; maxLen: number; reason: PacketInReason }
  | { type: 'set_field'; field: string; value: bigint }
  | { type: 'load'; field: string; value: bigint }
  | { type: 'push_vlan'; ethertype: number }
  | { type: 'pop_vlan' }
  | { type: 'push_mpls'; ethertype: number }
  | { type: 'pop_mpls'; ethertype: number }
  | { type: 'dec_ttl' }
  | { type: 'set_mpls_ttl'; ttl: number }
  | { type: 'dec_mpls_ttl' }
  | { type: 'copy_ttl_in' }
  | { type: 'copy_ttl_out' }
  | { type: 'set_queue'; queue: number }
  | { type: 'group'; group: number };

/** The instructions of a flow (section 7.2.4), each at most once. */
export interface Instructions {
  meter?: number;
  /** Apply-actions; empty and no other instruction means drop. */
  apply: Action[];
  clearActions: boolean;
  writeActions?: Action[];
  writeMetadata?: { value: bigint; mask: bigint };
  gotoTable?: number;
}

export interface Flow {
  table: number;
  priority: number;
  cookie: bigint;
  /** Only in filters (delete, dump): 0 = any cookie. */
  cookieMask: bigint;
  /** Only in filters: flows that output to this port / group (OFPP_ANY, OFPG_ANY when absent). */
  outPort?: number;
  outGroup?: number;
  idleTimeout: number;
  hardTimeout: number;
  importance: number;
  flags: FlowFlag[];
  /** Sorted in ovs-ofctl's print order. */
  match: FieldMatch[];
  instructions: Instructions;
}
