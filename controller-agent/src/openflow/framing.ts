// The OpenFlow framing layer: a byte stream in, whole messages out.
//
// What?  A TCP (or TLS, or unix socket) stream carries OpenFlow messages
// back to back; a read may hold part of one, several, or the end of one
// and the start of the next.  Framer.push(chunk) returns every message the
// bytes so far complete, each as its own Buffer, and keeps the rest.
//
// Design.  As pg-protocol's parser: one buffer of unconsumed bytes and an
// offset; a chunk is appended (or, when nothing is pending, used as is),
// then the loop cuts messages while a whole header and body are there.
// Two cases are decided here because only the framer sees them:
//  - a header length below 8 cannot be skipped (we do not know where the
//    next message starts), so push() throws FramingError and the caller
//    must close the connection (OpenFlow 1.3.5 section 7.1, and issue 4);
//  - a length above 'maxLength' is skipped without being buffered and
//    reported as an 'oversized' frame with its header and first bytes, so
//    the caller can answer OFPBRC_BAD_LEN and go on.
// After a FramingError the framer refuses further input.
//
// Thread-safety: one framer per connection, used from its socket's events.

import { OFP_HEADER_LEN, OFP_MAX_MSG_LEN } from './constants';
import { OFP_ERROR_DATA_LEN } from './errors';

export type Frame =
  | { kind: 'message'; bytes: Buffer }
  /** A message longer than the framer's limit: its header fields and its first bytes (up to OFP_ERROR_DATA_LEN). */
  | { kind: 'oversized'; version: number; type: number; xid: number; length: number; head: Buffer };

export class FramingError extends Error {
  readonly code = 'OPENFLOW_FRAMING';

  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

export class Framer {
  private pending: Buffer = Buffer.alloc(0);
  private offset = 0;
  /** Bytes of an oversized message still to discard. */
  private skip = 0;
  private broken: FramingError | undefined;

  /** 'maxLength': the longest message accepted, at most 65535 (the length field is 16 bits). */
  constructor(readonly maxLength = OFP_MAX_MSG_LEN) {
    if (maxLength < OFP_HEADER_LEN || maxLength > OFP_MAX_MSG_LEN) throw new RangeError(`framer: maxLength ${maxLength} outside 8..65535`);
  }

  /** Bytes received but not yet part of a returned message. */
  get buffered(): number {
    return this.pending.length - this.offset;
  }

  push(chunk: Buffer): Frame[] {
    if (this.broken) throw this.broken;
    this.append(chunk);
    const frames: Frame[] = [];
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.buffered);
        this.skip -= n;
        this.offset += n;
        if (this.skip > 0) break;
      }
      if (this.buffered < OFP_HEADER_LEN) break;
      const at = this.offset;
      const length = this.pending.readUInt16BE(at + 2);
      if (length < OFP_HEADER_LEN) {
        this.broken = new FramingError(`OpenFlow header length ${length} < 8 (version 0x${this.pending[at].toString(16)}, type ${this.pending[at + 1]}): closing`);
        throw this.broken;
      }
      if (length > this.maxLength) {
        // Wait for the part an error reply quotes, then skip the rest as it streams by.
        const head = Math.min(length, OFP_ERROR_DATA_LEN);
        if (this.buffered < head) break;
        frames.push({
          kind: 'oversized', version: this.pending[at], type: this.pending[at + 1], xid: this.pending.readUInt32BE(at + 4),
          length, head: Buffer.from(this.pending.subarray(at, at + head)),
        });
        this.skip = length;
        continue;
      }
      if (this.buffered < length) break;
      frames.push({ kind: 'message', bytes: Buffer.from(this.pending.subarray(at, at + length)) });
      this.offset += length;
    }
    this.compact();
    return frames;
  }

  private append(chunk: Buffer): void {
    if (this.buffered === 0) {
      this.pending = chunk;
      this.offset = 0;
    } else {
      this.pending = Buffer.concat([this.pending.subarray(this.offset), chunk]);
      this.offset = 0;
    }
  }

  // Keep only the unconsumed tail, copied so the caller's chunk can be reused.
  private compact(): void {
    this.pending = this.buffered === 0 ? Buffer.alloc(0) : Buffer.from(this.pending.subarray(this.offset));
    this.offset = 0;
  }
}
