// OFPT_QUEUE_GET_CONFIG_REQUEST / _REPLY of both versions (OpenFlow 1.3.5
// section 7.3.6, OpenFlow 1.0.0 section 5.3.4) and their queue properties
// (1.3.5 section 7.2.2).
//
// What?  1.0's ofp_packet_queue has no port field and 8 bytes of header;
// 1.3's has the port and 16.  Properties: MIN_RATE and MAX_RATE (a rate in
// tenths of a percent), EXPERIMENTER (1.3 only); unknown ones keep their
// bytes in 'data' so a reply we relay is not altered.
//
// Thread-safety: pure functions.

import { OFP_VERSION_1_0, OFPQT_EXPERIMENTER, OFPQT_MAX_RATE, OFPQT_MIN_RATE, port10To13 } from './constants';
import { OpenFlowError } from './errors';
import type { Body, MessageOf, PacketQueue, QueueProperty } from './model';
import { portNumber } from './port';
import { Reader, Writer } from './wire';

export function decodeQueueGetConfigRequest(r: Reader, version: number): Body<'OFPT_QUEUE_GET_CONFIG_REQUEST'> {
  const port = version === OFP_VERSION_1_0 ? port10To13(r.u16('port')) : r.u32('port');
  r.pad(version === OFP_VERSION_1_0 ? 2 : 4);
  return { type: 'OFPT_QUEUE_GET_CONFIG_REQUEST', port };
}

export function encodeQueueGetConfigRequest(w: Writer, m: MessageOf<'OFPT_QUEUE_GET_CONFIG_REQUEST'>, version: number): void {
  if (version === OFP_VERSION_1_0) w.u16(portNumber(m.port, version)).zeros(2);
  else w.u32(m.port).zeros(4);
}

export function decodeQueueGetConfigReply(r: Reader, version: number): Body<'OFPT_QUEUE_GET_CONFIG_REPLY'> {
  const v10 = version === OFP_VERSION_1_0;
  const port = v10 ? port10To13(r.u16('port')) : r.u32('port');
  r.pad(v10 ? 6 : 4);
  const queues: PacketQueue[] = [];
  while (r.remaining > 0) {
    const queueId = r.u32('queue_id');
    const qport = v10 ? port : r.u32('queue port');
    const len = r.u16('queue len');
    const fixed = v10 ? 8 : 16;
    if (len < fixed) throw new OpenFlowError('OFPBRC_BAD_LEN', `queue ${queueId} length ${len} < ${fixed}`);
    r.pad(v10 ? 2 : 6);
    const props = r.sub(len - fixed, `queue ${queueId} properties`);
    const properties: QueueProperty[] = [];
    while (props.remaining > 0) properties.push(decodeQueueProperty(props));
    queues.push({ queueId, port: qport, properties });
  }
  return { type: 'OFPT_QUEUE_GET_CONFIG_REPLY', port, queues };
}

function decodeQueueProperty(r: Reader): QueueProperty {
  const property = r.u16('queue property');
  const len = r.u16('queue property len');
  if (len < 8) throw new OpenFlowError('OFPBRC_BAD_LEN', `queue property length ${len} < 8`);
  r.pad(4);
  const body = r.sub(len - 8, `queue property ${property}`);
  if (property === OFPQT_MIN_RATE || property === OFPQT_MAX_RATE) {
    const rate = body.u16('rate');
    body.pad(6);
    return { property, rate };
  }
  if (property === OFPQT_EXPERIMENTER) {
    const experimenter = body.u32('experimenter');
    body.pad(4);
    return { property, experimenter, data: body.rest() };
  }
  return { property, data: body.rest() };
}

export function encodeQueueGetConfigReply(w: Writer, m: MessageOf<'OFPT_QUEUE_GET_CONFIG_REPLY'>, version: number): void {
  const v10 = version === OFP_VERSION_1_0;
  if (v10) w.u16(portNumber(m.port, version)).zeros(6);
  else w.u32(m.port).zeros(4);
  for (const q of m.queues) {
    const start = w.length;
    w.u32(q.queueId);
    if (!v10) w.u32(q.port);
    const lenAt = w.length;
    w.u16(0).zeros(v10 ? 2 : 6);
    for (const p of q.properties) {
      const pstart = w.length;
      w.u16(p.property).u16(0).zeros(4);
      if (p.rate !== undefined) w.u16(p.rate).zeros(6);
      else if (p.experimenter !== undefined) w.u32(p.experimenter).zeros(4).bytes(p.data ?? Buffer.alloc(0));
      else w.bytes(p.data ?? Buffer.alloc(0));
      w.patch16(pstart + 2, w.length - pstart);
    }
    w.patch16(lenAt, w.length - start);
  }
}
