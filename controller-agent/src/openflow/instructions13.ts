// OpenFlow 1.3 instructions (OpenFlow 1.3.5 section 7.2.4) to and from the
// model's Instructions (ovs-compat/src/flow.ts, with codec actions).
//
// What?  A flow's instruction list holds each instruction type at most
// once; the model keeps one slot per type.  Encoding writes them in the
// order the pipeline runs them (section 5.9: meter, apply-actions,
// clear-actions, write-actions, write-metadata, goto-table), which is also
// the order Open vSwitch writes.  An empty apply-actions list is written as
// no instruction (the flow drops), as Open vSwitch does.
//
// Thread-safety: pure functions.

import { OFPIT } from './constants';
import { OpenFlowError } from './errors';
import type { CodecInstructions } from './model';
import { decodeActions13, encodeActions13 } from './actions13';
import { Reader, Writer } from './wire';

const FIXED_LEN: Record<number, number> = {
  [OFPIT.OFPIT_GOTO_TABLE]: 8, [OFPIT.OFPIT_WRITE_METADATA]: 24, [OFPIT.OFPIT_CLEAR_ACTIONS]: 8, [OFPIT.OFPIT_METER]: 8,
};

export const emptyInstructions = (): CodecInstructions => ({ apply: [], clearActions: false });

/** The instructions filling the rest of 'r'. */
export function decodeInstructions13(r: Reader): CodecInstructions {
  const out = emptyInstructions();
  const seen = new Set<number>();
  while (r.remaining > 0) {
    const type = r.u16('instruction type');
    const len = r.u16('instruction length');
    if (len < 8 || len % 8 !== 0 || (FIXED_LEN[type] !== undefined && len !== FIXED_LEN[type])) {
      throw new OpenFlowError('OFPBIC_BAD_LEN', `instruction type ${type} has length ${len}`);
    }
    const body = r.sub(len - 4, `instruction type ${type}`, 'OFPBIC_BAD_LEN');
    // 7.2.4: "the instruction set ... can have at most one instruction of each type".
    if (seen.has(type)) throw new OpenFlowError('OFPBIC_UNSUP_INST', `instruction type ${type} appears twice`);
    seen.add(type);
    switch (type) {
      case OFPIT.OFPIT_GOTO_TABLE: out.gotoTable = body.u8(); break;
      case OFPIT.OFPIT_WRITE_METADATA: {
        body.pad(4);
        const value = body.u64();
        const mask = body.u64();
        out.writeMetadata = { value, mask };
        break;
      }
      case OFPIT.OFPIT_WRITE_ACTIONS: body.pad(4); out.writeActions = decodeActions13(body, body.remaining); break;
      case OFPIT.OFPIT_APPLY_ACTIONS: body.pad(4); out.apply = decodeActions13(body, body.remaining); break;
      case OFPIT.OFPIT_CLEAR_ACTIONS: out.clearActions = true; break;
      case OFPIT.OFPIT_METER: out.meter = body.u32(); break;
      case OFPIT.OFPIT_EXPERIMENTER:
        throw new OpenFlowError('OFPBIC_BAD_EXPERIMENTER', `experimenter instruction 0x${body.u32().toString(16)} is not supported`);
      default:
        throw new OpenFlowError('OFPBIC_UNKNOWN_INST', `unknown instruction type ${type}`);
    }
  }
  return out;
}

export function encodeInstructions13(w: Writer, ins: CodecInstructions): void {
  if (ins.meter !== undefined) w.u16(OFPIT.OFPIT_METER).u16(8).u32(ins.meter);
  if (ins.apply.length > 0) actionsInstruction(w, OFPIT.OFPIT_APPLY_ACTIONS, ins.apply);
  if (ins.clearActions) w.u16(OFPIT.OFPIT_CLEAR_ACTIONS).u16(8).zeros(4);
  if (ins.writeActions !== undefined) actionsInstruction(w, OFPIT.OFPIT_WRITE_ACTIONS, ins.writeActions);
  if (ins.writeMetadata !== undefined) {
    w.u16(OFPIT.OFPIT_WRITE_METADATA).u16(24).zeros(4).u64(ins.writeMetadata.value).u64(ins.writeMetadata.mask);
  }
  if (ins.gotoTable !== undefined) w.u16(OFPIT.OFPIT_GOTO_TABLE).u16(8).u8(ins.gotoTable).zeros(3);
}

function actionsInstruction(w: Writer, type: number, actions: CodecInstructions['apply']): void {
  const start = w.length;
  w.u16(type).u16(0).zeros(4);
  encodeActions13(w, actions);
  w.patch16(start + 2, w.length - start);
}
