// OpenFlow 1.3's controller-role and asynchronous-configuration messages:
// OFPT_ROLE_REQUEST / OFPT_ROLE_REPLY (OpenFlow 1.3.5 section 7.3.9) and
// OFPT_GET_ASYNC_REPLY / OFPT_SET_ASYNC (section 7.3.10).
//
// What?  Roles are named (OFPCR_ROLE_MASTER); an unknown role number is
// OFPRRFC_BAD_ROLE.  Async masks are [master/equal, slave] pairs.
//
// Thread-safety: pure functions.

import { CONTROLLER_ROLES } from './constants';
import { OpenFlowError } from './errors';
import type { Body, MessageOf } from './model';
import { Reader, Writer } from './wire';

export function decodeRole(r: Reader, type: 'OFPT_ROLE_REQUEST' | 'OFPT_ROLE_REPLY'): Body<'OFPT_ROLE_REQUEST'> {
  const n = r.u32('role');
  const role = CONTROLLER_ROLES[n];
  if (role === undefined) throw new OpenFlowError('OFPRRFC_BAD_ROLE', `role ${n} is not one of 0-3`);
  r.pad(4);
  return { type, role, generationId: r.u64('generation_id') };
}

export function encodeRole(w: Writer, m: MessageOf<'OFPT_ROLE_REQUEST'>): void {
  w.u32(CONTROLLER_ROLES.indexOf(m.role)).zeros(4).u64(m.generationId);
}

export function decodeAsync(r: Reader, type: 'OFPT_GET_ASYNC_REPLY' | 'OFPT_SET_ASYNC'): Body<'OFPT_SET_ASYNC'> {
  const pair = (): [number, number] => [r.u32('async mask'), r.u32('async mask')];
  return { type, packetInMask: pair(), portStatusMask: pair(), flowRemovedMask: pair() };
}

export function encodeAsync(w: Writer, m: MessageOf<'OFPT_SET_ASYNC'>): void {
  for (const p of [m.packetInMask, m.portStatusMask, m.flowRemovedMask]) w.u32(p[0]).u32(p[1]);
}
