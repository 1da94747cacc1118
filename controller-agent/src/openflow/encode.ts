// encodeMessage: a model message into its bytes for its version (1.0 or
// 1.3), header included.
//
// What?  The inverse of decodeMessage.  A message or field the version
// cannot express (a GROUP_MOD on 1.0, a goto-table in a 1.0 flow mod) is an
// EncodeError: the caller's mistake, never the peer's.  A multipart reply
// too long for one message must go through splitReply() first;
// encodeMessage refuses to write more than 65535 bytes.
//
// Thread-safety: pure function.

import { OFP_VERSION_1_0, wireType } from './constants';
import { encodeAsync, encodeRole } from './controller13';
import { EncodeError, isSupportedVersion } from './errors';
import { encodeFlowMod10 } from './flow-mod10';
import { encodeFlowMod13 } from './flow-mod13';
import { encodeGroupMod, encodeMeterMod } from './group-meter13';
import { finishMessage, startMessage } from './header';
import { encodeError, encodeExperimenter, encodeHello } from './hello';
import type { OfMessage } from './model';
import { encodeStatsReply10, encodeStatsRequest10 } from './multipart10';
import { encodeMultipartReply13, encodeMultipartRequest13 } from './multipart13';
import { encodeFlowRemoved, encodePacketIn, encodePacketOut } from './packet';
import { encodeQueueGetConfigReply, encodeQueueGetConfigRequest } from './queue-config';
import { encodeFeaturesReply, encodePortMod, encodePortStatus, encodeSwitchConfig, encodeTableMod } from './switch-config';
import { Writer } from './wire';

export function encodeMessage(m: OfMessage): Buffer {
  const v = m.version;
  // A HELLO goes out in any version (it advertises what we speak); the rest only in ours.
  const wire = m.type === 'OFPT_HELLO' ? 0 : wireType(m.type, v);
  if (m.type !== 'OFPT_HELLO' && !isSupportedVersion(v)) throw new EncodeError(`cannot encode ${m.type} for version 0x${v.toString(16)}`);
  if (wire === undefined) throw new EncodeError(`OpenFlow 0x0${v} has no ${m.type}`);
  const w = startMessage(v, wire, m.xid);
  encodeBody(w, m);
  return finishMessage(w);
}

function encodeBody(w: Writer, m: OfMessage): void {
  const v = m.version;
  switch (m.type) {
    case 'OFPT_HELLO': encodeHello(w, m); return;
    case 'OFPT_ERROR': encodeError(w, m); return;
    case 'OFPT_ECHO_REQUEST': case 'OFPT_ECHO_REPLY': w.bytes(m.data); return;
    case 'OFPT_EXPERIMENTER': encodeExperimenter(w, m, v); return;
    case 'OFPT_FEATURES_REQUEST': case 'OFPT_GET_CONFIG_REQUEST': case 'OFPT_BARRIER_REQUEST': case 'OFPT_BARRIER_REPLY':
    case 'OFPT_GET_ASYNC_REQUEST':
      return;
    case 'OFPT_FEATURES_REPLY': encodeFeaturesReply(w, m, v); return;
    case 'OFPT_GET_CONFIG_REPLY': case 'OFPT_SET_CONFIG': encodeSwitchConfig(w, m); return;
    case 'OFPT_PACKET_IN': encodePacketIn(w, m, v); return;
    case 'OFPT_FLOW_REMOVED': encodeFlowRemoved(w, m, v); return;
    case 'OFPT_PORT_STATUS': encodePortStatus(w, m, v); return;
    case 'OFPT_PACKET_OUT': encodePacketOut(w, m, v); return;
    case 'OFPT_FLOW_MOD': if (v === OFP_VERSION_1_0) encodeFlowMod10(w, m); else encodeFlowMod13(w, m); return;
    case 'OFPT_GROUP_MOD': encodeGroupMod(w, m); return;
    case 'OFPT_PORT_MOD': encodePortMod(w, m, v); return;
    case 'OFPT_TABLE_MOD': encodeTableMod(w, m); return;
    case 'OFPT_MULTIPART_REQUEST': if (v === OFP_VERSION_1_0) encodeStatsRequest10(w, m); else encodeMultipartRequest13(w, m); return;
    case 'OFPT_MULTIPART_REPLY': if (v === OFP_VERSION_1_0) encodeStatsReply10(w, m); else encodeMultipartReply13(w, m); return;
    case 'OFPT_QUEUE_GET_CONFIG_REQUEST': encodeQueueGetConfigRequest(w, m, v); return;
    case 'OFPT_QUEUE_GET_CONFIG_REPLY': encodeQueueGetConfigReply(w, m, v); return;
    case 'OFPT_ROLE_REQUEST': case 'OFPT_ROLE_REPLY': encodeRole(w, m); return;
    case 'OFPT_GET_ASYNC_REPLY': case 'OFPT_SET_ASYNC': encodeAsync(w, m); return;
    case 'OFPT_METER_MOD': encodeMeterMod(w, m); return;
  }
}
