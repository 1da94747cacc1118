// OpenFlow errors: the one table of OFPT_ERROR (type, code) pairs for
// OpenFlow 1.0 and 1.3, and the typed error the decoders throw.
//
// What?  Every check in the codec that refuses input throws an
// OpenFlowError naming a row of ERRORS by its spec name (`OFPBMC_BAD_PREREQ`).
// The agent turns it into the OFPT_ERROR the spec asks for with
// errorNumbers(name, version), the request's xid and its first bytes.
//
// Design.  One table, as Open vSwitch's include/openvswitch/ofp-errors.h:
// a row is one error in the version-independent vocabulary, with its
// numbers in 1.3 (OpenFlow 1.3.5 section 7.4.4, enum ofp_error_type and the
// ofp_*_code enums) and in 1.0 (OpenFlow 1.0.0 section 5.4.4).  1.0 lacks
// most of 1.3's codes (no match, instruction, group, meter errors); such a
// row names the closest 1.0 error explicitly ('of10'), so every error can
// be sent on every connection and the choice is visible in one place.
//
// Thread-safety: pure data and immutable objects.

import { OFP_VERSION_1_0, OFP_VERSION_1_3 } from './constants';

/** ofp_error_type, OpenFlow 1.3.5 section 7.4.4. */
export const OFPET_13 = {
  OFPET_HELLO_FAILED: 0,
  OFPET_BAD_REQUEST: 1,
  OFPET_BAD_ACTION: 2,
  OFPET_BAD_INSTRUCTION: 3,
  OFPET_BAD_MATCH: 4,
  OFPET_FLOW_MOD_FAILED: 5,
  OFPET_GROUP_MOD_FAILED: 6,
  OFPET_PORT_MOD_FAILED: 7,
  OFPET_TABLE_MOD_FAILED: 8,
  OFPET_QUEUE_OP_FAILED: 9,
  OFPET_SWITCH_CONFIG_FAILED: 10,
  OFPET_ROLE_REQUEST_FAILED: 11,
  OFPET_METER_MOD_FAILED: 12,
  OFPET_TABLE_FEATURES_FAILED: 13,
  OFPET_EXPERIMENTER: 0xffff,
} as const;

/** ofp_error_type, OpenFlow 1.0.0 section 5.4.4. */
export const OFPET_10 = {
  OFPET_HELLO_FAILED: 0,
  OFPET_BAD_REQUEST: 1,
  OFPET_BAD_ACTION: 2,
  OFPET_FLOW_MOD_FAILED: 3,
  OFPET_PORT_MOD_FAILED: 4,
  OFPET_QUEUE_OP_FAILED: 5,
} as const;

type Pair = readonly [number, number];

// [name, 1.3 (type, code), 1.0 (type, code): its own or the closest one].
// 1.0 names differ for some rows (OFPBRC_BAD_STAT for BAD_MULTIPART,
// OFPBRC_BAD_VENDOR for BAD_EXPERIMENTER): the numbers are what matter.
const ROWS: readonly (readonly [string, Pair, Pair])[] = [
  ['OFPHFC_INCOMPATIBLE', [0, 0], [0, 0]],
  ['OFPHFC_EPERM', [0, 1], [0, 1]],

  ['OFPBRC_BAD_VERSION', [1, 0], [1, 0]],
  ['OFPBRC_BAD_TYPE', [1, 1], [1, 1]],
  ['OFPBRC_BAD_MULTIPART', [1, 2], [1, 2]], // 1.0 OFPBRC_BAD_STAT
  ['OFPBRC_BAD_EXPERIMENTER', [1, 3], [1, 3]], // 1.0 OFPBRC_BAD_VENDOR
  ['OFPBRC_BAD_EXP_TYPE', [1, 4], [1, 4]], // 1.0 OFPBRC_BAD_SUBTYPE
  ['OFPBRC_EPERM', [1, 5], [1, 5]],
  ['OFPBRC_BAD_LEN', [1, 6], [1, 6]],
  ['OFPBRC_BUFFER_EMPTY', [1, 7], [1, 7]],
  ['OFPBRC_BUFFER_UNKNOWN', [1, 8], [1, 8]],
  ['OFPBRC_BAD_TABLE_ID', [1, 9], [3, 5]], // 1.0: OFPFMFC_UNSUPPORTED
  ['OFPBRC_IS_SLAVE', [1, 10], [1, 5]], // 1.0: OFPBRC_EPERM
  ['OFPBRC_BAD_PORT', [1, 11], [2, 4]], // 1.0: OFPBAC_BAD_OUT_PORT
  ['OFPBRC_BAD_PACKET', [1, 12], [1, 6]], // 1.0: OFPBRC_BAD_LEN
  ['OFPBRC_MULTIPART_BUFFER_OVERFLOW', [1, 13], [1, 6]],

  ['OFPBAC_BAD_TYPE', [2, 0], [2, 0]],
  ['OFPBAC_BAD_LEN', [2, 1], [2, 1]],
  ['OFPBAC_BAD_EXPERIMENTER', [2, 2], [2, 2]], // 1.0 OFPBAC_BAD_VENDOR
  ['OFPBAC_BAD_EXP_TYPE', [2, 3], [2, 3]], // 1.0 OFPBAC_BAD_VENDOR_TYPE
  ['OFPBAC_BAD_OUT_PORT', [2, 4], [2, 4]],
  ['OFPBAC_BAD_ARGUMENT', [2, 5], [2, 5]],
  ['OFPBAC_EPERM', [2, 6], [2, 6]],
  ['OFPBAC_TOO_MANY', [2, 7], [2, 7]],
  ['OFPBAC_BAD_QUEUE', [2, 8], [2, 8]],
  ['OFPBAC_BAD_OUT_GROUP', [2, 9], [2, 4]],
  ['OFPBAC_MATCH_INCONSISTENT', [2, 10], [2, 5]],
  ['OFPBAC_UNSUPPORTED_ORDER', [2, 11], [2, 5]],
  ['OFPBAC_BAD_TAG', [2, 12], [2, 5]],
  ['OFPBAC_BAD_SET_TYPE', [2, 13], [2, 0]],
  ['OFPBAC_BAD_SET_LEN', [2, 14], [2, 1]],
  ['OFPBAC_BAD_SET_ARGUMENT', [2, 15], [2, 5]],

  ['OFPBIC_UNKNOWN_INST', [3, 0], [1, 1]],
  ['OFPBIC_UNSUP_INST', [3, 1], [1, 1]],
  ['OFPBIC_BAD_TABLE_ID', [3, 2], [3, 5]],
  ['OFPBIC_UNSUP_METADATA', [3, 3], [1, 5]],
  ['OFPBIC_UNSUP_METADATA_MASK', [3, 4], [1, 5]],
  ['OFPBIC_BAD_EXPERIMENTER', [3, 5], [1, 3]],
  ['OFPBIC_BAD_EXP_TYPE', [3, 6], [1, 4]],
  ['OFPBIC_BAD_LEN', [3, 7], [1, 6]],
  ['OFPBIC_EPERM', [3, 8], [1, 5]],

  // 1.0 has no match errors; OVS answers them with vendor errors, we with
  // the nearest standard one (a bad request).
  ['OFPBMC_BAD_TYPE', [4, 0], [1, 1]],
  ['OFPBMC_BAD_LEN', [4, 1], [1, 6]],
  ['OFPBMC_BAD_TAG', [4, 2], [1, 5]],
  ['OFPBMC_BAD_DL_ADDR_MASK', [4, 3], [1, 5]],
  ['OFPBMC_BAD_NW_ADDR_MASK', [4, 4], [1, 5]],
  ['OFPBMC_BAD_WILDCARDS', [4, 5], [1, 5]],
  ['OFPBMC_BAD_FIELD', [4, 6], [1, 5]],
  ['OFPBMC_BAD_VALUE', [4, 7], [1, 5]],
  ['OFPBMC_BAD_MASK', [4, 8], [1, 5]],
  ['OFPBMC_BAD_PREREQ', [4, 9], [1, 5]],
  ['OFPBMC_DUP_FIELD', [4, 10], [1, 5]],
  ['OFPBMC_EPERM', [4, 11], [1, 5]],

  ['OFPFMFC_UNKNOWN', [5, 0], [3, 2]],
  ['OFPFMFC_TABLE_FULL', [5, 1], [3, 0]], // 1.0 OFPFMFC_ALL_TABLES_FULL
  ['OFPFMFC_BAD_TABLE_ID', [5, 2], [3, 5]],
  ['OFPFMFC_OVERLAP', [5, 3], [3, 1]],
  ['OFPFMFC_EPERM', [5, 4], [3, 2]],
  ['OFPFMFC_BAD_TIMEOUT', [5, 5], [3, 3]], // 1.0 OFPFMFC_BAD_EMERG_TIMEOUT
  ['OFPFMFC_BAD_COMMAND', [5, 6], [3, 4]],
  ['OFPFMFC_BAD_FLAGS', [5, 7], [3, 2]],
  ['OFPFMFC_UNSUPPORTED', [5, 0], [3, 5]], // 1.0 only: unsupported action list

  ['OFPGMFC_GROUP_EXISTS', [6, 0], [1, 1]],
  ['OFPGMFC_INVALID_GROUP', [6, 1], [1, 1]],
  ['OFPGMFC_WEIGHT_UNSUPPORTED', [6, 2], [1, 1]],
  ['OFPGMFC_OUT_OF_GROUPS', [6, 3], [1, 1]],
  ['OFPGMFC_OUT_OF_BUCKETS', [6, 4], [1, 1]],
  ['OFPGMFC_CHAINING_UNSUPPORTED', [6, 5], [1, 1]],
  ['OFPGMFC_WATCH_UNSUPPORTED', [6, 6], [1, 1]],
  ['OFPGMFC_LOOP', [6, 7], [1, 1]],
  ['OFPGMFC_UNKNOWN_GROUP', [6, 8], [1, 1]],
  ['OFPGMFC_CHAINED_GROUP', [6, 9], [1, 1]],
  ['OFPGMFC_BAD_TYPE', [6, 10], [1, 1]],
  ['OFPGMFC_BAD_COMMAND', [6, 11], [1, 1]],
  ['OFPGMFC_BAD_BUCKET', [6, 12], [1, 1]],
  ['OFPGMFC_BAD_WATCH', [6, 13], [1, 1]],
  ['OFPGMFC_EPERM', [6, 14], [1, 1]],

  ['OFPPMFC_BAD_PORT', [7, 0], [4, 0]],
  ['OFPPMFC_BAD_HW_ADDR', [7, 1], [4, 1]],
  ['OFPPMFC_BAD_CONFIG', [7, 2], [4, 0]],
  ['OFPPMFC_BAD_ADVERTISE', [7, 3], [4, 0]],
  ['OFPPMFC_EPERM', [7, 4], [4, 0]],

  ['OFPTMFC_BAD_TABLE', [8, 0], [1, 1]],
  ['OFPTMFC_BAD_CONFIG', [8, 1], [1, 1]],
  ['OFPTMFC_EPERM', [8, 2], [1, 1]],

  ['OFPQOFC_BAD_PORT', [9, 0], [5, 0]],
  ['OFPQOFC_BAD_QUEUE', [9, 1], [5, 1]],
  ['OFPQOFC_EPERM', [9, 2], [5, 2]],

  ['OFPSCFC_BAD_FLAGS', [10, 0], [1, 5]],
  ['OFPSCFC_BAD_LEN', [10, 1], [1, 6]],
  ['OFPSCFC_EPERM', [10, 2], [1, 5]],

  ['OFPRRFC_STALE', [11, 0], [1, 1]],
  ['OFPRRFC_UNSUP', [11, 1], [1, 1]],
  ['OFPRRFC_BAD_ROLE', [11, 2], [1, 1]],

  ['OFPMMFC_UNKNOWN', [12, 0], [1, 1]],
  ['OFPMMFC_METER_EXISTS', [12, 1], [1, 1]],
  ['OFPMMFC_INVALID_METER', [12, 2], [1, 1]],
  ['OFPMMFC_UNKNOWN_METER', [12, 3], [1, 1]],
  ['OFPMMFC_BAD_COMMAND', [12, 4], [1, 1]],
  ['OFPMMFC_BAD_FLAGS', [12, 5], [1, 1]],
  ['OFPMMFC_BAD_RATE', [12, 6], [1, 1]],
  ['OFPMMFC_BAD_BURST', [12, 7], [1, 1]],
  ['OFPMMFC_BAD_BAND', [12, 8], [1, 1]],
  ['OFPMMFC_BAD_BAND_VALUE', [12, 9], [1, 1]],
  ['OFPMMFC_OUT_OF_METERS', [12, 10], [1, 1]],
  ['OFPMMFC_OUT_OF_BANDS', [12, 11], [1, 1]],

  ['OFPTFFC_BAD_TABLE', [13, 0], [1, 2]],
  ['OFPTFFC_BAD_METADATA', [13, 1], [1, 2]],
  ['OFPTFFC_BAD_TYPE', [13, 2], [1, 2]],
  ['OFPTFFC_BAD_LEN', [13, 3], [1, 6]],
  ['OFPTFFC_BAD_ARGUMENT', [13, 4], [1, 2]],
  ['OFPTFFC_EPERM', [13, 5], [1, 2]],
];

export interface ErrorNumbers {
  type: number;
  code: number;
}

const BY_NAME = new Map<string, { of13: ErrorNumbers; of10: ErrorNumbers }>(
  ROWS.map(([name, a, b]) => [name, { of13: { type: a[0], code: a[1] }, of10: { type: b[0], code: b[1] } }]),
);

/** Every error name of the table, in table order. */
export const ERROR_NAMES: readonly string[] = ROWS.map((r) => r[0]);

/** The OFPT_ERROR (type, code) to send for 'name' on a connection of 'version'. */
export function errorNumbers(name: string, version: number): ErrorNumbers {
  const row = BY_NAME.get(name);
  if (!row) throw new Error(`openflow errors: no error named '${name}'`);
  return version === OFP_VERSION_1_0 ? row.of10 : row.of13;
}

/** The table's name for an OFPT_ERROR (type, code) received on 'version', or undefined. */
export function errorName(type: number, code: number, version: number): string | undefined {
  for (const [name, a, b] of ROWS) {
    const p = version === OFP_VERSION_1_0 ? b : a;
    // 1.0 rows that borrow a neighbour's numbers are not the name of those numbers.
    if (p[0] === type && p[1] === code && (version !== OFP_VERSION_1_0 || ownIn10(name))) return name;
  }
  return undefined;
}

const OWN_10 = /^(OFPHFC_|OFPBRC_(BAD_VERSION|BAD_TYPE|BAD_MULTIPART|BAD_EXPERIMENTER|BAD_EXP_TYPE|EPERM|BAD_LEN|BUFFER_)|OFPBAC_(BAD_TYPE|BAD_LEN|BAD_EXPERIMENTER|BAD_EXP_TYPE|BAD_OUT_PORT|BAD_ARGUMENT|EPERM|TOO_MANY|BAD_QUEUE)$|OFPFMFC_(TABLE_FULL|OVERLAP|EPERM|BAD_TIMEOUT|BAD_COMMAND|UNSUPPORTED)$|OFPPMFC_BAD_(PORT|HW_ADDR)$|OFPQOFC_)/;
const ownIn10 = (name: string): boolean => OWN_10.test(name);

/** How many bytes of an offending message an error carries (OpenFlow 1.3.5 section 7.4.4: "at least 64 bytes"). */
export const OFP_ERROR_DATA_LEN = 64;

/**
 * A message the codec refuses, as the spec's error.  'name' is a row of the
 * table; 'xid' and 'data' (the first OFP_ERROR_DATA_LEN bytes of the
 * offending message) are filled in by decodeMessage(); 'close' is true when
 * the spec says to drop the connection instead of answering.
 */
export class OpenFlowError extends Error {
  readonly code = 'OPENFLOW_ERROR';
  xid = 0;
  data: Buffer = Buffer.alloc(0);

  constructor(readonly errorName: string, detail: string, readonly close = false) {
    super(`${errorName}: ${detail}`);
    this.name = 'OpenFlowError';
    if (!BY_NAME.has(errorName)) throw new Error(`openflow errors: no error named '${errorName}' (${detail})`);
  }

  /** The (type, code) pair for 'version'. */
  numbers(version: number): ErrorNumbers {
    return errorNumbers(this.errorName, version);
  }
}

/** Thrown by encoders when the model holds something the version cannot express: a caller's bug, not a peer's. */
export class EncodeError extends Error {
  readonly code = 'OPENFLOW_ENCODE';

  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

export const isSupportedVersion = (v: number): boolean => v === OFP_VERSION_1_0 || v === OFP_VERSION_1_3;
