// Switch-level messages of both versions: OFPT_FEATURES_REPLY,
// OFPT_GET_CONFIG_REPLY / OFPT_SET_CONFIG, OFPT_PORT_STATUS, OFPT_PORT_MOD
// and 1.3's OFPT_TABLE_MOD (OpenFlow 1.3.5 sections 7.3.1-7.3.3, 7.4.3;
// OpenFlow 1.0.0 sections 5.3.1-5.3.3, 5.4.3).
//
// What?  1.0's FEATURES_REPLY also lists the supported actions and the
// ports (1.3 moved the ports to OFPMP_PORT_DESC); 1.3's has auxiliary_id.
//
// Thread-safety: pure functions.

import { OFP_VERSION_1_0 } from './constants';
import { OpenFlowError } from './errors';
import type { Body, MessageOf, Port } from './model';
import { decodePort, encodePort, portLength, portNumber } from './port';
import { Reader, Writer } from './wire';
import { port10To13 } from './constants';

export function decodeFeaturesReply(r: Reader, version: number): Body<'OFPT_FEATURES_REPLY'> {
  const datapathId = r.u64('datapath_id');
  const nBuffers = r.u32();
  const nTables = r.u8();
  if (version === OFP_VERSION_1_0) {
    r.pad(3);
    const capabilities = r.u32();
    const actions10 = r.u32();
    // 5.3.1: the rest is a whole number of ofp_phy_port.
    if (r.remaining % portLength(version) !== 0) throw new OpenFlowError('OFPBRC_BAD_LEN', `features reply ports: ${r.remaining} bytes is not a multiple of 48`);
    const ports10: Port[] = [];
    while (r.remaining > 0) ports10.push(decodePort(r, version));
    return { type: 'OFPT_FEATURES_REPLY', datapathId, nBuffers, nTables, auxiliaryId: 0, capabilities, actions10, ports10 };
  }
  const auxiliaryId = r.u8();
  r.pad(2);
  const capabilities = r.u32();
  r.pad(4); // reserved
  return { type: 'OFPT_FEATURES_REPLY', datapathId, nBuffers, nTables, auxiliaryId, capabilities };
}

export function encodeFeaturesReply(w: Writer, m: MessageOf<'OFPT_FEATURES_REPLY'>, version: number): void {
  w.u64(m.datapathId).u32(m.nBuffers).u8(m.nTables);
  if (version === OFP_VERSION_1_0) {
    w.zeros(3).u32(m.capabilities).u32(m.actions10 ?? 0);
    for (const p of m.ports10 ?? []) encodePort(w, p, version);
    return;
  }
  w.u8(m.auxiliaryId).zeros(2).u32(m.capabilities).u32(0);
}

export function decodeSwitchConfig(r: Reader, type: 'OFPT_GET_CONFIG_REPLY' | 'OFPT_SET_CONFIG'): Body<'OFPT_SET_CONFIG'> {
  return { type, flags: r.u16('flags'), missSendLen: r.u16('miss_send_len') };
}

export function encodeSwitchConfig(w: Writer, m: MessageOf<'OFPT_SET_CONFIG'>): void {
  w.u16(m.flags).u16(m.missSendLen);
}

export function decodePortStatus(r: Reader, version: number): Body<'OFPT_PORT_STATUS'> {
  const reason = r.u8('reason');
  r.pad(7);
  return { type: 'OFPT_PORT_STATUS', reason, port: decodePort(r, version) };
}

export function encodePortStatus(w: Writer, m: MessageOf<'OFPT_PORT_STATUS'>, version: number): void {
  w.u8(m.reason).zeros(7);
  encodePort(w, m.port, version);
}

export function decodePortMod(r: Reader, version: number): Body<'OFPT_PORT_MOD'> {
  let portNo: number;
  if (version === OFP_VERSION_1_0) {
    portNo = port10To13(r.u16('port_no'));
  } else {
    portNo = r.u32('port_no');
    r.pad(4);
  }
  const hwAddr = r.uint(6, 'hw_addr');
  if (version !== OFP_VERSION_1_0) r.pad(2);
  const m: Body<'OFPT_PORT_MOD'> = { type: 'OFPT_PORT_MOD', portNo, hwAddr, config: r.u32(), mask: r.u32(), advertise: r.u32() };
  r.pad(4);
  return m;
}

export function encodePortMod(w: Writer, m: MessageOf<'OFPT_PORT_MOD'>, version: number): void {
  if (version === OFP_VERSION_1_0) w.u16(portNumber(m.portNo, version)).uint(m.hwAddr, 6);
  else w.u32(m.portNo).zeros(4).uint(m.hwAddr, 6).zeros(2);
  w.u32(m.config).u32(m.mask).u32(m.advertise).zeros(4);
}

export function decodeTableMod(r: Reader): Body<'OFPT_TABLE_MOD'> {
  const tableId = r.u8('table_id');
  r.pad(3);
  return { type: 'OFPT_TABLE_MOD', tableId, config: r.u32('config') };
}

export function encodeTableMod(w: Writer, m: MessageOf<'OFPT_TABLE_MOD'>): void {
  w.u8(m.tableId).zeros(3).u32(m.config);
}
