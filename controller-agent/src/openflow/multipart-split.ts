// Splitting a long multipart reply into OFPMPF_REPLY_MORE messages
// (OpenFlow 1.3.5 section 7.3.5; 1.0's OFPSF_REPLY_MORE, section 5.3.5).
//
// What?  A dump of 100 000 flows does not fit one message (16-bit length).
// splitReply() takes one model reply whose list holds everything and cuts
// the list into consecutive replies, each at most 'maxLength' bytes once
// encoded, all but the last flagged REPLY_MORE, all with the same xid.
// Records are never cut: a record is whole in one message.
//
// Design.  A record's size is measured by encoding it (flow stats vary with
// their match and instructions), so the split agrees with the encoder by
// construction.  Replies that are not lists (DESC, AGGREGATE, features) are
// returned as they are.
//
// Thread-safety: pure function.

import { MultipartType, OFP_MAX_MSG_LEN, OFPMPF_REPLY_MORE } from './constants';
import { encodeMessage } from './encode';
import { EncodeError } from './errors';
import type { MessageOf } from './model';

type Reply = MessageOf<'OFPT_MULTIPART_REPLY'>;

/** The list field of each list-bodied reply type. */
export const REPLY_LISTS: Partial<Record<MultipartType, string>> = {
  OFPMP_FLOW: 'flows', OFPMP_TABLE: 'tables', OFPMP_PORT_STATS: 'ports', OFPMP_QUEUE: 'queues', OFPMP_GROUP: 'groups',
  OFPMP_GROUP_DESC: 'groups', OFPMP_METER: 'meters', OFPMP_METER_CONFIG: 'meters', OFPMP_TABLE_FEATURES: 'tables',
  OFPMP_PORT_DESC: 'ports',
};

const withList = (m: Reply, key: string, list: unknown[]): Reply => ({ ...m, [key]: list }) as Reply;

/** 'reply' as one or more messages of at most 'maxLength' bytes each (REPLY_MORE on all but the last). */
export function splitReply(reply: Reply, maxLength = OFP_MAX_MSG_LEN): Reply[] {
  const key = REPLY_LISTS[reply.mpType];
  if (key === undefined) return [reply];
  const list = (reply as unknown as Record<string, unknown[]>)[key];
  const base = encodeMessage(withList(reply, key, [])).length;
  const last = reply.flags & ~OFPMPF_REPLY_MORE;
  const out: Reply[] = [];
  let chunk: unknown[] = [];
  let size = base;
  for (const record of list) {
    const n = encodeMessage(withList(reply, key, [record])).length - base;
    if (base + n > maxLength) throw new EncodeError(`a ${reply.mpType} record of ${n} bytes does not fit a ${maxLength}-byte message`);
    if (size + n > maxLength) {
      out.push({ ...withList(reply, key, chunk), flags: last | OFPMPF_REPLY_MORE });
      chunk = [];
      size = base;
    }
    chunk.push(record);
    size += n;
  }
  out.push({ ...withList(reply, key, chunk), flags: last });
  return out;
}
