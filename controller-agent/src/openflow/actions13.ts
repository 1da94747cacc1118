// OpenFlow 1.3 actions (OpenFlow 1.3.5 section 7.2.5) to and from the model.
//
// What?  decodeActions13 reads an action list of a known byte length (an
// instruction's, a bucket's, a packet-out's); encodeActions13 writes one.
// Output to OFPP_CONTROLLER is the model's 'controller' action carrying
// max_len; the model's 'load' (a whole-field NXM load) is written as the
// OFPAT_SET_FIELD it means.
//
// Design.  One switch per direction, one case per OFPAT_ type, each with
// the struct's fixed length checked (OFPBAC_BAD_LEN) before its fields are
// read.  Experimenter actions are refused with OFPBAC_BAD_EXPERIMENTER: we
// implement none (Nicira's included), and that is the error that makes
// ovs-ofctl print a clean message.
//
// Thread-safety: pure functions.

import { fullMask } from '../../../ovs-compat/src/match-fields';
import { OFPP_CONTROLLER } from '../../../ovs-compat/src/flow';
import { OFPAT_13 } from './constants';
import { EncodeError, OpenFlowError } from './errors';
import type { Action } from './model';
import { decodeOxm, encodeOxm, oxmField } from './oxm';
import { Reader, Writer } from './wire';

const SET_FIELD_ERRORS = {
  badField: 'OFPBAC_BAD_SET_TYPE',
  badLen: 'OFPBAC_BAD_SET_LEN',
  badMask: 'OFPBAC_BAD_SET_ARGUMENT',
  badValue: 'OFPBAC_BAD_SET_ARGUMENT',
  masked: 'OFPBAC_BAD_SET_ARGUMENT',
};

// Fixed lengths of section 7.2.5's structs (SET_FIELD and EXPERIMENTER vary).
const FIXED_LEN: Record<number, number> = {
  [OFPAT_13.OFPAT_OUTPUT]: 16,
  [OFPAT_13.OFPAT_COPY_TTL_OUT]: 8, [OFPAT_13.OFPAT_COPY_TTL_IN]: 8, [OFPAT_13.OFPAT_SET_MPLS_TTL]: 8,
  [OFPAT_13.OFPAT_DEC_MPLS_TTL]: 8, [OFPAT_13.OFPAT_PUSH_VLAN]: 8, [OFPAT_13.OFPAT_POP_VLAN]: 8,
  [OFPAT_13.OFPAT_PUSH_MPLS]: 8, [OFPAT_13.OFPAT_POP_MPLS]: 8, [OFPAT_13.OFPAT_SET_QUEUE]: 8,
  [OFPAT_13.OFPAT_GROUP]: 8, [OFPAT_13.OFPAT_SET_NW_TTL]: 8, [OFPAT_13.OFPAT_DEC_NW_TTL]: 8,
  [OFPAT_13.OFPAT_PUSH_PBB]: 8, [OFPAT_13.OFPAT_POP_PBB]: 8,
};

/** The actions in the next 'len' bytes of 'r'. */
export function decodeActions13(r: Reader, len: number): Action[] {
  const list = r.sub(len, 'action list', 'OFPBAC_BAD_LEN');
  const out: Action[] = [];
  while (list.remaining > 0) out.push(decodeAction13(list));
  return out;
}

function decodeAction13(list: Reader): Action {
  const type = list.u16('action type');
  const len = list.u16('action length');
  // 7.2.5: every action is a multiple of 8 bytes long, at least 8.
  if (len < 8 || len % 8 !== 0) throw new OpenFlowError('OFPBAC_BAD_LEN', `action type ${type} has length ${len}`);
  const fixed = FIXED_LEN[type];
  if (fixed !== undefined && len !== fixed) throw new OpenFlowError('OFPBAC_BAD_LEN', `action type ${type} has length ${len}, expected ${fixed}`);
  const r = list.sub(len - 4, `action type ${type}`, 'OFPBAC_BAD_LEN');
  switch (type) {
    case OFPAT_13.OFPAT_OUTPUT: {
      const port = r.u32();
      const maxLen = r.u16();
      // 7.2.5: port 0 and OFPP_ANY are not output ports.
      if (port === 0 || port === 0xffffffff) throw new OpenFlowError('OFPBAC_BAD_OUT_PORT', `output to port 0x${port.toString(16)}`);
      return port === OFPP_CONTROLLER ? { type: 'controller', maxLen, reason: 'action' } : { type: 'output', port };
    }
    case OFPAT_13.OFPAT_COPY_TTL_OUT: return { type: 'copy_ttl_out' };
    case OFPAT_13.OFPAT_COPY_TTL_IN: return { type: 'copy_ttl_in' };
    case OFPAT_13.OFPAT_SET_MPLS_TTL: return { type: 'set_mpls_ttl', ttl: r.u8() };
    case OFPAT_13.OFPAT_DEC_MPLS_TTL: return { type: 'dec_mpls_ttl' };
    case OFPAT_13.OFPAT_PUSH_VLAN: return { type: 'push_vlan', ethertype: pushEthertype(r.u16(), [0x8100, 0x88a8]) };
    case OFPAT_13.OFPAT_POP_VLAN: return { type: 'pop_vlan' };
    case OFPAT_13.OFPAT_PUSH_MPLS: return { type: 'push_mpls', ethertype: pushEthertype(r.u16(), [0x8847, 0x8848]) };
    case OFPAT_13.OFPAT_POP_MPLS: return { type: 'pop_mpls', ethertype: r.u16() };
    case OFPAT_13.OFPAT_SET_QUEUE: return { type: 'set_queue', queue: r.u32() };
    case OFPAT_13.OFPAT_GROUP: return { type: 'group', group: r.u32() };
    case OFPAT_13.OFPAT_SET_NW_TTL: return { type: 'set_nw_ttl', ttl: r.u8() };
    case OFPAT_13.OFPAT_DEC_NW_TTL: return { type: 'dec_ttl' };
    case OFPAT_13.OFPAT_PUSH_PBB: return { type: 'push_pbb', ethertype: pushEthertype(r.u16(), [0x88e7]) };
    case OFPAT_13.OFPAT_POP_PBB: return { type: 'pop_pbb' };
    case OFPAT_13.OFPAT_SET_FIELD: {
      // 7.2.5: one OXM TLV without a mask, padded to 8 bytes.
      const m = decodeOxm(r, SET_FIELD_ERRORS);
      if (!oxmField(m.field)!.settable) throw new OpenFlowError('OFPBAC_BAD_SET_TYPE', `${m.field} cannot be set`);
      if (r.remaining >= 8) throw new OpenFlowError('OFPBAC_BAD_SET_LEN', `set_field ${m.field} has ${r.remaining} bytes after its OXM`);
      return { type: 'set_field', field: m.field, value: m.value };
    }
    case OFPAT_13.OFPAT_EXPERIMENTER: {
      const experimenter = r.u32('experimenter id');
      throw new OpenFlowError('OFPBAC_BAD_EXPERIMENTER', `experimenter action 0x${experimenter.toString(16)} is not supported`);
    }
    default:
      throw new OpenFlowError('OFPBAC_BAD_TYPE', `unknown action type ${type}`);
  }
}

// 7.2.5: push actions take only the ethertypes of their tag (OFPBAC_BAD_ARGUMENT).
function pushEthertype(e: number, allowed: number[]): number {
  if (!allowed.includes(e)) throw new OpenFlowError('OFPBAC_BAD_ARGUMENT', `push ethertype 0x${e.toString(16)} not one of ${allowed.map((x) => '0x' + x.toString(16)).join(', ')}`);
  return e;
}

export function encodeActions13(w: Writer, actions: readonly Action[]): void {
  for (const a of actions) encodeAction13(w, a);
}

function encodeAction13(w: Writer, a: Action): void {
  const simple = (type: number) => w.u16(type).u16(8).zeros(4);
  const u16arg = (type: number, v: number) => w.u16(type).u16(8).u16(v).zeros(2);
  const u8arg = (type: number, v: number) => w.u16(type).u16(8).u8(v).zeros(3);
  const u32arg = (type: number, v: number) => w.u16(type).u16(8).u32(v);
  switch (a.type) {
    case 'output': w.u16(OFPAT_13.OFPAT_OUTPUT).u16(16).u32(a.port).u16(0).zeros(6); return;
    case 'controller':
      // The reason travels only in Nicira's controller action, which we do not speak.
      if (a.reason !== 'action') throw new EncodeError(`controller action with reason=${a.reason} needs a Nicira extension`);
      w.u16(OFPAT_13.OFPAT_OUTPUT).u16(16).u32(OFPP_CONTROLLER).u16(a.maxLen).zeros(6);
      return;
    case 'copy_ttl_out': simple(OFPAT_13.OFPAT_COPY_TTL_OUT); return;
    case 'copy_ttl_in': simple(OFPAT_13.OFPAT_COPY_TTL_IN); return;
    case 'set_mpls_ttl': u8arg(OFPAT_13.OFPAT_SET_MPLS_TTL, a.ttl); return;
    case 'dec_mpls_ttl': simple(OFPAT_13.OFPAT_DEC_MPLS_TTL); return;
    case 'push_vlan': u16arg(OFPAT_13.OFPAT_PUSH_VLAN, a.ethertype); return;
    case 'pop_vlan': simple(OFPAT_13.OFPAT_POP_VLAN); return;
    case 'push_mpls': u16arg(OFPAT_13.OFPAT_PUSH_MPLS, a.ethertype); return;
    case 'pop_mpls': u16arg(OFPAT_13.OFPAT_POP_MPLS, a.ethertype); return;
    case 'set_queue': u32arg(OFPAT_13.OFPAT_SET_QUEUE, a.queue); return;
    case 'group': u32arg(OFPAT_13.OFPAT_GROUP, a.group); return;
    case 'set_nw_ttl': u8arg(OFPAT_13.OFPAT_SET_NW_TTL, a.ttl); return;
    case 'dec_ttl': simple(OFPAT_13.OFPAT_DEC_NW_TTL); return;
    case 'push_pbb': u16arg(OFPAT_13.OFPAT_PUSH_PBB, a.ethertype); return;
    case 'pop_pbb': simple(OFPAT_13.OFPAT_POP_PBB); return;
    case 'set_field':
    case 'load': {
      const f = oxmField(a.field);
      if (!f) throw new EncodeError(`set_field: no field '${a.field}'`);
      const start = w.length;
      w.u16(OFPAT_13.OFPAT_SET_FIELD).u16(0);
      encodeOxm(w, { field: a.field, value: a.value, mask: fullMask(f.bits) });
      w.pad8(start);
      w.patch16(start + 2, w.length - start);
      return;
    }
    case 'enqueue':
    case 'set_tp_port':
      throw new EncodeError(`action ${a.type} exists only in OpenFlow 1.0`);
  }
}
