// OpenFlow 1.3's OFPT_FLOW_MOD (OpenFlow 1.3.5 section 7.3.4.1) and the
// flow filter shared by OFPMP_FLOW and OFPMP_AGGREGATE requests (7.3.5.2-3).
//
// What?  ofp_flow_mod: cookie, cookie_mask, table_id, command, timeouts,
// priority, buffer_id, out_port, out_group, flags, then an ofp_match and
// the instructions filling the rest.  Checks here are those on the message
// alone: the command must exist (OFPFMFC_BAD_COMMAND), OFPTT_ALL is only
// for deletes (OFPFMFC_BAD_TABLE_ID), flags must be defined
// (OFPFMFC_BAD_FLAGS); the match and instructions check themselves.
//
// Thread-safety: pure functions.

import { FLOW_MOD_COMMANDS, OFPTT_ALL, OFP_VERSION_1_3 } from './constants';
import { OpenFlowError } from './errors';
import { decodeFlowFlags, encodeFlowFlags } from './flags';
import { decodeInstructions13, encodeInstructions13 } from './instructions13';
import type { Body, FlowFilter, MessageOf } from './model';
import { decodeMatch13, encodeMatch13 } from './oxm';
import { Reader, Writer } from './wire';

export function decodeFlowMod13(r: Reader): Body<'OFPT_FLOW_MOD'> {
  const cookie = r.u64('cookie');
  const cookieMask = r.u64('cookie_mask');
  const table = r.u8('table_id');
  const cmd = r.u8('command');
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = r.u32();
  const outGroup = r.u32();
  const flagBits = r.u16();
  r.pad(2);
  const command = FLOW_MOD_COMMANDS[cmd];
  if (command === undefined) throw new OpenFlowError('OFPFMFC_BAD_COMMAND', `flow mod command ${cmd}`);
  // 7.3.4.1: OFPTT_ALL is valid only in delete requests.
  if (table === OFPTT_ALL && cmd < 3) throw new OpenFlowError('OFPFMFC_BAD_TABLE_ID', `${command} into OFPTT_ALL`);
  const flags = decodeFlowFlags(flagBits, OFP_VERSION_1_3);
  const match = decodeMatch13(r);
  const instructions = decodeInstructions13(r);
  return {
    type: 'OFPT_FLOW_MOD', command, table, priority, cookie, cookieMask, idleTimeout, hardTimeout, bufferId,
    outPort, outGroup, flags, match, instructions,
  };
}

export function encodeFlowMod13(w: Writer, m: MessageOf<'OFPT_FLOW_MOD'>): void {
  w.u64(m.cookie).u64(m.cookieMask).u8(m.table).u8(FLOW_MOD_COMMANDS.indexOf(m.command))
    .u16(m.idleTimeout).u16(m.hardTimeout).u16(m.priority).u32(m.bufferId).u32(m.outPort).u32(m.outGroup)
    .u16(encodeFlowFlags(m.flags, OFP_VERSION_1_3)).zeros(2);
  encodeMatch13(w, m.match);
  encodeInstructions13(w, m.instructions);
}

/** ofp_flow_stats_request / ofp_aggregate_stats_request (1.3.5 section 7.3.5.2). */
export function decodeFlowFilter13(r: Reader): FlowFilter {
  const table = r.u8('table_id');
  r.pad(3);
  const outPort = r.u32();
  const outGroup = r.u32();
  r.pad(4);
  const cookie = r.u64();
  const cookieMask = r.u64();
  return { table, outPort, outGroup, cookie, cookieMask, match: decodeMatch13(r) };
}

export function encodeFlowFilter13(w: Writer, f: FlowFilter): void {
  w.u8(f.table).zeros(3).u32(f.outPort).u32(f.outGroup).zeros(4).u64(f.cookie).u64(f.cookieMask);
  encodeMatch13(w, f.match);
}
