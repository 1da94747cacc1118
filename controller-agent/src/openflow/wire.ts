// Bounds-checked reading and growable writing of OpenFlow's big-endian
// structs.
//
// What?  Reader walks one message (or one TLV inside it); every read checks
// the bytes are there and, if not, throws the OpenFlowError the caller named
// for that structure (OFPBRC_BAD_LEN for a message, OFPBAC_BAD_LEN inside an
// action, ...), so a truncated message can never read past its end or into
// the next message.  Writer appends fields and patches lengths afterwards,
// the way every OpenFlow struct with a trailing list needs.
//
// Design.  A Reader has a window [pos, end) of its buffer; sub(n) hands out
// a child window of exactly n bytes and moves past it, which is how length
// fields are enforced: the child can only read what the length said.
// Padding is read with pad(n), which does not check that it is zero
// (OpenFlow says senders zero it; receivers are lenient, as OVS is).
//
// Thread-safety: instances are single-owner.

import { OpenFlowError } from './errors';

// Flow mods carry a dozen OXM values each: numbers of up to 6 bytes go
// through readUIntBE, wider ones 8 bytes at a time, never through a hex
// string (the old way cost more than the rest of a FLOW_MOD's decode).
function readUintBE(buf: Buffer, at: number, n: number): bigint {
  if (n <= 6) return n === 0 ? 0n : BigInt(buf.readUIntBE(at, n));
  let v = 0n;
  let i = 0;
  for (; i + 8 <= n; i += 8) v = (v << 64n) | buf.readBigUInt64BE(at + i);
  for (; i < n; i++) v = (v << 8n) | BigInt(buf[at + i]);
  return v;
}

function writeUintBE(buf: Buffer, v: bigint, at: number, n: number): void {
  if (n <= 6) {
    buf.writeUIntBE(Number(v), at, n);
    return;
  }
  let i = n;
  for (; i >= 8; i -= 8) {
    buf.writeBigUInt64BE(BigInt.asUintN(64, v), at + i - 8);
    v >>= 64n;
  }
  for (; i > 0; i--) {
    buf[at + i - 1] = Number(v & 0xffn);
    v >>= 8n;
  }
}

export class Reader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
    readonly end = buf.length,
    /** The error a short read raises. */
    readonly lenError = 'OFPBRC_BAD_LEN',
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws 'error' unless 'n' more bytes are there; 'what' names the field for the message. */
  need(n: number, what: string, error = this.lenError): void {
    if (n > this.remaining) throw new OpenFlowError(error, `${what} needs ${n} bytes, ${this.remaining} left`);
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** An unsigned big-endian number of 'n' bytes (MAC addresses, IPv6, OXM values). */
  uint(n: number, what = 'value'): bigint {
    this.need(n, what);
    const v = readUintBE(this.buf, this.pos, n);
    this.pos += n;
    return v;
  }

  /** A copy of the next 'n' bytes. */
  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  pad(n: number, what = 'padding'): void {
    this.need(n, what);
    this.pos += n;
  }

  /** A NUL-padded fixed-width string (port names, descriptions): up to the first NUL. */
  str(n: number, what = 'string'): string {
    const b = this.bytes(n, what);
    const nul = b.indexOf(0);
    return b.toString('latin1', 0, nul < 0 ? n : nul);
  }

  /** A child reader over the next 'n' bytes, which this reader skips; short reads in it raise 'lenError'. */
  sub(n: number, what: string, lenError = this.lenError): Reader {
    this.need(n, what, lenError);
    const r = new Reader(this.buf, this.pos, this.pos + n, lenError);
    this.pos += n;
    return r;
  }
}

export class Writer {
  private buf: Buffer;
  length = 0;

  constructor(capacity = 64) {
    this.buf = Buffer.alloc(capacity);
  }

  // Reserves 'n' bytes and returns their offset; callers must not hold
  // this.buf across the call, as it may be replaced by a bigger buffer.
  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(v: number): this {
    const at = this.room(1);
    this.buf[at] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    const at = this.room(2);
    this.buf.writeUInt16BE(v & 0xffff, at);
    return this;
  }

  u32(v: number): this {
    const at = this.room(4);
    this.buf.writeUInt32BE(v >>> 0, at);
    return this;
  }

  u64(v: bigint): this {
    const at = this.room(8);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), at);
    return this;
  }

  /** 'v' as an unsigned big-endian number of 'n' bytes. */
  uint(v: bigint, n: number): this {
    if (n === 0) return this;
    const at = this.room(n);
    writeUintBE(this.buf, BigInt.asUintN(n * 8, v), at, n);
    return this;
  }

  bytes(b: Uint8Array): this {
    const at = this.room(b.length);
    this.buf.set(b, at);
    return this;
  }

  zeros(n: number): this {
    const at = this.room(n);
    this.buf.fill(0, at, this.length);
    return this;
  }

  /** 's' NUL-padded to 'n' bytes; longer strings are cut to n - 1 so a NUL always ends them. */
  str(s: string, n: number): this {
    const at = this.room(n);
    this.buf.fill(0, at, at + n);
    this.buf.write(s.slice(0, n - 1), at, 'latin1');
    return this;
  }

  /** Zeros up to the next multiple of 8 counted from 'from'. */
  pad8(from = 0): this {
    return this.zeros((8 - ((this.length - from) % 8)) % 8);
  }

  /** Overwrites a 16-bit field written earlier at 'at' (a length known only afterwards). */
  patch16(at: number, v: number): this {
    this.buf.writeUInt16BE(v, at);
    return this;
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}
