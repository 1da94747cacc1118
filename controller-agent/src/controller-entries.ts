// The controller queue's entries as the addon hands them over: one Buffer
// per read (readControllerQueuePacked, datapath/binding/controller_wrap.cc)
// turned into ControllerPacket objects.
//
// What?  unpackControllerEntries(buf) walks the records the binding wrote:
// a 40-byte header (reason, table_id, max_len, flags, in_port, total_len,
// cookie, metadata, data_len; little-endian, layout in controller_wrap.cc)
// then the frame bytes, each record 8-byte aligned.
//
// Design.  Building the objects here rather than in C++ is what makes a
// read cheap: N-API pays a call per property, per BigInt and per Buffer
// (a backing store and a finalizer each), while V8 builds a literal object
// in a few nanoseconds.  Each packet's data is a view into the one Buffer
// of its read, so a packet-in keeps its read's bytes alive until the
// message is written; a read is at most one queue's worth (1 MiB by
// default).  Zero cookies and metadata share one BigInt.
//
// Thread-safety: pure function.
import type { ControllerPacket } from './datapath';

const HEADER = 40;
/** struct msw_to_controller flags: no flow matched in table_id (datapath/include/mswitch/logic.h). */
const MSW_TO_CONTROLLER_TABLE_MISS = 1;

function u64(buf: Buffer, at: number): bigint {
  const lo = buf.readUInt32LE(at);
  const hi = buf.readUInt32LE(at + 4);
  return lo === 0 && hi === 0 ? 0n : (BigInt(hi) << 32n) | BigInt(lo);
}

export function unpackControllerEntries(buf: Buffer): ControllerPacket[] {
  const out: ControllerPacket[] = [];
  let at = 0;
  while (at + HEADER <= buf.length) {
    const len = buf.readUInt32LE(at + 32);
    const data = at + HEADER;
    if (data + len > buf.length) throw new Error(`controller queue read: entry at ${at} claims ${len} bytes, ${buf.length - data} left`);
    out.push({
      reason: buf[at],
      tableId: buf[at + 1],
      cookie: u64(buf, at + 16),
      metadata: u64(buf, at + 24),
      inPort: buf.readUInt32LE(at + 8),
      maxLen: buf.readUInt16LE(at + 2),
      tableMiss: (buf.readUInt16LE(at + 4) & MSW_TO_CONTROLLER_TABLE_MISS) !== 0,
      totalLen: buf.readUInt32LE(at + 12),
      data: buf.subarray(data, data + len),
    });
    at = data + ((len + 7) & ~7);
  }
  return out;
}
