// Which asynchronous messages a session wants: the OpenFlow 1.3 async
// configuration (OFPT_SET_ASYNC / OFPT_GET_ASYNC, 1.3.5 section 7.3.10).
//
// What?  Three pairs of bitmasks, one pair per message (PACKET_IN by
// OFPR_* reason, PORT_STATUS by OFPPR_*, FLOW_REMOVED by OFPRR_*); the
// first mask of a pair applies to MASTER and EQUAL sessions, the second to
// SLAVE ones.  A message goes out when its reason's bit is set in the mask
// for the session's current role.
//
// Design.  The defaults are the spec's (section 6.1.1, "Controller
// roles"), which Open vSwitch also uses: masters and equals get packet-ins
// for table misses and actions (not invalid TTL), every port status and
// every flow removed; slaves get port status only.  OpenFlow 1.0 has no
// async configuration and no roles: every session gets everything, which
// is what allowsAsync() answers for a 1.0 session.
//
// Implicit table misses (a packet no flow matched, in a table without a
// table-miss flow) are OpenFlow 1.0's packet-ins only: 1.3 drops them
// (1.3.5 section 5.4).  Open vSwitch sends them while some connection
// speaks a version below 1.3, to those connections only (ofproto/connmgr.c
// update_want_packet_in_on_miss counts every connection, management ones
// included, whose version is below 1.3; lib/ofp-connection.c lets no
// 1.3 async config enable OFPR_IMPLICIT_MISS).  wantsImplicitMiss() is that
// rule; table-miss.ts applies it.  A table-miss flow's own packet-in
// (reason no_match in 1.3) is, below 1.3, an action's: OpenFlow 1.0 knows
// no table-miss flows (lib/ofp-packet.c encodes OFPR_EXPLICIT_MISS as
// OFPR_ACTION there; a real ovs-vswitchd's 1.0 monitor says "via action").
// packetInAsSeenBy() makes that translation.
//
// Thread-safety: plain data, event-loop only.

import { OFP_VERSION_1_0, OFP_VERSION_1_3 } from '../openflow';
import type { AsyncMessage, SendAsyncOptions, SessionRole } from './types';

/** enum ofp_packet_in_reason (1.3.5 section 7.4.1). */
export const OFPR_NO_MATCH = 0;
export const OFPR_ACTION = 1;
export const OFPR_INVALID_TTL = 2;
/** enum ofp_port_reason (section 7.4.3). */
export const OFPPR_ADD = 0;
export const OFPPR_DELETE = 1;
export const OFPPR_MODIFY = 2;
/** enum ofp_flow_removed_reason (section 7.4.2). */
export const OFPRR_IDLE_TIMEOUT = 0;
export const OFPRR_HARD_TIMEOUT = 1;
export const OFPRR_DELETE = 2;
export const OFPRR_GROUP_DELETE = 3;

export interface AsyncMasks {
  packetInMask: [number, number];
  portStatusMask: [number, number];
  flowRemovedMask: [number, number];
}

const bits = (...reasons: number[]): number => reasons.reduce((m, r) => (m | (1 << r)) >>> 0, 0);

/** The configuration a 1.3 session starts with. */
export function defaultAsyncMasks(): AsyncMasks {
  return {
    packetInMask: [bits(OFPR_NO_MATCH, OFPR_ACTION), 0],
    portStatusMask: [bits(OFPPR_ADD, OFPPR_DELETE, OFPPR_MODIFY), bits(OFPPR_ADD, OFPPR_DELETE, OFPPR_MODIFY)],
    flowRemovedMask: [bits(OFPRR_IDLE_TIMEOUT, OFPRR_HARD_TIMEOUT, OFPRR_DELETE, OFPRR_GROUP_DELETE), 0],
  };
}

/** Whether a session of 'version' and 'role' with 'masks' receives 'msg'. */
export function allowsAsync(masks: AsyncMasks, version: number, role: SessionRole, msg: AsyncMessage): boolean {
  if (version === OFP_VERSION_1_0) return true;
  const pair = msg.type === 'OFPT_PACKET_IN' ? masks.packetInMask : msg.type === 'OFPT_PORT_STATUS' ? masks.portStatusMask : masks.flowRemovedMask;
  const mask = pair[role === 'OFPCR_ROLE_SLAVE' ? 1 : 0];
  // A reason beyond the mask's 32 bits cannot be enabled.
  return msg.reason < 32 && ((mask >>> msg.reason) & 1) === 1;
}

/**
 * Whether a session of 'version' gets implicit table misses, and so wants
 * the switch to send them at all (OpenFlow below 1.3; 0 = not negotiated
 * yet, which gets nothing).
 */
export function wantsImplicitMiss(version: number): boolean {
  return version !== 0 && version < OFP_VERSION_1_3;
}

/**
 * 'msg' as a session of 'version' should get it: below 1.3 a PACKET_IN of
 * reason no_match that is not an implicit miss ('opts'.tableMiss) came
 * from a table-miss flow's action, and says so.
 */
export function packetInAsSeenBy(version: number, msg: AsyncMessage, opts: SendAsyncOptions): AsyncMessage {
  if (msg.type !== 'OFPT_PACKET_IN' || msg.reason !== OFPR_NO_MATCH || opts.tableMiss === true || !wantsImplicitMiss(version)) return msg;
  return { ...msg, reason: OFPR_ACTION };
}
