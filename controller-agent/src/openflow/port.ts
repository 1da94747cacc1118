// ofp_port (OpenFlow 1.3.5 section 7.2.1, 64 bytes) and 1.0's ofp_phy_port
// (OpenFlow 1.0.0 section 5.2.1, 48 bytes: 16-bit number, no speeds).
//
// Thread-safety: pure functions.

import { OFP_MAX_PORT_NAME_LEN, OFP_VERSION_1_0, port10To13, port13To10 } from './constants';
import { EncodeError } from './errors';
import type { Port } from './model';
import { Reader, Writer } from './wire';

/**
 * ofp_port_features: 1.0 has no 40GB..OTHER speeds (1.3 bits 7-10) and so
 * numbers COPPER..PAUSE_ASYM 7-11 where 1.3 has 11-15 (1.0.0 §5.2.1,
 * 1.3.5 §7.2.1).  The model holds 1.3 bits.
 */
export function features13To10(f: number): number {
  return ((f & 0x7f) | (((f >>> 11) & 0x1f) << 7)) >>> 0;
}
export function features10To13(f: number): number {
  return ((f & 0x7f) | (((f >>> 7) & 0x1f) << 11)) >>> 0;
}
/**
 * ofp_port_state: only LINK_DOWN means the same in both; 1.3's BLOCKED and
 * LIVE do not exist in 1.0, and 1.0's STP bits (0x300) not in 1.3.
 */
const state13To10 = (s: number): number => s & 1;
const state10To13 = (s: number): number => s & 1;

export const portLength = (version: number): number => (version === OFP_VERSION_1_0 ? 48 : 64);

export function decodePort(r: Reader, version: number): Port {
  if (version === OFP_VERSION_1_0) {
    const portNo = port10To13(r.u16());
    const hwAddr = r.uint(6);
    const name = r.str(OFP_MAX_PORT_NAME_LEN);
    const config = r.u32();
    const state = r.u32();
    return {
      portNo, hwAddr, name, config, state: state10To13(state), curr: features10To13(r.u32()),
      advertised: features10To13(r.u32()), supported: features10To13(r.u32()), peer: features10To13(r.u32()),
      currSpeed: 0, maxSpeed: 0,
    };
  }
  const portNo = r.u32();
  r.pad(4);
  const hwAddr = r.uint(6);
  r.pad(2);
  const name = r.str(OFP_MAX_PORT_NAME_LEN);
  return {
    portNo, hwAddr, name, config: r.u32(), state: r.u32(), curr: r.u32(), advertised: r.u32(),
    supported: r.u32(), peer: r.u32(), currSpeed: r.u32(), maxSpeed: r.u32(),
  };
}

/** A port number as 'version' writes it (16 bits in 1.0). */
export function portNumber(p: number, version: number): number {
  if (version !== OFP_VERSION_1_0) return p;
  const q = port13To10(p);
  if (q === undefined) throw new EncodeError(`OpenFlow 1.0 has no port ${p}`);
  return q;
}

export function encodePort(w: Writer, p: Port, version: number): void {
  if (version === OFP_VERSION_1_0) {
    w.u16(portNumber(p.portNo, version)).uint(p.hwAddr, 6).str(p.name, OFP_MAX_PORT_NAME_LEN);
  } else {
    w.u32(p.portNo).zeros(4).uint(p.hwAddr, 6).zeros(2).str(p.name, OFP_MAX_PORT_NAME_LEN);
  }
  if (version === OFP_VERSION_1_0) {
    w.u32(p.config).u32(state13To10(p.state)).u32(features13To10(p.curr)).u32(features13To10(p.advertised))
      .u32(features13To10(p.supported)).u32(features13To10(p.peer));
    return;
  }
  w.u32(p.config).u32(p.state).u32(p.curr).u32(p.advertised).u32(p.supported).u32(p.peer)
    .u32(p.currSpeed).u32(p.maxSpeed);
}
