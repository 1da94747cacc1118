// The state file on disk: how its bytes are framed, written and read.
//
// What?  <statedir>/state.pb holds one protobuf State message
// (controller-agent/proto/state.proto) behind a 16-byte header:
//
//   bytes 0..7    magic "MSWSTATE"
//   bytes 8..11   payload length, u32 big endian
//   bytes 12..15  CRC-32 (zlib's) of the payload, u32 big endian
//   bytes 16..    the payload: State, protobuf encoded
//
// Design.  Protobuf alone cannot tell a truncated message from a shorter
// valid one (a cut at a field boundary decodes fine, minus the fields
// after it), so the header carries the length and a checksum: a file that
// is short, long, or damaged anywhere is refused as corrupt, never read in
// part.  Writes are atomic: the bytes go to a temporary file in the same
// directory, which is fsync'ed, renamed over state.pb, and the directory is
// fsync'ed so that the rename itself survives a power cut.  A crash at any
// point leaves either the old file or the new one, plus at worst a stray
// temporary file, which the next write replaces.  A file that cannot be
// used is renamed aside (moveAside), never overwritten: the operator keeps
// what it held.
//
// Thread-safety: synchronous file calls on the JS thread; one writer (the
// daemon owns its state directory through its pid file's run directory).
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'fs';
import { join } from 'path';
import { crc32 } from 'zlib';

export const STATE_FILE_NAME = 'state.pb';
export const STATE_MAGIC = Buffer.from('MSWSTATE', 'ascii');
export const STATE_HEADER_BYTES = 16;
// Far more than any real configuration with 100 000 flows needs; a bigger
// length in a header is damage, not data.
export const STATE_MAX_PAYLOAD = 512 * 1024 * 1024;

/** The file exists but cannot be used as it is: damaged, truncated or not ours. */
export class StateCorruptError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`state file ${path} is corrupt: ${reason}`);
    this.name = 'StateCorruptError';
  }
}

export const statePath = (statedir: string): string => join(statedir, STATE_FILE_NAME);

/** The file bytes for 'payload'. */
export function frameState(payload: Uint8Array): Buffer {
  const header = Buffer.alloc(STATE_HEADER_BYTES);
  STATE_MAGIC.copy(header, 0);
  header.writeUInt32BE(payload.length, 8);
  header.writeUInt32BE(crc32(payload), 12);
  return Buffer.concat([header, payload]);
}

/** The payload of file bytes 'data' read from 'path'; throws StateCorruptError. */
export function unframeState(data: Buffer, path: string): Buffer {
  if (data.length < STATE_HEADER_BYTES) {
    throw new StateCorruptError(path, `${data.length} bytes, shorter than the ${STATE_HEADER_BYTES}-byte header (truncated?)`);
  }
  if (!data.subarray(0, 8).equals(STATE_MAGIC)) {
    throw new StateCorruptError(path, `does not start with ${JSON.stringify(STATE_MAGIC.toString('ascii'))} (not an mswitch state file)`);
  }
  const length = data.readUInt32BE(8);
  const have = data.length - STATE_HEADER_BYTES;
  if (length > STATE_MAX_PAYLOAD) throw new StateCorruptError(path, `the header gives a payload of ${length} bytes, over the ${STATE_MAX_PAYLOAD}-byte limit`);
  if (have < length) throw new StateCorruptError(path, `truncated: the header gives ${length} payload bytes, the file has ${have}`);
  if (have > length) throw new StateCorruptError(path, `${have - length} bytes after the ${length}-byte payload`);
  const payload = data.subarray(STATE_HEADER_BYTES);
  const want = data.readUInt32BE(12);
  const got = crc32(payload);
  if (got !== want) {
    throw new StateCorruptError(path, `checksum mismatch (header 0x${want.toString(16).padStart(8, '0')}, payload 0x${got.toString(16).padStart(8, '0')})`);
  }
  return payload;
}

/** The payload of the state file in 'statedir', or undefined when there is none. */
export function readStateFile(statedir: string): Buffer | undefined {
  const path = statePath(statedir);
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read state file ${path}: ${(e as Error).message}`);
  }
  return unframeState(data, path);
}

// Steps of writeStateFile, named so that tests can stop it between any two
// of them (as a crash would).
export type WriteStep = 'temp-written' | 'temp-synced' | 'renamed';

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces the state file in 'statedir' with 'payload', atomically (see the
 * essay above).  'after' is called after each step; a test throws from it
 * to play a crash.  Creates 'statedir' (0700: the file holds API-set
 * secrets such as memif secrets) when missing.
 */
export function writeStateFile(statedir: string, payload: Uint8Array, after?: (step: WriteStep) => void): void {
  const path = statePath(statedir);
  const temp = `${path}.tmp`;
  try {
    mkdirSync(statedir, { recursive: true, mode: 0o700 });
    const fd = openSync(temp, 'w', 0o600);
    try {
      const data = frameState(payload);
      for (let off = 0; off < data.length;) off += writeSync(fd, data, off, data.length - off);
      after?.('temp-written');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    after?.('temp-synced');
    renameSync(temp, path);
    after?.('renamed');
    fsyncDir(statedir);
  } catch (e) {
    throw Object.assign(new Error(`cannot write state file ${path}: ${(e as Error).message}`), { code: (e as NodeJS.ErrnoException).code });
  }
}

/**
 * Renames the state file in 'statedir' to state.pb.<why>-<timestamp> so
 * that nothing overwrites it; returns the new path.
 */
export function moveAside(statedir: string, why: string, now: Date = new Date()): string {
  const path = statePath(statedir);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let aside = `${path}.${why}-${stamp}`;
  for (let n = 1; ; n++) {
    try {
      // Never replace an earlier file kept aside in the same millisecond.
      closeSync(openSync(aside, 'wx', 0o600));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot keep ${path} aside as ${aside}: ${(e as Error).message}`);
      aside = `${path}.${why}-${stamp}.${n}`;
    }
  }
  try {
    renameSync(path, aside);
  } catch (e) {
    try { unlinkSync(aside); } catch { /* the placeholder may already be gone */ }
    throw new Error(`cannot keep ${path} aside as ${aside}: ${(e as Error).message}`);
  }
  return aside;
}
