// OpenFlow version negotiation from the two HELLOs (OpenFlow 1.3.5
// section 6.3.1 and 7.5.1).
//
// What?  ourHello() is the HELLO the switch sends first: the header holds
// our highest version and, when that is 1.3 or later, a version bitmap of
// every version we speak (1.0 peers do not know bitmaps).  negotiate()
// takes the peer's HELLO and answers the version to use, or undefined when
// there is none in common (the caller sends OFPET_HELLO_FAILED /
// OFPHFC_INCOMPATIBLE and closes).
//
// Design.  A peer's HELLO with a bitmap says exactly what it speaks; one
// without says "everything up to my header version", the reading Open
// vSwitch uses.  Either way the answer is the highest version in both
// sets.  So a HELLO of 1.5 without a bitmap (os-ken with ofctl_rest) gives
// 1.3 when we speak 1.0 and 1.3, and one of 1.2 gives 1.0.  A peer newer
// than us may speak versions we do not know: only ours count.
//
// Thread-safety: pure functions.

import { highestCommonVersion, OFP_VERSION_1_3 } from '../openflow';
import type { MessageOf } from '../openflow';

const MAX_WIRE_VERSION = 0x7f;

/** The HELLO the switch sends on every new connection ('ours': versions we speak). */
export function ourHello(ours: readonly number[]): MessageOf<'OFPT_HELLO'> {
  const highest = Math.max(...ours);
  if (highest >= OFP_VERSION_1_3) return { version: highest, xid: 0, type: 'OFPT_HELLO', versions: [...ours].sort((a, b) => a - b) };
  return { version: highest, xid: 0, type: 'OFPT_HELLO' };
}

/** The versions a peer's HELLO says it speaks. */
export function peerVersions(hello: MessageOf<'OFPT_HELLO'>): number[] {
  if (hello.versions !== undefined) return hello.versions;
  const top = Math.min(hello.version, MAX_WIRE_VERSION);
  return Array.from({ length: top }, (_, i) => i + 1);
}

/** The version both sides speak, highest first; undefined when none. */
export function negotiate(ours: readonly number[], hello: MessageOf<'OFPT_HELLO'>): number | undefined {
  return highestCommonVersion(ours, peerVersions(hello));
}

/** 'v' as people write it: 0x04 is "OpenFlow 1.3". */
export function versionName(v: number): string {
  return v >= 1 && v <= 6 ? `OpenFlow 1.${v - 1}` : `OpenFlow version 0x${v.toString(16)}`;
}

/**
 * The version to write a HELLO_FAILED error in: the peer cannot decode
 * ours, so use the one closest to its own from below, else our lowest.
 */
export function failureVersion(ours: readonly number[], peerHeaderVersion: number): number {
  const below = ours.filter((v) => v <= peerHeaderVersion);
  return below.length ? Math.max(...below) : Math.min(...ours);
}
