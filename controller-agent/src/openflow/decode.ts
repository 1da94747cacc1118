// decodeMessage: one framed OpenFlow message (1.0 or 1.3) into the model.
//
// What?  Reads the header, picks the body decoder for (version, type) and
// makes sure the body was consumed exactly.  Whatever the peer got wrong
// comes out as an OpenFlowError carrying the spec's error name, the
// message's xid and its first OFP_ERROR_DATA_LEN bytes: everything the
// agent needs to send the OFPT_ERROR of OpenFlow 1.3.5 section 7.4.4, the
// same on 1.0 connections through the error table.  Nothing else is thrown
// for bad input.
//
// Design.  A HELLO of any version decodes (negotiation needs to read a 1.5
// HELLO); any other message of a version we do not speak is
// OFPBRC_BAD_VERSION, an unknown type OFPBRC_BAD_TYPE.  Trailing bytes
// after a fixed-size body are OFPBRC_BAD_LEN.
//
// Thread-safety: pure function.

import { OFP_HEADER_LEN, OFP_VERSION_1_0, messageTypeOf } from './constants';
import { isSupportedVersion, OFP_ERROR_DATA_LEN, OpenFlowError } from './errors';
import { decodeRole, decodeAsync } from './controller13';
import { decodeFlowMod10 } from './flow-mod10';
import { decodeFlowMod13 } from './flow-mod13';
import { decodeGroupMod, decodeMeterMod } from './group-meter13';
import { readHeader } from './header';
import { decodeError, decodeExperimenter, decodeHello } from './hello';
import type { MessageBody, OfMessage } from './model';
import { decodeStatsReply10, decodeStatsRequest10 } from './multipart10';
import { decodeMultipartReply13, decodeMultipartRequest13 } from './multipart13';
import { decodeFlowRemoved, decodePacketIn, decodePacketOut } from './packet';
import { decodeQueueGetConfigReply, decodeQueueGetConfigRequest } from './queue-config';
import { decodeFeaturesReply, decodePortMod, decodePortStatus, decodeSwitchConfig, decodeTableMod } from './switch-config';
import { Reader } from './wire';

/** Decodes 'bytes', exactly one message as the framer cut it. */
export function decodeMessage(bytes: Buffer): OfMessage {
  try {
    if (bytes.length < OFP_HEADER_LEN) throw new OpenFlowError('OFPBRC_BAD_LEN', `message of ${bytes.length} bytes is shorter than a header`, true);
    const h = readHeader(bytes);
    if (h.length !== bytes.length) throw new OpenFlowError('OFPBRC_BAD_LEN', `header length ${h.length} but ${bytes.length} bytes`);
    const r = new Reader(bytes, OFP_HEADER_LEN);
    if (h.type === 0) return { version: h.version, xid: h.xid, ...decodeHello(r) };
    if (!isSupportedVersion(h.version)) throw new OpenFlowError('OFPBRC_BAD_VERSION', `version 0x${h.version.toString(16)} is not 1.0 or 1.3`);
    const body = decodeBody(r, h.version, h.type);
    if (r.remaining !== 0) throw new OpenFlowError('OFPBRC_BAD_LEN', `${body.type} has ${r.remaining} trailing bytes`);
    // The body is ours alone: it takes the header's fields rather than
    // being copied into a new object (a copy per message under a burst).
    return Object.assign(body, { version: h.version, xid: h.xid }) as OfMessage;
  } catch (e) {
    if (e instanceof OpenFlowError && bytes.length >= OFP_HEADER_LEN) {
      e.xid = bytes.readUInt32BE(4);
      e.data = Buffer.from(bytes.subarray(0, OFP_ERROR_DATA_LEN));
    } else if (e instanceof OpenFlowError) {
      e.data = Buffer.from(bytes);
    }
    throw e;
  }
}

function decodeBody(r: Reader, version: number, wire: number): MessageBody {
  const type = messageTypeOf(wire, version);
  const v10 = version === OFP_VERSION_1_0;
  switch (type) {
    case undefined: throw new OpenFlowError('OFPBRC_BAD_TYPE', `unknown message type ${wire} for version 0x0${version}`);
    case 'OFPT_HELLO': return decodeHello(r);
    case 'OFPT_ERROR': return decodeError(r, version);
    case 'OFPT_ECHO_REQUEST': case 'OFPT_ECHO_REPLY': return { type, data: r.rest() };
    case 'OFPT_EXPERIMENTER': return decodeExperimenter(r, version);
    case 'OFPT_FEATURES_REQUEST': case 'OFPT_GET_CONFIG_REQUEST': case 'OFPT_BARRIER_REQUEST': case 'OFPT_BARRIER_REPLY':
    case 'OFPT_GET_ASYNC_REQUEST':
      return { type };
    case 'OFPT_FEATURES_REPLY': return decodeFeaturesReply(r, version);
    case 'OFPT_GET_CONFIG_REPLY': case 'OFPT_SET_CONFIG': return decodeSwitchConfig(r, type);
    case 'OFPT_PACKET_IN': return decodePacketIn(r, version);
    case 'OFPT_FLOW_REMOVED': return decodeFlowRemoved(r, version);
    case 'OFPT_PORT_STATUS': return decodePortStatus(r, version);
    case 'OFPT_PACKET_OUT': return decodePacketOut(r, version);
    case 'OFPT_FLOW_MOD': return v10 ? decodeFlowMod10(r) : decodeFlowMod13(r);
    case 'OFPT_GROUP_MOD': return decodeGroupMod(r);
    case 'OFPT_PORT_MOD': return decodePortMod(r, version);
    case 'OFPT_TABLE_MOD': return decodeTableMod(r);
    case 'OFPT_MULTIPART_REQUEST': return { type, ...(v10 ? decodeStatsRequest10(r) : decodeMultipartRequest13(r)) };
    case 'OFPT_MULTIPART_REPLY': return { type, ...(v10 ? decodeStatsReply10(r) : decodeMultipartReply13(r)) };
    case 'OFPT_QUEUE_GET_CONFIG_REQUEST': return decodeQueueGetConfigRequest(r, version);
    case 'OFPT_QUEUE_GET_CONFIG_REPLY': return decodeQueueGetConfigReply(r, version);
    case 'OFPT_ROLE_REQUEST': case 'OFPT_ROLE_REPLY': return decodeRole(r, type);
    case 'OFPT_GET_ASYNC_REPLY': case 'OFPT_SET_ASYNC': return decodeAsync(r, type);
    case 'OFPT_METER_MOD': return decodeMeterMod(r);
  }
}
