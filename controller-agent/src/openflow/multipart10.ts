// OpenFlow 1.0's OFPT_STATS_REQUEST and OFPT_STATS_REPLY bodies (OpenFlow
// 1.0.0 section 5.3.5), decoded into the same model as 1.3's multipart.
//
// What?  1.0's stats header has no padding after its flags; its types are
// 1.3's OFPMP_DESC .. OFPMP_QUEUE and OFPMP_EXPERIMENTER (OFPST_VENDOR),
// plus Open vSwitch's OFPST_PORT_DESC (13, 48-byte ofp_phy_port entries)
// that ovs-ofctl -O OpenFlow10 dump-ports-desc sends; anything else is OFPBRC_BAD_STAT (OFPBRC_BAD_MULTIPART's numbers).  Flow
// stats carry a 1.0 match and an action list (the model's apply-actions);
// table stats carry a name, wildcards and max_entries (the model's
// '*10' fields); port numbers are 16 bits.  A vendor body has no exp_type:
// expType decodes as 0 and is not written.
//
// Thread-safety: pure functions.

import { decodeActions10, encodeActions10 } from './actions10';
import { MULTIPART_TYPES, MULTIPART_TYPES_10, OFP_MAX_TABLE_NAME_LEN, OFP_VERSION_1_0, port10To13 } from './constants';
import { EncodeError, OpenFlowError } from './errors';
import { actionsOnly10, decodeFlowFilter10, encodeFlowFilter10 } from './flow-mod10';
import { decodeMatch10, encodeMatch10 } from './match10';
import type { FlowStats, MultipartReplyBody, MultipartRequestBody } from './model';
import { decodeDesc, encodeDesc, fixedList, multipartTypeOf } from './multipart13';
import { decodePort, encodePort, portLength, portNumber } from './port';
import { Reader, Writer } from './wire';

const V = OFP_VERSION_1_0;

function statsType(n: number) {
  const t = multipartTypeOf(n);
  if (!MULTIPART_TYPES_10.includes(t)) throw new OpenFlowError('OFPBRC_BAD_MULTIPART', `OpenFlow 1.0 has no stats type ${n}`);
  return t;
}

export function decodeStatsRequest10(r: Reader): { flags: number } & MultipartRequestBody {
  const mpType = statsType(r.u16('stats type'));
  const flags = r.u16('stats flags');
  switch (mpType) {
    case 'OFPMP_FLOW': case 'OFPMP_AGGREGATE': return { flags, mpType, filter: decodeFlowFilter10(r) };
    case 'OFPMP_PORT_STATS': {
      const portNo = port10To13(r.u16());
      r.pad(6);
      return { flags, mpType, portNo };
    }
    case 'OFPMP_QUEUE': {
      const portNo = port10To13(r.u16());
      r.pad(2);
      return { flags, mpType, portNo, queueId: r.u32() };
    }
    case 'OFPMP_EXPERIMENTER': return { flags, mpType, experimenter: r.u32('vendor'), expType: 0, data: r.rest() };
    default: return { flags, mpType: mpType as 'OFPMP_DESC' };
  }
}

export function encodeStatsRequest10(w: Writer, m: { flags: number } & MultipartRequestBody): void {
  if (!MULTIPART_TYPES_10.includes(m.mpType)) throw new EncodeError(`OpenFlow 1.0 has no ${m.mpType}`);
  w.u16(MULTIPART_TYPES[m.mpType]).u16(m.flags);
  switch (m.mpType) {
    case 'OFPMP_FLOW': case 'OFPMP_AGGREGATE': encodeFlowFilter10(w, m.filter); return;
    case 'OFPMP_PORT_STATS': w.u16(portNumber(m.portNo, V)).zeros(6); return;
    case 'OFPMP_QUEUE': w.u16(portNumber(m.portNo, V)).zeros(2).u32(m.queueId); return;
    case 'OFPMP_EXPERIMENTER': w.u32(m.experimenter).bytes(m.data); return;
    default: return;
  }
}

function decodeFlowStats10(r: Reader): FlowStats {
  r.pad(2);
  const table = r.u8();
  r.pad(1);
  const match = decodeMatch10(r);
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const priority = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  r.pad(6);
  const cookie = r.u64();
  const packetCount = r.u64();
  const byteCount = r.u64();
  const apply = decodeActions10(r, r.remaining);
  return { table, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags: [], cookie, packetCount, byteCount, match, instructions: { apply, clearActions: false } };
}

export function decodeStatsReply10(r: Reader): { flags: number } & MultipartReplyBody {
  const mpType = statsType(r.u16('stats type'));
  const flags = r.u16('stats flags');
  switch (mpType) {
    case 'OFPMP_DESC': return { flags, mpType, desc: decodeDesc(r) };
    case 'OFPMP_FLOW': {
      const flows: FlowStats[] = [];
      while (r.remaining > 0) {
        r.need(2, 'flow stats length');
        const len = r.buf.readUInt16BE(r.pos);
        if (len < 88 || len > r.remaining) throw new OpenFlowError('OFPBRC_BAD_LEN', `flow stats length ${len}`);
        flows.push(decodeFlowStats10(r.sub(len, 'flow stats')));
      }
      return { flags, mpType, flows };
    }
    case 'OFPMP_AGGREGATE': {
      const packetCount = r.u64();
      const byteCount = r.u64();
      const flowCount = r.u32();
      r.pad(4);
      return { flags, mpType, packetCount, byteCount, flowCount };
    }
    case 'OFPMP_TABLE':
      return { flags, mpType, tables: fixedList(r, 64, 'table stats', (t) => {
        const tableId = t.u8();
        t.pad(3);
        const name10 = t.str(OFP_MAX_TABLE_NAME_LEN);
        const wildcards10 = t.u32();
        const maxEntries10 = t.u32();
        return { tableId, activeCount: t.u32(), lookupCount: t.u64(), matchedCount: t.u64(), name10, wildcards10, maxEntries10 };
      }) };
    case 'OFPMP_PORT_STATS':
      return { flags, mpType, ports: fixedList(r, 104, 'port stats', (p) => {
        const portNo = port10To13(p.u16());
        p.pad(6);
        const v = Array.from({ length: 12 }, () => p.u64());
        return {
          portNo, rxPackets: v[0], txPackets: v[1], rxBytes: v[2], txBytes: v[3], rxDropped: v[4], txDropped: v[5], rxErrors: v[6],
          txErrors: v[7], rxFrameErr: v[8], rxOverErr: v[9], rxCrcErr: v[10], collisions: v[11], durationSec: 0, durationNsec: 0,
        };
      }) };
    case 'OFPMP_PORT_DESC': return { flags, mpType, ports: fixedList(r, portLength(V), 'phy port', (p) => decodePort(p, V)) };
    case 'OFPMP_QUEUE':
      return { flags, mpType, queues: fixedList(r, 32, 'queue stats', (q) => {
        const portNo = port10To13(q.u16());
        q.pad(2);
        return { portNo, queueId: q.u32(), txBytes: q.u64(), txPackets: q.u64(), txErrors: q.u64(), durationSec: 0, durationNsec: 0 };
      }) };
    default:
      return { flags, mpType: 'OFPMP_EXPERIMENTER', experimenter: r.u32('vendor'), expType: 0, data: r.rest() };
  }
}

export function encodeStatsReply10(w: Writer, m: { flags: number } & MultipartReplyBody): void {
  if (!MULTIPART_TYPES_10.includes(m.mpType)) throw new EncodeError(`OpenFlow 1.0 has no ${m.mpType}`);
  w.u16(MULTIPART_TYPES[m.mpType]).u16(m.flags);
  switch (m.mpType) {
    case 'OFPMP_DESC': encodeDesc(w, m.desc); return;
    case 'OFPMP_FLOW':
      for (const f of m.flows) {
        const start = w.length;
        w.u16(0).u8(f.table).zeros(1);
        encodeMatch10(w, f.match);
        w.u32(f.durationSec).u32(f.durationNsec).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout).zeros(6)
          .u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
        encodeActions10(w, actionsOnly10(f.instructions));
        w.patch16(start, w.length - start);
      }
      return;
    case 'OFPMP_AGGREGATE': w.u64(m.packetCount).u64(m.byteCount).u32(m.flowCount).zeros(4); return;
    case 'OFPMP_TABLE':
      for (const t of m.tables) {
        w.u8(t.tableId).zeros(3).str(t.name10 ?? '', OFP_MAX_TABLE_NAME_LEN).u32(t.wildcards10 ?? 0).u32(t.maxEntries10 ?? 0)
          .u32(t.activeCount).u64(t.lookupCount).u64(t.matchedCount);
      }
      return;
    case 'OFPMP_PORT_STATS':
      for (const p of m.ports) {
        w.u16(portNumber(p.portNo, V)).zeros(6);
        for (const v of [p.rxPackets, p.txPackets, p.rxBytes, p.txBytes, p.rxDropped, p.txDropped, p.rxErrors, p.txErrors, p.rxFrameErr, p.rxOverErr, p.rxCrcErr, p.collisions]) w.u64(v);
      }
      return;
    case 'OFPMP_QUEUE':
      for (const q of m.queues) w.u16(portNumber(q.portNo, V)).zeros(2).u32(q.queueId).u64(q.txBytes).u64(q.txPackets).u64(q.txErrors);
      return;
    case 'OFPMP_PORT_DESC': for (const p of m.ports) encodePort(w, p, V); return;
    case 'OFPMP_EXPERIMENTER': w.u32(m.experimenter).bytes(m.data); return;
    default: return;
  }
}
