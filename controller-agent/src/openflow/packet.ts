// The packet and flow-event messages of both versions: OFPT_PACKET_IN,
// OFPT_PACKET_OUT and OFPT_FLOW_REMOVED (OpenFlow 1.3.5 sections 7.4.1,
// 7.3.7, 7.4.2; OpenFlow 1.0.0 sections 5.4.1, 5.3.6, 5.4.2).
//
// What?  A 1.0 packet-in names its in_port in a field of its own; the model
// carries it as the in_port entry of the match, where 1.3 puts it, so
// consumers read one place.  Packet-out's actions_len must fit in the
// message (OFPBRC_BAD_LEN), its data is everything after the actions.
//
// Thread-safety: pure functions.

import type { FieldMatch } from '../../../ovs-compat/src/flow';
import { decodeActions10, encodeActions10 } from './actions10';
import { decodeActions13, encodeActions13 } from './actions13';
import { OFP_VERSION_1_0, port10To13 } from './constants';
import { EncodeError, OpenFlowError } from './errors';
import { decodeMatch10, encodeMatch10 } from './match10';
import type { Body, MessageOf } from './model';
import { decodeMatch13, encodeMatch13 } from './oxm';
import { portNumber } from './port';
import { Reader, Writer } from './wire';

const inPortMatch = (port: number): FieldMatch => ({ field: 'in_port', value: BigInt(port), mask: 0xffffffffn });

export function decodePacketIn(r: Reader, version: number): Body<'OFPT_PACKET_IN'> {
  const bufferId = r.u32('buffer_id');
  const totalLen = r.u16('total_len');
  if (version === OFP_VERSION_1_0) {
    const inPort = port10To13(r.u16('in_port'));
    const reason = r.u8('reason');
    r.pad(1);
    return { type: 'OFPT_PACKET_IN', bufferId, totalLen, reason, tableId: 0, cookie: 0n, match: [inPortMatch(inPort)], data: r.rest() };
  }
  const reason = r.u8('reason');
  const tableId = r.u8('table_id');
  const cookie = r.u64('cookie');
  const match = decodeMatch13(r);
  r.pad(2);
  return { type: 'OFPT_PACKET_IN', bufferId, totalLen, reason, tableId, cookie, match, data: r.rest() };
}

export function encodePacketIn(w: Writer, m: MessageOf<'OFPT_PACKET_IN'>, version: number): void {
  w.u32(m.bufferId).u16(m.totalLen);
  if (version === OFP_VERSION_1_0) {
    const inPort = m.match.find((f) => f.field === 'in_port');
    if (!inPort || m.match.length !== 1) throw new EncodeError('an OpenFlow 1.0 packet-in carries in_port and nothing else in its match');
    w.u16(portNumber(Number(inPort.value), version)).u8(m.reason).zeros(1).bytes(m.data);
    return;
  }
  w.u8(m.reason).u8(m.tableId).u64(m.cookie);
  encodeMatch13(w, m.match);
  w.zeros(2).bytes(m.data);
}

export function decodePacketOut(r: Reader, version: number): Body<'OFPT_PACKET_OUT'> {
  const bufferId = r.u32('buffer_id');
  const v10 = version === OFP_VERSION_1_0;
  const inPort = v10 ? port10To13(r.u16('in_port')) : r.u32('in_port');
  const actionsLen = r.u16('actions_len');
  if (!v10) r.pad(6);
  // 7.3.7: actions_len counts bytes of actions inside this message.
  if (actionsLen > r.remaining) throw new OpenFlowError('OFPBRC_BAD_LEN', `packet-out actions_len ${actionsLen} > ${r.remaining} bytes left`);
  const actions = v10 ? decodeActions10(r, actionsLen) : decodeActions13(r, actionsLen);
  return { type: 'OFPT_PACKET_OUT', bufferId, inPort, actions, data: r.rest() };
}

export function encodePacketOut(w: Writer, m: MessageOf<'OFPT_PACKET_OUT'>, version: number): void {
  const v10 = version === OFP_VERSION_1_0;
  w.u32(m.bufferId);
  if (v10) w.u16(portNumber(m.inPort, version));
  else w.u32(m.inPort);
  const lenAt = w.length;
  w.u16(0);
  if (!v10) w.zeros(6);
  const start = w.length;
  if (v10) encodeActions10(w, m.actions);
  else encodeActions13(w, m.actions);
  w.patch16(lenAt, w.length - start);
  w.bytes(m.data);
}

export function decodeFlowRemoved(r: Reader, version: number): Body<'OFPT_FLOW_REMOVED'> {
  if (version === OFP_VERSION_1_0) {
    const match = decodeMatch10(r);
    const cookie = r.u64('cookie');
    const priority = r.u16();
    const reason = r.u8();
    r.pad(1);
    const durationSec = r.u32();
    const durationNsec = r.u32();
    const idleTimeout = r.u16();
    r.pad(2);
    return {
      type: 'OFPT_FLOW_REMOVED', cookie, priority, reason, tableId: 0, durationSec, durationNsec, idleTimeout,
      hardTimeout: 0, packetCount: r.u64(), byteCount: r.u64(), match,
    };
  }
  const cookie = r.u64('cookie');
  const priority = r.u16();
  const reason = r.u8();
  const tableId = r.u8();
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const packetCount = r.u64();
  const byteCount = r.u64();
  return {
    type: 'OFPT_FLOW_REMOVED', cookie, priority, reason, tableId, durationSec, durationNsec, idleTimeout, hardTimeout,
    packetCount, byteCount, match: decodeMatch13(r),
  };
}

export function encodeFlowRemoved(w: Writer, m: MessageOf<'OFPT_FLOW_REMOVED'>, version: number): void {
  if (version === OFP_VERSION_1_0) {
    encodeMatch10(w, m.match);
    w.u64(m.cookie).u16(m.priority).u8(m.reason).zeros(1).u32(m.durationSec).u32(m.durationNsec)
      .u16(m.idleTimeout).zeros(2).u64(m.packetCount).u64(m.byteCount);
    return;
  }
  w.u64(m.cookie).u16(m.priority).u8(m.reason).u8(m.tableId).u32(m.durationSec).u32(m.durationNsec)
    .u16(m.idleTimeout).u16(m.hardTimeout).u64(m.packetCount).u64(m.byteCount);
  encodeMatch13(w, m.match);
}
