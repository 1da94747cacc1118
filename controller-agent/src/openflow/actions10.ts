// OpenFlow 1.0 actions (OpenFlow 1.0.0 section 5.2.4) to and from the
// model's actions.
//
// What?  1.0's set-actions are 1.3's set_field on the field they name
// (OFPAT_SET_VLAN_VID 5 is set_field vlan_vid 0x1005, as OXM carries
// OFPVID_PRESENT; OFPAT_SET_NW_TOS is set_field ip_dscp), OFPAT_STRIP_VLAN
// is pop_vlan; OFPAT_SET_TP_SRC/DST and OFPAT_ENQUEUE have no 1.3 twin and
// keep their own model actions.  Encoding refuses what 1.0 cannot say
// (push_mpls, group, ...) with an EncodeError: the caller chose the wrong
// version.
//
// Thread-safety: pure functions.

import { OFPP_CONTROLLER } from '../../../ovs-compat/src/flow';
import { OFPAT_10, port10To13, port13To10 } from './constants';
import { EncodeError, OpenFlowError } from './errors';
import type { Action } from './model';
import { Reader, Writer } from './wire';

const LEN: Record<number, number> = {
  [OFPAT_10.OFPAT_OUTPUT]: 8, [OFPAT_10.OFPAT_SET_VLAN_VID]: 8, [OFPAT_10.OFPAT_SET_VLAN_PCP]: 8,
  [OFPAT_10.OFPAT_STRIP_VLAN]: 8, [OFPAT_10.OFPAT_SET_DL_SRC]: 16, [OFPAT_10.OFPAT_SET_DL_DST]: 16,
  [OFPAT_10.OFPAT_SET_NW_SRC]: 8, [OFPAT_10.OFPAT_SET_NW_DST]: 8, [OFPAT_10.OFPAT_SET_NW_TOS]: 8,
  [OFPAT_10.OFPAT_SET_TP_SRC]: 8, [OFPAT_10.OFPAT_SET_TP_DST]: 8, [OFPAT_10.OFPAT_ENQUEUE]: 16,
};

/** The actions in the next 'len' bytes of 'r'. */
export function decodeActions10(r: Reader, len: number): Action[] {
  const list = r.sub(len, 'action list', 'OFPBAC_BAD_LEN');
  const out: Action[] = [];
  while (list.remaining > 0) out.push(decodeAction10(list));
  return out;
}

function decodeAction10(list: Reader): Action {
  const type = list.u16('action type');
  const len = list.u16('action length');
  // 5.2.4: actions are multiples of 8 bytes; each struct has its fixed size.
  if (len < 8 || len % 8 !== 0 || (LEN[type] !== undefined && len !== LEN[type])) {
    throw new OpenFlowError('OFPBAC_BAD_LEN', `action type ${type} has length ${len}`);
  }
  const r = list.sub(len - 4, `action type ${type}`, 'OFPBAC_BAD_LEN');
  switch (type) {
    case OFPAT_10.OFPAT_OUTPUT: {
      const port = port10To13(r.u16());
      const maxLen = r.u16();
      if (port === 0 || port === 0xffffffff) throw new OpenFlowError('OFPBAC_BAD_OUT_PORT', `output to port 0x${(port & 0xffff).toString(16)}`);
      return port === OFPP_CONTROLLER ? { type: 'controller', maxLen, reason: 'action' } : { type: 'output', port };
    }
    case OFPAT_10.OFPAT_SET_VLAN_VID: {
      const vid = r.u16();
      if (vid > 0xfff) throw new OpenFlowError('OFPBAC_BAD_ARGUMENT', `VLAN id ${vid} > 4095`);
      return { type: 'set_field', field: 'vlan_vid', value: BigInt(vid | 0x1000) };
    }
    case OFPAT_10.OFPAT_SET_VLAN_PCP: {
      const pcp = r.u8();
      if (pcp > 7) throw new OpenFlowError('OFPBAC_BAD_ARGUMENT', `VLAN PCP ${pcp} > 7`);
      return { type: 'set_field', field: 'vlan_pcp', value: BigInt(pcp) };
    }
    case OFPAT_10.OFPAT_STRIP_VLAN: return { type: 'pop_vlan' };
    case OFPAT_10.OFPAT_SET_DL_SRC: return { type: 'set_field', field: 'eth_src', value: r.uint(6) };
    case OFPAT_10.OFPAT_SET_DL_DST: return { type: 'set_field', field: 'eth_dst', value: r.uint(6) };
    case OFPAT_10.OFPAT_SET_NW_SRC: return { type: 'set_field', field: 'ipv4_src', value: BigInt(r.u32()) };
    case OFPAT_10.OFPAT_SET_NW_DST: return { type: 'set_field', field: 'ipv4_dst', value: BigInt(r.u32()) };
    case OFPAT_10.OFPAT_SET_NW_TOS: {
      const tos = r.u8();
      // 5.2.4: "only the 6 upper bits" are the DSCP; ECN bits set are a bad argument.
      if (tos & 3) throw new OpenFlowError('OFPBAC_BAD_ARGUMENT', `nw_tos 0x${tos.toString(16)} has ECN bits set`);
      return { type: 'set_field', field: 'ip_dscp', value: BigInt(tos >> 2) };
    }
    case OFPAT_10.OFPAT_SET_TP_SRC: return { type: 'set_tp_port', which: 'src', port: r.u16() };
    case OFPAT_10.OFPAT_SET_TP_DST: return { type: 'set_tp_port', which: 'dst', port: r.u16() };
    case OFPAT_10.OFPAT_ENQUEUE: {
      const port = port10To13(r.u16());
      r.pad(6);
      return { type: 'enqueue', port, queue: r.u32() };
    }
    case OFPAT_10.OFPAT_VENDOR:
      throw new OpenFlowError('OFPBAC_BAD_EXPERIMENTER', `vendor action 0x${r.u32('vendor id').toString(16)} is not supported`);
    default:
      throw new OpenFlowError('OFPBAC_BAD_TYPE', `unknown action type ${type}`);
  }
}

function port10(p: number): number {
  const q = port13To10(p);
  if (q === undefined) throw new EncodeError(`OpenFlow 1.0 has no port ${p}`);
  return q;
}

export function encodeActions10(w: Writer, actions: readonly Action[]): void {
  for (const a of actions) encodeAction10(w, a);
}

function encodeAction10(w: Writer, a: Action): void {
  switch (a.type) {
    case 'output': w.u16(OFPAT_10.OFPAT_OUTPUT).u16(8).u16(port10(a.port)).u16(0); return;
    case 'controller':
      if (a.reason !== 'action') throw new EncodeError(`controller action with reason=${a.reason} needs a Nicira extension`);
      w.u16(OFPAT_10.OFPAT_OUTPUT).u16(8).u16(port10(OFPP_CONTROLLER)).u16(a.maxLen);
      return;
    case 'pop_vlan': w.u16(OFPAT_10.OFPAT_STRIP_VLAN).u16(8).zeros(4); return;
    case 'set_tp_port': w.u16(a.which === 'src' ? OFPAT_10.OFPAT_SET_TP_SRC : OFPAT_10.OFPAT_SET_TP_DST).u16(8).u16(a.port).zeros(2); return;
    case 'enqueue': w.u16(OFPAT_10.OFPAT_ENQUEUE).u16(16).u16(port10(a.port)).zeros(6).u32(a.queue); return;
    case 'set_field':
    case 'load':
      encodeSetField10(w, a.field, a.value);
      return;
    default:
      throw new EncodeError(`OpenFlow 1.0 has no ${a.type} action`);
  }
}

function encodeSetField10(w: Writer, field: string, value: bigint): void {
  switch (field) {
    case 'vlan_vid': w.u16(OFPAT_10.OFPAT_SET_VLAN_VID).u16(8).u16(Number(value & 0xfffn)).zeros(2); return;
    case 'vlan_pcp': w.u16(OFPAT_10.OFPAT_SET_VLAN_PCP).u16(8).u8(Number(value)).zeros(3); return;
    case 'eth_src': w.u16(OFPAT_10.OFPAT_SET_DL_SRC).u16(16).uint(value, 6).zeros(6); return;
    case 'eth_dst': w.u16(OFPAT_10.OFPAT_SET_DL_DST).u16(16).uint(value, 6).zeros(6); return;
    case 'ipv4_src': w.u16(OFPAT_10.OFPAT_SET_NW_SRC).u16(8).u32(Number(value)); return;
    case 'ipv4_dst': w.u16(OFPAT_10.OFPAT_SET_NW_DST).u16(8).u32(Number(value)); return;
    case 'ip_dscp': w.u16(OFPAT_10.OFPAT_SET_NW_TOS).u16(8).u8(Number(value) << 2).zeros(3); return;
    default: throw new EncodeError(`OpenFlow 1.0 cannot set ${field}`);
  }
}
