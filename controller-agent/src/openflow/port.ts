// ofp_port (OpenFlow 1.3.5 section 7.2.1, 64 bytes) and 1.0's ofp_phy_port
// (OpenFlow 1.0.0 section 5.2.1, 48 bytes: 16-bit number, no speeds).
//
// Thread-safety: pure functions.

import { OFP_MAX_PORT_NAME_LEN, OFP_VERSION_1_0, port10To13, port13To10 } from './constants';
import { EncodeError } from './errors';
import type { Port } from './model';
import { Reader, Writer } from './wire';

export const portLength = (version: number): number => (version === OFP_VERSION_1_0 ? 48 : 64);

export function decodePort(r: Reader, version: number): Port {
  if (version === OFP_VERSION_1_0) {
    const portNo = port10To13(r.u16());
    const hwAddr = r.uint(6);
    const name = r.str(OFP_MAX_PORT_NAME_LEN);
    return {
      portNo, hwAddr, name, config: r.u32(), state: r.u32(), curr: r.u32(), advertised: r.u32(),
      supported: r.u32(), peer: r.u32(), currSpeed: 0, maxSpeed: 0,
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
  w.u32(p.config).u32(p.state).u32(p.curr).u32(p.advertised).u32(p.supported).u32(p.peer);
  if (version !== OFP_VERSION_1_0) w.u32(p.currSpeed).u32(p.maxSpeed);
}
