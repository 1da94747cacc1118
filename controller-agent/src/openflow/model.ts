// The version-independent OpenFlow message model: what decodeMessage()
// returns and encodeMessage() takes, whatever the wire version.
//
// What?  One TypeScript type per message, discriminated by its 1.3 spec
// name (`type: 'OFPT_FLOW_MOD'`); multipart bodies are discriminated by
// their OFPMP_ name.  Matches, actions and instructions are those of
// ovs-compat's flow model (ovs-compat/src/flow.ts): a FieldMatch list with
// OXM (1.3) semantics, so an OpenFlow 1.0 match comes out as the same
// fields (dl_vlan 5 is vlan_vid 0x1005, nw_tos is ip_dscp), and a 1.0 flow
// mod's action list is its apply-actions.
//
// Design.  Semantics are OpenFlow 1.3's; a field only one version has is
// optional and named for it (`maxEntries10`).  Numbers that are flags or
// enums stay numbers unless the model gives them names (flow mod commands
// and flags, roles, group types).  Every 64-bit value is a bigint.  Match
// lists keep wire order, so encode(decode(bytes)) gives the bytes back.
//
// Thread-safety: plain data.

import type { Action as FlowAction, FieldMatch, FlowFlag, Instructions } from '../../../ovs-compat/src/flow';
import type { ControllerRole, FlowModCommand, GroupModCommand, GroupType, MeterModCommand, MultipartType, TableFeaturePropType } from './constants';

export type { FieldMatch, FlowFlag, Instructions };

/**
 * Actions: the flow model's plus those it has no use for but the wire
 * carries.  1.0's set-actions decode to set_field where the field is
 * certain (SET_DL_SRC is set_field eth_src); 1.0's SET_TP_SRC/DST, whose
 * field depends on the packet, stay 'set_tp_port'.
 */
export type Action =
  | FlowAction
  | { type: 'set_nw_ttl'; ttl: number }
  | { type: 'push_pbb'; ethertype: number }
  | { type: 'pop_pbb' }
  | { type: 'enqueue'; port: number; queue: number }
  | { type: 'set_tp_port'; which: 'src' | 'dst'; port: number };

/** Instructions whose action lists may hold any codec action. */
export interface CodecInstructions extends Omit<Instructions, 'apply' | 'writeActions'> {
  apply: Action[];
  writeActions?: Action[];
}

/** An ofp_port (1.3.5 section 7.2.1) or 1.0 ofp_phy_port (no speeds). */
export interface Port {
  portNo: number;
  hwAddr: bigint;
  name: string;
  config: number;
  state: number;
  curr: number;
  advertised: number;
  supported: number;
  peer: number;
  /** kbps; 1.3 only (0 in 1.0). */
  currSpeed: number;
  maxSpeed: number;
}

export interface Bucket {
  weight: number;
  watchPort: number;
  watchGroup: number;
  actions: Action[];
}

export type MeterBand =
  | { type: 'OFPMBT_DROP'; rate: number; burstSize: number }
  | { type: 'OFPMBT_DSCP_REMARK'; rate: number; burstSize: number; precLevel: number }
  | { type: 'OFPMBT_EXPERIMENTER'; rate: number; burstSize: number; experimenter: number; data: Buffer };

export interface QueueProperty {
  /** OFPQT_MIN_RATE, OFPQT_MAX_RATE (1/10 of a percent) or OFPQT_EXPERIMENTER. */
  property: number;
  rate?: number;
  experimenter?: number;
  data?: Buffer;
}

export interface PacketQueue {
  queueId: number;
  /** 1.3 only (the port the queue is attached to). */
  port: number;
  properties: QueueProperty[];
}

/** The fields shared by FLOW_MOD, multipart FLOW and AGGREGATE requests' filters. */
export interface FlowFilter {
  table: number;
  outPort: number;
  /** 1.3 only (OFPG_ANY in 1.0). */
  outGroup: number;
  cookie: bigint;
  cookieMask: bigint;
  match: FieldMatch[];
}

export interface FlowMod {
  command: FlowModCommand;
  table: number;
  priority: number;
  cookie: bigint;
  cookieMask: bigint;
  idleTimeout: number;
  hardTimeout: number;
  bufferId: number;
  outPort: number;
  outGroup: number;
  flags: FlowFlag[];
  match: FieldMatch[];
  instructions: CodecInstructions;
}

export interface FlowStats {
  table: number;
  durationSec: number;
  durationNsec: number;
  priority: number;
  idleTimeout: number;
  hardTimeout: number;
  /** 1.3 only. */
  flags: FlowFlag[];
  cookie: bigint;
  packetCount: bigint;
  byteCount: bigint;
  match: FieldMatch[];
  instructions: CodecInstructions;
}

export interface TableStats {
  tableId: number;
  activeCount: number;
  lookupCount: bigint;
  matchedCount: bigint;
  /** 1.0 only. */
  name10?: string;
  wildcards10?: number;
  maxEntries10?: number;
}

export interface PortStats {
  portNo: number;
  rxPackets: bigint;
  txPackets: bigint;
  rxBytes: bigint;
  txBytes: bigint;
  rxDropped: bigint;
  txDropped: bigint;
  rxErrors: bigint;
  txErrors: bigint;
  rxFrameErr: bigint;
  rxOverErr: bigint;
  rxCrcErr: bigint;
  collisions: bigint;
  /** 1.3 only. */
  durationSec: number;
  durationNsec: number;
}

export interface QueueStats {
  portNo: number;
  queueId: number;
  txBytes: bigint;
  txPackets: bigint;
  txErrors: bigint;
  durationSec: number;
  durationNsec: number;
}

export interface GroupStats {
  groupId: number;
  refCount: number;
  packetCount: bigint;
  byteCount: bigint;
  durationSec: number;
  durationNsec: number;
  buckets: { packetCount: bigint; byteCount: bigint }[];
}

export interface GroupDesc {
  groupType: GroupType;
  groupId: number;
  buckets: Bucket[];
}

export interface MeterStats {
  meterId: number;
  flowCount: number;
  packetInCount: bigint;
  byteInCount: bigint;
  durationSec: number;
  durationNsec: number;
  bands: { packetCount: bigint; byteCount: bigint }[];
}

export interface MeterConfig {
  flags: number;
  meterId: number;
  bands: MeterBand[];
}

/** One table feature property (1.3.5 section 7.3.5.5.2). */
export type TableFeatureProp =
  | { type: 'OFPTFPT_INSTRUCTIONS' | 'OFPTFPT_INSTRUCTIONS_MISS'; instructions: { type: number; experimenter?: number }[] }
  | { type: 'OFPTFPT_NEXT_TABLES' | 'OFPTFPT_NEXT_TABLES_MISS'; tables: number[] }
  | { type: 'OFPTFPT_WRITE_ACTIONS' | 'OFPTFPT_WRITE_ACTIONS_MISS' | 'OFPTFPT_APPLY_ACTIONS' | 'OFPTFPT_APPLY_ACTIONS_MISS'; actions: { type: number; experimenter?: number }[] }
  | { type: 'OFPTFPT_MATCH' | 'OFPTFPT_WILDCARDS' | 'OFPTFPT_WRITE_SETFIELD' | 'OFPTFPT_WRITE_SETFIELD_MISS' | 'OFPTFPT_APPLY_SETFIELD' | 'OFPTFPT_APPLY_SETFIELD_MISS'; oxmIds: number[] }
  | { type: 'OFPTFPT_EXPERIMENTER' | 'OFPTFPT_EXPERIMENTER_MISS'; experimenter: number; expType: number; data: Buffer };

export interface TableFeatures {
  tableId: number;
  name: string;
  metadataMatch: bigint;
  metadataWrite: bigint;
  config: number;
  maxEntries: number;
  properties: TableFeatureProp[];
}

export type { TableFeaturePropType };

export interface Desc {
  mfrDesc: string;
  hwDesc: string;
  swDesc: string;
  serialNum: string;
  dpDesc: string;
}

/** Multipart (1.0: stats) request bodies by type. */
export type MultipartRequestBody =
  | { mpType: 'OFPMP_DESC' | 'OFPMP_TABLE' | 'OFPMP_GROUP_DESC' | 'OFPMP_GROUP_FEATURES' | 'OFPMP_METER_FEATURES' | 'OFPMP_PORT_DESC' }
  | { mpType: 'OFPMP_FLOW' | 'OFPMP_AGGREGATE'; filter: FlowFilter }
  | { mpType: 'OFPMP_PORT_STATS'; portNo: number }
  | { mpType: 'OFPMP_QUEUE'; portNo: number; queueId: number }
  | { mpType: 'OFPMP_GROUP'; groupId: number }
  | { mpType: 'OFPMP_METER' | 'OFPMP_METER_CONFIG'; meterId: number }
  | { mpType: 'OFPMP_TABLE_FEATURES'; tables: TableFeatures[] }
  | { mpType: 'OFPMP_EXPERIMENTER'; experimenter: number; expType: number; data: Buffer };

/** Multipart reply bodies by type; list bodies are what REPLY_MORE splits. */
export type MultipartReplyBody =
  | { mpType: 'OFPMP_DESC'; desc: Desc }
  | { mpType: 'OFPMP_FLOW'; flows: FlowStats[] }
  | { mpType: 'OFPMP_AGGREGATE'; packetCount: bigint; byteCount: bigint; flowCount: number }
  | { mpType: 'OFPMP_TABLE'; tables: TableStats[] }
  | { mpType: 'OFPMP_PORT_STATS'; ports: PortStats[] }
  | { mpType: 'OFPMP_QUEUE'; queues: QueueStats[] }
  | { mpType: 'OFPMP_GROUP'; groups: GroupStats[] }
  | { mpType: 'OFPMP_GROUP_DESC'; groups: GroupDesc[] }
  | { mpType: 'OFPMP_GROUP_FEATURES'; types: number; capabilities: number; maxGroups: number[]; actions: number[] }
  | { mpType: 'OFPMP_METER'; meters: MeterStats[] }
  | { mpType: 'OFPMP_METER_CONFIG'; meters: MeterConfig[] }
  | { mpType: 'OFPMP_METER_FEATURES'; maxMeter: number; bandTypes: number; capabilities: number; maxBands: number; maxColor: number }
  | { mpType: 'OFPMP_TABLE_FEATURES'; tables: TableFeatures[] }
  | { mpType: 'OFPMP_PORT_DESC'; ports: Port[] }
  | { mpType: 'OFPMP_EXPERIMENTER'; experimenter: number; expType: number; data: Buffer };

export type { MultipartType };

/** Every message: its version, xid and body. */
export type OfMessage = { version: number; xid: number } & MessageBody;

export type MessageBody =
  /** 'versions': the HELLO's version bitmap, or undefined when it has none (1.3.5 section 7.5.1). */
  | { type: 'OFPT_HELLO'; versions?: number[] }
  /** 'errType' 0xffff (1.3) is an experimenter error: 'code' is its exp_type. */
  | { type: 'OFPT_ERROR'; errType: number; code: number; experimenter?: number; data: Buffer }
  | { type: 'OFPT_ECHO_REQUEST' | 'OFPT_ECHO_REPLY'; data: Buffer }
  /** 1.0 OFPT_VENDOR has no exp_type: it is the first 4 bytes of 'data' there, so expType is undefined. */
  | { type: 'OFPT_EXPERIMENTER'; experimenter: number; expType?: number; data: Buffer }
  | { type: 'OFPT_FEATURES_REQUEST' | 'OFPT_GET_CONFIG_REQUEST' | 'OFPT_BARRIER_REQUEST' | 'OFPT_BARRIER_REPLY' | 'OFPT_GET_ASYNC_REQUEST' }
  | {
      type: 'OFPT_FEATURES_REPLY';
      datapathId: bigint;
      nBuffers: number;
      nTables: number;
      /** 1.3 only. */
      auxiliaryId: number;
      capabilities: number;
      /** 1.0 only: supported actions bitmap and the ports. */
      actions10?: number;
      ports10?: Port[];
    }
  | { type: 'OFPT_GET_CONFIG_REPLY' | 'OFPT_SET_CONFIG'; flags: number; missSendLen: number }
  | {
      type: 'OFPT_PACKET_IN';
      bufferId: number;
      totalLen: number;
      reason: number;
      /** 1.3 only (0 and 0n in 1.0). */
      tableId: number;
      cookie: bigint;
      /** In 1.0, in_port alone. */
      match: FieldMatch[];
      data: Buffer;
    }
  | {
      type: 'OFPT_FLOW_REMOVED';
      cookie: bigint;
      priority: number;
      reason: number;
      /** 1.3 only. */
      tableId: number;
      durationSec: number;
      durationNsec: number;
      idleTimeout: number;
      /** 1.3 only. */
      hardTimeout: number;
      packetCount: bigint;
      byteCount: bigint;
      match: FieldMatch[];
    }
  | { type: 'OFPT_PORT_STATUS'; reason: number; port: Port }
  | { type: 'OFPT_PACKET_OUT'; bufferId: number; inPort: number; actions: Action[]; data: Buffer }
  | ({ type: 'OFPT_FLOW_MOD' } & FlowMod)
  | { type: 'OFPT_GROUP_MOD'; command: GroupModCommand; groupType: GroupType; groupId: number; buckets: Bucket[] }
  | { type: 'OFPT_PORT_MOD'; portNo: number; hwAddr: bigint; config: number; mask: number; advertise: number }
  | { type: 'OFPT_TABLE_MOD'; tableId: number; config: number }
  | ({ type: 'OFPT_MULTIPART_REQUEST'; flags: number } & MultipartRequestBody)
  | ({ type: 'OFPT_MULTIPART_REPLY'; flags: number } & MultipartReplyBody)
  | { type: 'OFPT_QUEUE_GET_CONFIG_REQUEST'; port: number }
  | { type: 'OFPT_QUEUE_GET_CONFIG_REPLY'; port: number; queues: PacketQueue[] }
  | { type: 'OFPT_ROLE_REQUEST' | 'OFPT_ROLE_REPLY'; role: ControllerRole; generationId: bigint }
  | { type: 'OFPT_GET_ASYNC_REPLY' | 'OFPT_SET_ASYNC'; packetInMask: [number, number]; portStatusMask: [number, number]; flowRemovedMask: [number, number] }
  | { type: 'OFPT_METER_MOD'; command: MeterModCommand; flags: number; meterId: number; bands: MeterBand[] };

/** The message of type 'T'. */
// Distributes over the union: a member whose 'type' is a union of names
// (ECHO_REQUEST | ECHO_REPLY) is the message of each of them.
export type MessageOf<T extends OfMessage['type']> = OfMessage extends infer M ? (M extends { type: infer U } ? ([T] extends [U] ? M : never) : never) : never;

/** A message of type 'T' without its header fields: what a body decoder returns. */
export type Body<T extends OfMessage['type']> = Omit<MessageOf<T>, 'version' | 'xid'>;
