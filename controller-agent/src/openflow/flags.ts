// ofp_flow_mod_flags (OpenFlow 1.3.5 section 7.3.4.1; 1.0.0 section 5.3.3)
// as the flow model's flag names, and back.
//
// Thread-safety: pure functions.

import { FLOW_FLAGS, FlowFlag } from '../../../ovs-compat/src/flow';
import { OFP_VERSION_1_0, OFPFF_10, OFPFF_13 } from './constants';
import { OpenFlowError } from './errors';

/** The flag names of 'bits'; a bit the version does not define is OFPFMFC_BAD_FLAGS. */
export function decodeFlowFlags(bits: number, version: number): FlowFlag[] {
  const table: readonly number[] = version === OFP_VERSION_1_0 ? OFPFF_10 : OFPFF_13;
  const out: FlowFlag[] = [];
  let known = 0;
  table.forEach((bit, i) => {
    known |= bit;
    if (bits & bit) out.push(FLOW_FLAGS[i]);
  });
  // 1.0's OFPFF_EMERG (emergency flow cache) is not supported: refused like an unknown flag.
  if (bits & ~known) throw new OpenFlowError('OFPFMFC_BAD_FLAGS', `flow flags 0x${bits.toString(16)} include unsupported bits 0x${(bits & ~known).toString(16)}`);
  return out;
}

export function encodeFlowFlags(flags: readonly FlowFlag[], version: number): number {
  const table: readonly number[] = version === OFP_VERSION_1_0 ? OFPFF_10 : OFPFF_13;
  let bits = 0;
  for (const f of flags) {
    const bit = table[FLOW_FLAGS.indexOf(f)];
    if (bit === undefined) throw new OpenFlowError('OFPFMFC_BAD_FLAGS', `flag ${f} does not exist in OpenFlow 0x0${version}`);
    bits |= bit;
  }
  return bits;
}
