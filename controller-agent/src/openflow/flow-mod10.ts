// OpenFlow 1.0's OFPT_FLOW_MOD (OpenFlow 1.0.0 section 5.3.3) and the flow
// filter of its OFPST_FLOW / OFPST_AGGREGATE requests (section 5.3.5).
//
// What?  ofp_flow_mod of 1.0: a fixed ofp_match first, then cookie,
// command, timeouts, priority, buffer_id, a 16-bit out_port, flags, and the
// action list filling the rest, which becomes the model's apply-actions.
// 1.0 has one table as far as the wire says: an add decodes with table 0;
// modify and delete, which act on every table, with OFPTT_ALL.  1.0 has no
// cookie mask or out_group: they decode as 0 and OFPG_ANY and are not
// written.
//
// Thread-safety: pure functions.

import { FLOW_MOD_COMMANDS, OFPG_ANY, OFPTT_ALL, OFP_VERSION_1_0, port10To13 } from './constants';
import { decodeActions10, encodeActions10 } from './actions10';
import { EncodeError, OpenFlowError } from './errors';
import { decodeFlowFlags, encodeFlowFlags } from './flags';
import { decodeMatch10, encodeMatch10 } from './match10';
import type { Body, CodecInstructions, FlowFilter, MessageOf } from './model';
import { portNumber } from './port';
import { Reader, Writer } from './wire';

export function decodeFlowMod10(r: Reader): Body<'OFPT_FLOW_MOD'> {
  const match = decodeMatch10(r);
  const cookie = r.u64('cookie');
  const cmd = r.u16('command');
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = port10To13(r.u16());
  const flagBits = r.u16();
  const command = FLOW_MOD_COMMANDS[cmd];
  if (command === undefined) throw new OpenFlowError('OFPFMFC_BAD_COMMAND', `flow mod command ${cmd}`);
  const flags = decodeFlowFlags(flagBits, OFP_VERSION_1_0);
  const apply = decodeActions10(r, r.remaining);
  return {
    type: 'OFPT_FLOW_MOD', command, table: cmd === 0 ? 0 : OFPTT_ALL, priority, cookie, cookieMask: 0n,
    idleTimeout, hardTimeout, bufferId, outPort, outGroup: OFPG_ANY, flags, match, instructions: { apply, clearActions: false },
  };
}

/** A 1.0 action list: only apply-actions exist there. */
export function actionsOnly10(ins: CodecInstructions): CodecInstructions['apply'] {
  if (ins.clearActions || ins.writeActions || ins.writeMetadata || ins.gotoTable !== undefined || ins.meter !== undefined) {
    throw new EncodeError('OpenFlow 1.0 has only an action list (no meter, write, clear, metadata or goto instructions)');
  }
  return ins.apply;
}

export function encodeFlowMod10(w: Writer, m: MessageOf<'OFPT_FLOW_MOD'>): void {
  encodeMatch10(w, m.match);
  w.u64(m.cookie).u16(FLOW_MOD_COMMANDS.indexOf(m.command)).u16(m.idleTimeout).u16(m.hardTimeout).u16(m.priority)
    .u32(m.bufferId).u16(portNumber(m.outPort, OFP_VERSION_1_0)).u16(encodeFlowFlags(m.flags, OFP_VERSION_1_0));
  encodeActions10(w, actionsOnly10(m.instructions));
}

/** ofp_flow_stats_request (1.0.0 section 5.3.5): match, table_id, pad, out_port. */
export function decodeFlowFilter10(r: Reader): FlowFilter {
  const match = decodeMatch10(r);
  const table = r.u8('table_id');
  r.pad(1);
  const outPort = port10To13(r.u16('out_port'));
  return { table, outPort, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match };
}

export function encodeFlowFilter10(w: Writer, f: FlowFilter): void {
  encodeMatch10(w, f.match);
  w.u8(f.table).zeros(1).u16(portNumber(f.outPort, OFP_VERSION_1_0));
}
