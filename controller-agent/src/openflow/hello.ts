// The symmetric and housekeeping messages: OFPT_HELLO with its version
// bitmap, OFPT_ERROR, OFPT_ECHO_REQUEST/REPLY, OFPT_EXPERIMENTER (1.0's
// OFPT_VENDOR) and the messages with no body.
//
// What?  HELLO (OpenFlow 1.3.5 section 7.5.1) carries a list of elements;
// the only one defined, OFPHET_VERSIONBITMAP, is a bitmap of the versions
// the sender speaks (bit n = version n).  The model keeps the versions as a
// sorted list, or undefined when the HELLO has no bitmap, which is how
// negotiation tells "no bitmap, use the header version" from "bitmap".
// Unknown elements are ignored, as the section requires.  A HELLO of any
// version decodes (negotiation must read a 1.5 HELLO).
//
// Thread-safety: pure functions.

import { OFP_VERSION_1_0, OFPHET_VERSIONBITMAP } from './constants';
import { OpenFlowError } from './errors';
import type { Body, MessageOf } from './model';
import { Reader, Writer } from './wire';

export function decodeHello(r: Reader): Body<'OFPT_HELLO'> {
  let versions: number[] | undefined;
  while (r.remaining >= 4) {
    const type = r.u16('hello element type');
    const len = r.u16('hello element length');
    // 7.5.1: the element length includes its 4-byte header.
    if (len < 4) throw new OpenFlowError('OFPBRC_BAD_LEN', `hello element length ${len} < 4`);
    const body = r.sub(len - 4, `hello element ${type}`);
    if (type === OFPHET_VERSIONBITMAP) {
      versions = [];
      for (let word = 0; body.remaining >= 4; word++) {
        const bits = body.u32();
        for (let b = 0; b < 32; b++) if (bits & (1 << b)) versions.push(word * 32 + b);
      }
    }
    // Elements are padded to 8 bytes; tolerate a last element without its padding.
    r.pad(Math.min((8 - (len % 8)) % 8, r.remaining));
  }
  r.pad(r.remaining);
  return versions === undefined ? { type: 'OFPT_HELLO' } : { type: 'OFPT_HELLO', versions };
}

export function encodeHello(w: Writer, m: MessageOf<'OFPT_HELLO'>): void {
  if (m.versions === undefined) return;
  const words = Math.floor(Math.max(0, ...m.versions) / 32) + 1;
  const bitmap = new Array<number>(words).fill(0);
  for (const v of m.versions) bitmap[v >> 5] = (bitmap[v >> 5] | (1 << (v & 31))) >>> 0;
  const start = w.length;
  w.u16(OFPHET_VERSIONBITMAP).u16(4 + 4 * words);
  for (const b of bitmap) w.u32(b);
  w.pad8(start);
}

/** The highest version both bitmaps hold (or a bitmap and a single version), or undefined. */
export function highestCommonVersion(ours: readonly number[], theirs: readonly number[]): number | undefined {
  const common = ours.filter((v) => theirs.includes(v));
  return common.length ? Math.max(...common) : undefined;
}

export function decodeError(r: Reader, version: number): Body<'OFPT_ERROR'> {
  const errType = r.u16('error type');
  const code = r.u16('error code');
  // 1.3.5 section 7.4.4.15 (ofp_error_experimenter_msg): type 0xffff, exp_type, experimenter.
  if (version !== OFP_VERSION_1_0 && errType === 0xffff) {
    return { type: 'OFPT_ERROR', errType, code, experimenter: r.u32('error experimenter'), data: r.rest() };
  }
  return { type: 'OFPT_ERROR', errType, code, data: r.rest() };
}

export function encodeError(w: Writer, m: MessageOf<'OFPT_ERROR'>): void {
  w.u16(m.errType).u16(m.code);
  if (m.experimenter !== undefined) w.u32(m.experimenter);
  w.bytes(m.data);
}

export function decodeExperimenter(r: Reader, version: number): Body<'OFPT_EXPERIMENTER'> {
  const experimenter = r.u32('experimenter id');
  if (version === OFP_VERSION_1_0) return { type: 'OFPT_EXPERIMENTER', experimenter, data: r.rest() };
  return { type: 'OFPT_EXPERIMENTER', experimenter, expType: r.u32('exp_type'), data: r.rest() };
}

export function encodeExperimenter(w: Writer, m: MessageOf<'OFPT_EXPERIMENTER'>, version: number): void {
  w.u32(m.experimenter);
  if (version !== OFP_VERSION_1_0) w.u32(m.expType ?? 0);
  w.bytes(m.data);
}

/**
 * The error for an experimenter message we do not implement (every one,
 * Nicira's included): OFPBRC_BAD_EXPERIMENTER (1.3.5 section 7.4.4.2), so
 * the sender sees a clean refusal.
 */
export function unsupportedExperimenter(m: MessageOf<'OFPT_EXPERIMENTER'>): OpenFlowError {
  const e = new OpenFlowError('OFPBRC_BAD_EXPERIMENTER', `experimenter 0x${m.experimenter.toString(16)} is not supported`);
  e.xid = m.xid;
  return e;
}

/**
 * The OFPT_ERROR answering 'err' on a connection of 'version': the spec's
 * (type, code) for that version, the offending message's xid and bytes.
 */
export function errorReply(err: OpenFlowError, version: number): MessageOf<'OFPT_ERROR'> {
  const n = err.numbers(version);
  return { version, xid: err.xid, type: 'OFPT_ERROR', errType: n.type, code: n.code, data: err.data };
}
