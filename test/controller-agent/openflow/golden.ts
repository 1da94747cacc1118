// Helpers for golden OpenFlow bytes written by hand from the spec layouts.
// They know nothing of the codec: hex text with '#' comments, and a
// NUL-padded string, are all a fixture needs.

/** Bytes from hex text; whitespace, '|' separators and '#' comments to end of line are ignored. */
export function hex(text: string): Buffer {
  const clean = text.replace(/#.*$/gm, '').replace(/[\s|]+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error(`golden: bad hex '${clean}'`);
  return Buffer.from(clean, 'hex');
}

/** 's' in latin1, NUL-padded to 'n' bytes, as hex. */
export function str(s: string, n: number): string {
  return Buffer.from(s, 'latin1').toString('hex').padEnd(n * 2, '0');
}

/** 'n' zero bytes as hex. */
export const zeros = (n: number): string => '00'.repeat(n);

/** A 64-bit big-endian value as hex. */
export const u64 = (v: bigint): string => v.toString(16).padStart(16, '0');
