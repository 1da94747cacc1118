// What a session answers about a request without its handler: the
// spec's rules on who may send what, and how an error names the request
// it refuses.  Used by session.ts.
//
// What?  SWITCH_TO_CONTROLLER lists the messages only a switch sends
// (receiving one is OFPBRC_BAD_TYPE); isModification() says whether a
// request changes switch state, which a slave may not send (OpenFlow
// 1.3.5 section 6.3.5: OFPBRC_IS_SLAVE); withRequest() fills in an
// error's xid and quoted bytes from the request (section 7.4.4);
// handlerError() is what a request gets when its handler threw.
//
// Thread-safety: pure functions over constant tables.

import { OFP_ERROR_DATA_LEN, OpenFlowError } from '../openflow';
import type { OfMessage } from '../openflow';

/** Messages a slave may not send (OpenFlow 1.3.5 section 6.3.5). */
const SLAVE_FORBIDDEN = new Set<OfMessage['type']>(['OFPT_FLOW_MOD', 'OFPT_GROUP_MOD', 'OFPT_METER_MOD', 'OFPT_PACKET_OUT', 'OFPT_PORT_MOD', 'OFPT_TABLE_MOD']);

/** Messages only a switch sends: receiving one is OFPBRC_BAD_TYPE. */
export const SWITCH_TO_CONTROLLER: ReadonlySet<OfMessage['type']> = new Set<OfMessage['type']>([
  'OFPT_FEATURES_REPLY', 'OFPT_GET_CONFIG_REPLY', 'OFPT_PACKET_IN', 'OFPT_FLOW_REMOVED', 'OFPT_PORT_STATUS', 'OFPT_MULTIPART_REPLY',
  'OFPT_BARRIER_REPLY', 'OFPT_QUEUE_GET_CONFIG_REPLY', 'OFPT_ROLE_REPLY', 'OFPT_GET_ASYNC_REPLY',
]);

/** A request that changes switch state (1.3.5 section 6.3.5), which a slave may not send. */
export function isModification(msg: OfMessage): boolean {
  if (SLAVE_FORBIDDEN.has(msg.type)) return true;
  // A TABLE_FEATURES request with a body sets the tables' features.
  return msg.type === 'OFPT_MULTIPART_REQUEST' && msg.mpType === 'OFPMP_TABLE_FEATURES' && msg.tables.length > 0;
}

/** 'err' with the request's xid and, unless it quotes something already, the request's first 64 bytes. */
export function withRequest(err: OpenFlowError, raw: Buffer): OpenFlowError {
  err.xid = raw.length >= 8 ? raw.readUInt32BE(4) : 0;
  if (err.data.length === 0) err.data = Buffer.from(raw.subarray(0, OFP_ERROR_DATA_LEN));
  return err;
}

/** What a request gets when its handler threw 'e': that OpenFlowError, or OFPBRC_EPERM for anything else. */
export function handlerError(e: unknown): OpenFlowError {
  return e instanceof OpenFlowError ? e : new OpenFlowError('OFPBRC_EPERM', `handler failure: ${(e as Error).message}`);
}
