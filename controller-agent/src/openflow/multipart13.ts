// OpenFlow 1.3's OFPT_MULTIPART_REQUEST and OFPT_MULTIPART_REPLY bodies
// (OpenFlow 1.3.5 section 7.3.5), every OFPMP_ type.
//
// What?  A multipart message is ofp_multipart_request/reply (type, flags,
// 4 bytes of padding) and a body whose layout the type picks.  Reply
// bodies are mostly lists of records; records with variable parts carry
// their own length, which must fit (OFPBRC_BAD_LEN).  Records of fixed size
// must tile the body exactly.  An unknown type is OFPBRC_BAD_MULTIPART
// (section 7.4.4.2).  Splitting a long reply into REPLY_MORE messages is
// multipart-split.ts's job.
//
// Thread-safety: pure functions.

import { DESC_STR_LEN, MULTIPART_TYPES, MultipartType, OFP_VERSION_1_3, SERIAL_NUM_LEN } from './constants';
import { OpenFlowError } from './errors';
import { decodeFlowFlags, encodeFlowFlags } from './flags';
import { decodeFlowFilter13, encodeFlowFilter13 } from './flow-mod13';
import { decodeBands, decodeBuckets, decodeGroupType, encodeBands, encodeBuckets } from './group-meter13';
import { decodeInstructions13, encodeInstructions13 } from './instructions13';
import type { Desc, FlowStats, MultipartReplyBody, MultipartRequestBody } from './model';
import { decodeMatch13, encodeMatch13 } from './oxm';
import { decodePort, encodePort } from './port';
import { decodeTableFeaturesList, encodeTableFeaturesList } from './table-features13';
import { GROUP_TYPES } from './constants';
import { Reader, Writer } from './wire';

const V = OFP_VERSION_1_3;
const MP_NAMES = new Map<number, MultipartType>(Object.entries(MULTIPART_TYPES).map(([k, v]) => [v, k as MultipartType]));

export function multipartTypeOf(n: number): MultipartType {
  const t = MP_NAMES.get(n);
  if (t === undefined) throw new OpenFlowError('OFPBRC_BAD_MULTIPART', `unknown multipart type ${n}`);
  return t;
}

/** Records of 'size' bytes filling 'r' exactly. */
export function fixedList<T>(r: Reader, size: number, what: string, one: (r: Reader) => T): T[] {
  if (r.remaining % size !== 0) throw new OpenFlowError('OFPBRC_BAD_LEN', `${what}: ${r.remaining} bytes is not a multiple of ${size}`);
  const out: T[] = [];
  while (r.remaining > 0) out.push(one(r.sub(size, what)));
  return out;
}

/** Records starting with a 16-bit length of at least 'min' bytes, filling 'r'. */
function lengthList<T>(r: Reader, min: number, what: string, one: (r: Reader) => T, lengthAt = 0): T[] {
  const out: T[] = [];
  while (r.remaining > 0) {
    r.need(lengthAt + 2, what);
    const len = r.buf.readUInt16BE(r.pos + lengthAt);
    if (len < min || len > r.remaining) throw new OpenFlowError('OFPBRC_BAD_LEN', `${what} length ${len} (min ${min}, ${r.remaining} left)`);
    out.push(one(r.sub(len, what)));
  }
  return out;
}

/** Writes a record whose 16-bit length sits at 'lengthAt' from its start. */
function withLength(w: Writer, lengthAt: number, body: () => void): void {
  const start = w.length;
  body();
  w.patch16(start + lengthAt, w.length - start);
}

export function decodeMultipartRequest13(r: Reader): { flags: number } & MultipartRequestBody {
  const mpType = multipartTypeOf(r.u16('multipart type'));
  const flags = r.u16('multipart flags');
  r.pad(4);
  switch (mpType) {
    case 'OFPMP_DESC': case 'OFPMP_TABLE': case 'OFPMP_GROUP_DESC': case 'OFPMP_GROUP_FEATURES':
    case 'OFPMP_METER_FEATURES': case 'OFPMP_PORT_DESC':
      return { flags, mpType };
    case 'OFPMP_FLOW': case 'OFPMP_AGGREGATE':
      return { flags, mpType, filter: decodeFlowFilter13(r) };
    case 'OFPMP_PORT_STATS': {
      const portNo = r.u32();
      r.pad(4);
      return { flags, mpType, portNo };
    }
    case 'OFPMP_QUEUE': return { flags, mpType, portNo: r.u32(), queueId: r.u32() };
    case 'OFPMP_GROUP': {
      const groupId = r.u32();
      r.pad(4);
      return { flags, mpType, groupId };
    }
    case 'OFPMP_METER': case 'OFPMP_METER_CONFIG': {
      const meterId = r.u32();
      r.pad(4);
      return { flags, mpType, meterId };
    }
    case 'OFPMP_TABLE_FEATURES': return { flags, mpType, tables: decodeTableFeaturesList(r) };
    case 'OFPMP_EXPERIMENTER': return { flags, mpType, experimenter: r.u32(), expType: r.u32(), data: r.rest() };
  }
}

export function encodeMultipartRequest13(w: Writer, m: { flags: number } & MultipartRequestBody): void {
  w.u16(MULTIPART_TYPES[m.mpType]).u16(m.flags).zeros(4);
  switch (m.mpType) {
    case 'OFPMP_FLOW': case 'OFPMP_AGGREGATE': encodeFlowFilter13(w, m.filter); return;
    case 'OFPMP_PORT_STATS': w.u32(m.portNo).zeros(4); return;
    case 'OFPMP_QUEUE': w.u32(m.portNo).u32(m.queueId); return;
    case 'OFPMP_GROUP': w.u32(m.groupId).zeros(4); return;
    case 'OFPMP_METER': case 'OFPMP_METER_CONFIG': w.u32(m.meterId).zeros(4); return;
    case 'OFPMP_TABLE_FEATURES': encodeTableFeaturesList(w, m.tables); return;
    case 'OFPMP_EXPERIMENTER': w.u32(m.experimenter).u32(m.expType).bytes(m.data); return;
    default: return;
  }
}

export function decodeDesc(r: Reader): Desc {
  return {
    mfrDesc: r.str(DESC_STR_LEN), hwDesc: r.str(DESC_STR_LEN), swDesc: r.str(DESC_STR_LEN),
    serialNum: r.str(SERIAL_NUM_LEN), dpDesc: r.str(DESC_STR_LEN),
  };
}

export function encodeDesc(w: Writer, d: Desc): void {
  w.str(d.mfrDesc, DESC_STR_LEN).str(d.hwDesc, DESC_STR_LEN).str(d.swDesc, DESC_STR_LEN)
    .str(d.serialNum, SERIAL_NUM_LEN).str(d.dpDesc, DESC_STR_LEN);
}

function decodeFlowStats13(r: Reader): FlowStats {
  r.pad(2); // length, already used to cut this record
  const table = r.u8();
  r.pad(1);
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const priority = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const flags = decodeFlowFlags(r.u16(), V);
  r.pad(4);
  const cookie = r.u64();
  const packetCount = r.u64();
  const byteCount = r.u64();
  const match = decodeMatch13(r);
  return { table, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags, cookie, packetCount, byteCount, match, instructions: decodeInstructions13(r) };
}

function encodeFlowStats13(w: Writer, f: FlowStats): void {
  withLength(w, 0, () => {
    w.u16(0).u8(f.table).zeros(1).u32(f.durationSec).u32(f.durationNsec).u16(f.priority).u16(f.idleTimeout)
      .u16(f.hardTimeout).u16(encodeFlowFlags(f.flags, V)).zeros(4).u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
    encodeMatch13(w, f.match);
    encodeInstructions13(w, f.instructions);
  });
}

const u64s = (r: Reader, n: number): bigint[] => Array.from({ length: n }, () => r.u64());

export function decodeMultipartReply13(r: Reader): { flags: number } & MultipartReplyBody {
  const mpType = multipartTypeOf(r.u16('multipart type'));
  const flags = r.u16('multipart flags');
  r.pad(4);
  switch (mpType) {
    case 'OFPMP_DESC': return { flags, mpType, desc: decodeDesc(r) };
    case 'OFPMP_FLOW': return { flags, mpType, flows: lengthList(r, 56, 'flow stats', decodeFlowStats13) };
    case 'OFPMP_AGGREGATE': {
      const [packetCount, byteCount] = u64s(r, 2);
      const flowCount = r.u32();
      r.pad(4);
      return { flags, mpType, packetCount, byteCount, flowCount };
    }
    case 'OFPMP_TABLE':
      return { flags, mpType, tables: fixedList(r, 24, 'table stats', (t) => {
        const tableId = t.u8();
        t.pad(3);
        return { tableId, activeCount: t.u32(), lookupCount: t.u64(), matchedCount: t.u64() };
      }) };
    case 'OFPMP_PORT_STATS':
      return { flags, mpType, ports: fixedList(r, 112, 'port stats', (p) => {
        const portNo = p.u32();
        p.pad(4);
        const [rxPackets, txPackets, rxBytes, txBytes, rxDropped, txDropped, rxErrors, txErrors, rxFrameErr, rxOverErr, rxCrcErr, collisions] = u64s(p, 12);
        return { portNo, rxPackets, txPackets, rxBytes, txBytes, rxDropped, txDropped, rxErrors, txErrors, rxFrameErr, rxOverErr, rxCrcErr, collisions, durationSec: p.u32(), durationNsec: p.u32() };
      }) };
    case 'OFPMP_QUEUE':
      return { flags, mpType, queues: fixedList(r, 40, 'queue stats', (q) => {
        const portNo = q.u32();
        const queueId = q.u32();
        const [txBytes, txPackets, txErrors] = u64s(q, 3);
        return { portNo, queueId, txBytes, txPackets, txErrors, durationSec: q.u32(), durationNsec: q.u32() };
      }) };
    case 'OFPMP_GROUP':
      return { flags, mpType, groups: lengthList(r, 40, 'group stats', (g) => {
        g.pad(4);
        const groupId = g.u32();
        const refCount = g.u32();
        g.pad(4);
        const [packetCount, byteCount] = u64s(g, 2);
        const durationSec = g.u32();
        const durationNsec = g.u32();
        const buckets = fixedList(g, 16, 'bucket counters', (b) => ({ packetCount: b.u64(), byteCount: b.u64() }));
        return { groupId, refCount, packetCount, byteCount, durationSec, durationNsec, buckets };
      }) };
    case 'OFPMP_GROUP_DESC':
      return { flags, mpType, groups: lengthList(r, 8, 'group desc', (g) => {
        g.pad(2);
        const groupType = decodeGroupType(g.u8());
        g.pad(1);
        return { groupType, groupId: g.u32(), buckets: decodeBuckets(g) };
      }) };
    case 'OFPMP_GROUP_FEATURES': {
      const types = r.u32();
      const capabilities = r.u32();
      const maxGroups = [r.u32(), r.u32(), r.u32(), r.u32()];
      return { flags, mpType, types, capabilities, maxGroups, actions: [r.u32(), r.u32(), r.u32(), r.u32()] };
    }
    case 'OFPMP_METER':
      return { flags, mpType, meters: lengthList(r, 40, 'meter stats', (m) => {
        const meterId = m.u32();
        m.pad(2 + 6);
        const flowCount = m.u32();
        const [packetInCount, byteInCount] = u64s(m, 2);
        const durationSec = m.u32();
        const durationNsec = m.u32();
        const bands = fixedList(m, 16, 'band stats', (b) => ({ packetCount: b.u64(), byteCount: b.u64() }));
        return { meterId, flowCount, packetInCount, byteInCount, durationSec, durationNsec, bands };
      }, 4) };
    case 'OFPMP_METER_CONFIG':
      return { flags, mpType, meters: lengthList(r, 8, 'meter config', (m) => {
        m.pad(2);
        const mflags = m.u16();
        return { flags: mflags, meterId: m.u32(), bands: decodeBands(m) };
      }) };
    case 'OFPMP_METER_FEATURES': {
      const maxMeter = r.u32();
      const bandTypes = r.u32();
      const capabilities = r.u32();
      const maxBands = r.u8();
      const maxColor = r.u8();
      r.pad(2);
      return { flags, mpType, maxMeter, bandTypes, capabilities, maxBands, maxColor };
    }
    case 'OFPMP_TABLE_FEATURES': return { flags, mpType, tables: decodeTableFeaturesList(r) };
    case 'OFPMP_PORT_DESC': return { flags, mpType, ports: fixedList(r, 64, 'port desc', (p) => decodePort(p, V)) };
    case 'OFPMP_EXPERIMENTER': return { flags, mpType, experimenter: r.u32(), expType: r.u32(), data: r.rest() };
  }
}

export function encodeMultipartReply13(w: Writer, m: { flags: number } & MultipartReplyBody): void {
  w.u16(MULTIPART_TYPES[m.mpType]).u16(m.flags).zeros(4);
  switch (m.mpType) {
    case 'OFPMP_DESC': encodeDesc(w, m.desc); return;
    case 'OFPMP_FLOW': for (const f of m.flows) encodeFlowStats13(w, f); return;
    case 'OFPMP_AGGREGATE': w.u64(m.packetCount).u64(m.byteCount).u32(m.flowCount).zeros(4); return;
    case 'OFPMP_TABLE': for (const t of m.tables) w.u8(t.tableId).zeros(3).u32(t.activeCount).u64(t.lookupCount).u64(t.matchedCount); return;
    case 'OFPMP_PORT_STATS':
      for (const p of m.ports) {
        w.u32(p.portNo).zeros(4);
        for (const v of [p.rxPackets, p.txPackets, p.rxBytes, p.txBytes, p.rxDropped, p.txDropped, p.rxErrors, p.txErrors, p.rxFrameErr, p.rxOverErr, p.rxCrcErr, p.collisions]) w.u64(v);
        w.u32(p.durationSec).u32(p.durationNsec);
      }
      return;
    case 'OFPMP_QUEUE':
      for (const q of m.queues) w.u32(q.portNo).u32(q.queueId).u64(q.txBytes).u64(q.txPackets).u64(q.txErrors).u32(q.durationSec).u32(q.durationNsec);
      return;
    case 'OFPMP_GROUP':
      for (const g of m.groups) {
        withLength(w, 0, () => {
          w.u16(0).zeros(2).u32(g.groupId).u32(g.refCount).zeros(4).u64(g.packetCount).u64(g.byteCount).u32(g.durationSec).u32(g.durationNsec);
          for (const b of g.buckets) w.u64(b.packetCount).u64(b.byteCount);
        });
      }
      return;
    case 'OFPMP_GROUP_DESC':
      for (const g of m.groups) {
        withLength(w, 0, () => {
          w.u16(0).u8(GROUP_TYPES.indexOf(g.groupType)).zeros(1).u32(g.groupId);
          encodeBuckets(w, g.buckets);
        });
      }
      return;
    case 'OFPMP_GROUP_FEATURES':
      w.u32(m.types).u32(m.capabilities);
      for (let i = 0; i < 4; i++) w.u32(m.maxGroups[i] ?? 0);
      for (let i = 0; i < 4; i++) w.u32(m.actions[i] ?? 0);
      return;
    case 'OFPMP_METER':
      for (const s of m.meters) {
        withLength(w, 4, () => {
          w.u32(s.meterId).u16(0).zeros(6).u32(s.flowCount).u64(s.packetInCount).u64(s.byteInCount).u32(s.durationSec).u32(s.durationNsec);
          for (const b of s.bands) w.u64(b.packetCount).u64(b.byteCount);
        });
      }
      return;
    case 'OFPMP_METER_CONFIG':
      for (const c of m.meters) {
        withLength(w, 0, () => {
          w.u16(0).u16(c.flags).u32(c.meterId);
          encodeBands(w, c.bands);
        });
      }
      return;
    case 'OFPMP_METER_FEATURES':
      w.u32(m.maxMeter).u32(m.bandTypes).u32(m.capabilities).u8(m.maxBands).u8(m.maxColor).zeros(2);
      return;
    case 'OFPMP_TABLE_FEATURES': encodeTableFeaturesList(w, m.tables); return;
    case 'OFPMP_PORT_DESC': for (const p of m.ports) encodePort(w, p, V); return;
    case 'OFPMP_EXPERIMENTER': w.u32(m.experimenter).u32(m.expType).bytes(m.data); return;
  }
}
