// The OpenFlow header (OpenFlow 1.3.5 section 7.1, identical in 1.0):
// version, type, length, xid, eight bytes that start every message.
//
// Thread-safety: pure functions.

import { OFP_HEADER_LEN } from './constants';
import { Writer } from './wire';

export interface OfHeader {
  version: number;
  /** The wire ofp_type number (its meaning depends on 'version'). */
  type: number;
  length: number;
  xid: number;
}

/** The header at the start of 'buf' (the caller has checked there are 8 bytes). */
export function readHeader(buf: Buffer): OfHeader {
  return { version: buf[0], type: buf[1], length: buf.readUInt16BE(2), xid: buf.readUInt32BE(4) };
}

/** A writer holding a header whose length is filled in by finishMessage(). */
export function startMessage(version: number, type: number, xid: number, capacity = 64): Writer {
  return new Writer(capacity).u8(version).u8(type).u16(0).u32(xid);
}

/** The message's bytes, with the header length set; throws if it does not fit 16 bits. */
export function finishMessage(w: Writer): Buffer {
  if (w.length > 0xffff) throw new RangeError(`OpenFlow message of ${w.length} bytes exceeds 65535 (split multipart replies with splitReply)`);
  return w.patch16(2, w.length).finish();
}

export { OFP_HEADER_LEN };
