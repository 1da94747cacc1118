// OpenFlow 1.0 and 1.3 numbers by their spec names.
//
// What?  The enums of openflow.h that the codec needs, kept verbatim
// (`OFPT_FLOW_MOD`, `OFPAT_SET_FIELD`): ofp_type for each version (they
// diverge after OFPT_PORT_MOD), multipart/stats types, action and
// instruction types, reserved ports and ids.  Reserved ports and the flow
// flags shared with the flow model live in ovs-compat/src/flow.ts and are
// imported from there.
//
// Design.  Message types are per version because their numbers differ
// (OFPT_STATS_REQUEST is 16 in 1.0, OFPT_MULTIPART_REQUEST 18 in 1.3); the
// model names a message by its 1.3 name and these tables map it to the
// wire.  1.0's STATS messages are 1.3's MULTIPART ones (same body types).
//
// Thread-safety: constants only.

export const OFP_VERSION_1_0 = 0x01;
export const OFP_VERSION_1_3 = 0x04;
export const OFP_HEADER_LEN = 8;
/** The largest message the 16-bit length field allows. */
export const OFP_MAX_MSG_LEN = 0xffff;
export const OFP_ETH_ALEN = 6;
export const OFP_MAX_PORT_NAME_LEN = 16;
export const OFP_MAX_TABLE_NAME_LEN = 32;
export const DESC_STR_LEN = 256;
export const SERIAL_NUM_LEN = 32;
export const OFP_NO_BUFFER = 0xffffffff;

/** Message names of the model; 1.0 spells OFPT_MULTIPART_* as OFPT_STATS_* and OFPT_EXPERIMENTER as OFPT_VENDOR. */
export const MESSAGE_TYPES = [
  'OFPT_HELLO', 'OFPT_ERROR', 'OFPT_ECHO_REQUEST', 'OFPT_ECHO_REPLY', 'OFPT_EXPERIMENTER',
  'OFPT_FEATURES_REQUEST', 'OFPT_FEATURES_REPLY', 'OFPT_GET_CONFIG_REQUEST', 'OFPT_GET_CONFIG_REPLY', 'OFPT_SET_CONFIG',
  'OFPT_PACKET_IN', 'OFPT_FLOW_REMOVED', 'OFPT_PORT_STATUS', 'OFPT_PACKET_OUT', 'OFPT_FLOW_MOD', 'OFPT_GROUP_MOD',
  'OFPT_PORT_MOD', 'OFPT_TABLE_MOD', 'OFPT_MULTIPART_REQUEST', 'OFPT_MULTIPART_REPLY', 'OFPT_BARRIER_REQUEST',
  'OFPT_BARRIER_REPLY', 'OFPT_QUEUE_GET_CONFIG_REQUEST', 'OFPT_QUEUE_GET_CONFIG_REPLY', 'OFPT_ROLE_REQUEST',
  'OFPT_ROLE_REPLY', 'OFPT_GET_ASYNC_REQUEST', 'OFPT_GET_ASYNC_REPLY', 'OFPT_SET_ASYNC', 'OFPT_METER_MOD',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** enum ofp_type, OpenFlow 1.3.5 section 7.1: the model's order is the wire's. */
export const OFPT_13: ReadonlyMap<MessageType, number> = new Map(MESSAGE_TYPES.map((t, i) => [t, i]));

/** enum ofp_type, OpenFlow 1.0.0 section 5.1. */
export const OFPT_10: ReadonlyMap<MessageType, number> = new Map<MessageType, number>([
  ['OFPT_HELLO', 0], ['OFPT_ERROR', 1], ['OFPT_ECHO_REQUEST', 2], ['OFPT_ECHO_REPLY', 3], ['OFPT_EXPERIMENTER', 4],
  ['OFPT_FEATURES_REQUEST', 5], ['OFPT_FEATURES_REPLY', 6], ['OFPT_GET_CONFIG_REQUEST', 7], ['OFPT_GET_CONFIG_REPLY', 8],
  ['OFPT_SET_CONFIG', 9], ['OFPT_PACKET_IN', 10], ['OFPT_FLOW_REMOVED', 11], ['OFPT_PORT_STATUS', 12],
  ['OFPT_PACKET_OUT', 13], ['OFPT_FLOW_MOD', 14], ['OFPT_PORT_MOD', 15], ['OFPT_MULTIPART_REQUEST', 16],
  ['OFPT_MULTIPART_REPLY', 17], ['OFPT_BARRIER_REQUEST', 18], ['OFPT_BARRIER_REPLY', 19],
  ['OFPT_QUEUE_GET_CONFIG_REQUEST', 20], ['OFPT_QUEUE_GET_CONFIG_REPLY', 21],
]);

/** The ofp_type number of 'type' in 'version', or undefined when that version has no such message. */
export function wireType(type: MessageType, version: number): number | undefined {
  return (version === OFP_VERSION_1_0 ? OFPT_10 : OFPT_13).get(type);
}

/** The model name of wire type 'n' in 'version'. */
export function messageTypeOf(n: number, version: number): MessageType | undefined {
  for (const [t, v] of version === OFP_VERSION_1_0 ? OFPT_10 : OFPT_13) if (v === n) return t;
  return undefined;
}

/** enum ofp_multipart_type (1.3.5 section 7.3.5); 1.0's ofp_stats_types share 0-5 and 0xffff. */
export const MULTIPART_TYPES = {
  OFPMP_DESC: 0, OFPMP_FLOW: 1, OFPMP_AGGREGATE: 2, OFPMP_TABLE: 3, OFPMP_PORT_STATS: 4, OFPMP_QUEUE: 5,
  OFPMP_GROUP: 6, OFPMP_GROUP_DESC: 7, OFPMP_GROUP_FEATURES: 8, OFPMP_METER: 9, OFPMP_METER_CONFIG: 10,
  OFPMP_METER_FEATURES: 11, OFPMP_TABLE_FEATURES: 12, OFPMP_PORT_DESC: 13, OFPMP_EXPERIMENTER: 0xffff,
} as const;
export type MultipartType = keyof typeof MULTIPART_TYPES;
// OFPMP_PORT_DESC (13) is Open vSwitch's extension of 1.0 (OFPST10_PORT_DESC,
// a void request answered by ofp_phy_port[]): ovs-ofctl -O OpenFlow10
// dump-ports-desc sends it.
export const MULTIPART_TYPES_10: readonly MultipartType[] = ['OFPMP_DESC', 'OFPMP_FLOW', 'OFPMP_AGGREGATE', 'OFPMP_TABLE', 'OFPMP_PORT_STATS', 'OFPMP_QUEUE', 'OFPMP_PORT_DESC', 'OFPMP_EXPERIMENTER'];
export const OFPMPF_REQ_MORE = 1;
export const OFPMPF_REPLY_MORE = 1;

/** enum ofp_action_type, OpenFlow 1.3.5 section 7.2.5. */
export const OFPAT_13 = {
  OFPAT_OUTPUT: 0, OFPAT_COPY_TTL_OUT: 11, OFPAT_COPY_TTL_IN: 12, OFPAT_SET_MPLS_TTL: 15, OFPAT_DEC_MPLS_TTL: 16,
  OFPAT_PUSH_VLAN: 17, OFPAT_POP_VLAN: 18, OFPAT_PUSH_MPLS: 19, OFPAT_POP_MPLS: 20, OFPAT_SET_QUEUE: 21,
  OFPAT_GROUP: 22, OFPAT_SET_NW_TTL: 23, OFPAT_DEC_NW_TTL: 24, OFPAT_SET_FIELD: 25, OFPAT_PUSH_PBB: 26,
  OFPAT_POP_PBB: 27, OFPAT_EXPERIMENTER: 0xffff,
} as const;

/** enum ofp_action_type, OpenFlow 1.0.0 section 5.2.4. */
export const OFPAT_10 = {
  OFPAT_OUTPUT: 0, OFPAT_SET_VLAN_VID: 1, OFPAT_SET_VLAN_PCP: 2, OFPAT_STRIP_VLAN: 3, OFPAT_SET_DL_SRC: 4,
  OFPAT_SET_DL_DST: 5, OFPAT_SET_NW_SRC: 6, OFPAT_SET_NW_DST: 7, OFPAT_SET_NW_TOS: 8, OFPAT_SET_TP_SRC: 9,
  OFPAT_SET_TP_DST: 10, OFPAT_ENQUEUE: 11, OFPAT_VENDOR: 0xffff,
} as const;

/** enum ofp_instruction_type, OpenFlow 1.3.5 section 7.2.4. */
export const OFPIT = {
  OFPIT_GOTO_TABLE: 1, OFPIT_WRITE_METADATA: 2, OFPIT_WRITE_ACTIONS: 3, OFPIT_APPLY_ACTIONS: 4,
  OFPIT_CLEAR_ACTIONS: 5, OFPIT_METER: 6, OFPIT_EXPERIMENTER: 0xffff,
} as const;

/** enum ofp_flow_mod_command (1.3.5 section 7.3.4.1; 1.0 has the same numbers in 16 bits). */
export const FLOW_MOD_COMMANDS = ['OFPFC_ADD', 'OFPFC_MODIFY', 'OFPFC_MODIFY_STRICT', 'OFPFC_DELETE', 'OFPFC_DELETE_STRICT'] as const;
export type FlowModCommand = (typeof FLOW_MOD_COMMANDS)[number];

/** ofp_flow_mod_flags bits in the order of flow.ts FLOW_FLAGS (1.3.5 section 7.3.4.1). */
export const OFPFF_13 = [1, 2, 4, 8, 16] as const;
/** 1.0's OFPFF_SEND_FLOW_REM and OFPFF_CHECK_OVERLAP (OFPFF_EMERG, 4, is not supported). */
export const OFPFF_10 = [1, 2] as const;
export const OFPFF_EMERG_10 = 4;

/** enum ofp_group_mod_command, ofp_group_type (1.3.5 section 7.3.4.2). */
export const GROUP_MOD_COMMANDS = ['OFPGC_ADD', 'OFPGC_MODIFY', 'OFPGC_DELETE'] as const;
export type GroupModCommand = (typeof GROUP_MOD_COMMANDS)[number];
export const GROUP_TYPES = ['OFPGT_ALL', 'OFPGT_SELECT', 'OFPGT_INDIRECT', 'OFPGT_FF'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];
export const OFPG_MAX = 0xffffff00;
export const OFPG_ALL = 0xfffffffc;
export const OFPG_ANY = 0xffffffff;

/** enum ofp_meter_mod_command, ofp_meter_band_type (1.3.5 section 7.3.4.4). */
export const METER_MOD_COMMANDS = ['OFPMC_ADD', 'OFPMC_MODIFY', 'OFPMC_DELETE'] as const;
export type MeterModCommand = (typeof METER_MOD_COMMANDS)[number];
export const OFPMBT_DROP = 1;
export const OFPMBT_DSCP_REMARK = 2;
export const OFPMBT_EXPERIMENTER = 0xffff;
export const OFPM_MAX = 0xffff0000;
export const OFPM_ALL = 0xffffffff;

/** Table ids (1.3.5 section 7.2.1... ofp_table). */
export const OFPTT_MAX = 0xfe;
export const OFPTT_ALL = 0xff;

/** OFPVID_PRESENT and OFPVID_NONE (1.3.5 section 7.2.3.8). */
export const OFPVID_PRESENT = 0x1000;
export const OFPVID_NONE = 0x0000;
/** 1.0's dl_vlan value for "no VLAN tag" (OFP_VLAN_NONE). */
export const OFP_VLAN_NONE_10 = 0xffff;

/** enum ofp_controller_role (1.3.5 section 7.3.9). */
export const CONTROLLER_ROLES = ['OFPCR_ROLE_NOCHANGE', 'OFPCR_ROLE_EQUAL', 'OFPCR_ROLE_MASTER', 'OFPCR_ROLE_SLAVE'] as const;
export type ControllerRole = (typeof CONTROLLER_ROLES)[number];

/** enum ofp_hello_elem_type (1.3.5 section 7.5.1). */
export const OFPHET_VERSIONBITMAP = 1;

/** enum ofp_table_feature_prop_type (1.3.5 section 7.3.5.5.2). */
export const TABLE_FEATURE_PROPS = {
  OFPTFPT_INSTRUCTIONS: 0, OFPTFPT_INSTRUCTIONS_MISS: 1, OFPTFPT_NEXT_TABLES: 2, OFPTFPT_NEXT_TABLES_MISS: 3,
  OFPTFPT_WRITE_ACTIONS: 4, OFPTFPT_WRITE_ACTIONS_MISS: 5, OFPTFPT_APPLY_ACTIONS: 6, OFPTFPT_APPLY_ACTIONS_MISS: 7,
  OFPTFPT_MATCH: 8, OFPTFPT_WILDCARDS: 10, OFPTFPT_WRITE_SETFIELD: 12, OFPTFPT_WRITE_SETFIELD_MISS: 13,
  OFPTFPT_APPLY_SETFIELD: 14, OFPTFPT_APPLY_SETFIELD_MISS: 15, OFPTFPT_EXPERIMENTER: 0xfffe,
  OFPTFPT_EXPERIMENTER_MISS: 0xffff,
} as const;
export type TableFeaturePropType = keyof typeof TABLE_FEATURE_PROPS;

/** enum ofp_queue_properties (1.3.5 section 7.2.2; 1.0 has OFPQT_MIN_RATE only). */
export const OFPQT_MIN_RATE = 1;
export const OFPQT_MAX_RATE = 2;
export const OFPQT_EXPERIMENTER = 0xffff;

/** 1.0 ports are 16 bits; reserved ones (>= OFPP_MAX 0xff00) map onto 1.3's by sign extension (section 5.2.1 of 1.0). */
export function port10To13(p: number): number {
  return p >= 0xff00 ? (0xffff0000 | p) >>> 0 : p;
}

/** The 16-bit 1.0 number of a 1.3 port, or undefined when 1.0 cannot express it. */
export function port13To10(p: number): number | undefined {
  if (p >= 0xffffff00) return p & 0xffff;
  return p < 0xff00 ? p : undefined;
}
