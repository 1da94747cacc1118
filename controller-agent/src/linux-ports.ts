// Ports on Linux interfaces (afxdp, afpacket) and the TAP host-stack port:
// what a port specification means and how the daemon and the REST API
// attach one, with the port type detected when none is given.
//
// Detection: 'type=tap' creates a TAP device (named like the bridge by
// default, so it is OpenFlow's LOCAL port).  Otherwise the interface must
// exist in the daemon's network namespace; with no type given it is
// attached with AF_XDP when the datapath has it and the attach succeeds,
// else with AF_PACKET, and the reason AF_XDP was not used is returned (and
// logged by the caller).  An explicit 'afxdp' or 'afpacket' never falls
// back: a user who forces one wants to know when it fails.
//
// Checksums: a veth whose peer has transmit checksum offload on (the
// default) hands on TCP/UDP frames with the checksum unfinished.  The
// afpacket port finishes them (and segments TSO/GSO super-frames); AF_XDP
// cannot even tell.  So detection asks the afxdp attach to refuse a veth
// with transmit checksum offload on (its own end stands in for the peer,
// which usually sits in another namespace) and takes afpacket, saying
// why; a forced afxdp port on such a veth is attached with a 'warning'
// for the caller to log.
//
// Everything here runs on the JS thread; the native calls are control
// calls.
import { existsSync } from 'fs';

import type { AfPacketPortOptions, AfXdpPortOptions, NativeSwitch, TapPortOptions } from './datapath';

export const LINUX_PORT_TYPES = ['afxdp', 'afpacket', 'tap'] as const;
export type LinuxPortType = (typeof LINUX_PORT_TYPES)[number];

// One Linux port as the configuration file and the REST API give it.
export interface LinuxPortSpec {
  ifname?: string;        // the interface (tap: the device to create, default the bridge name)
  type?: LinuxPortType;   // default: detected (see above)
  name?: string;          // port name, default the interface name
  port?: number;          // wanted port number
  worker?: number;        // pin the receive queue to this worker
  mac?: string;           // tap only: the device's MAC
  mtu?: number;           // tap only: the device's MTU
  up?: boolean;           // tap only: set the device up (default true from the daemon)
}

export interface AttachedPort {
  port: number;
  type: LinuxPortType;
  ifname: string;
  name: string;
  fallback?: string;      // why a detected port is afpacket rather than afxdp
  warning?: string;       // a forced afxdp port on a veth that forwards unfinished checksums
}

// An Error with an errno name in '.code', as the addon's errors have.
const errnoError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

// The afxdp attach, when this build of the datapath has it.
type AfXdpAttach = (opts: AfXdpPortOptions) => number;
function afxdpOf(sw: NativeSwitch): AfXdpAttach | undefined {
  const f = (sw as unknown as { addAfXdpPort?: AfXdpAttach }).addAfXdpPort;
  return typeof f === 'function' ? f.bind(sw) : undefined;
}

export const interfaceExists = (ifname: string): boolean =>
  /^[^/\s]{1,15}$/.test(ifname) && ifname !== '.' && ifname !== '..' && existsSync(`/sys/class/net/${ifname}`);

// Attaches 'spec' to 'sw' (the bridge 'bridge'); throws with an errno
// '.code' (ENODEV: no such interface, ENOTSUP: no afxdp in this build, or
// the datapath's own) and nothing left behind.
export function attachLinuxPort(sw: NativeSwitch, bridge: string, spec: LinuxPortSpec): AttachedPort {
  const common = {
    ...(spec.port !== undefined && { port: spec.port }),
    ...(spec.worker !== undefined && { worker: spec.worker }),
  };
  if (spec.type === 'tap') {
    const ifname = spec.ifname ?? bridge;
    const name = spec.name ?? ifname;
    const opts: TapPortOptions = {
      ...common,
      ifname,
      name,
      up: spec.up ?? true,
      ...(spec.mac !== undefined && { mac: spec.mac }),
      ...(spec.mtu !== undefined && { mtu: spec.mtu }),
    };
    return { port: sw.addTapPort(opts), type: 'tap', ifname, name };
  }
  if (spec.mac !== undefined || spec.mtu !== undefined || spec.up !== undefined) {
    throw errnoError('EINVAL', 'mac, mtu and up are options of a tap port only (an existing interface keeps its own)');
  }
  const ifname = spec.ifname;
  if (ifname === undefined || ifname === '') throw errnoError('EINVAL', `a ${spec.type ?? 'Linux'} port needs the interface name`);
  if (!interfaceExists(ifname)) {
    throw errnoError('ENODEV', `no interface ${ifname} in the daemon's network namespace (type=tap creates a TAP device)`);
  }
  const name = spec.name ?? ifname;
  const opts: AfPacketPortOptions = { ...common, ifname, name };
  const afxdp = afxdpOf(sw);
  if (spec.type === 'afxdp') {
    if (afxdp === undefined) throw errnoError('ENOTSUP', 'this build of the datapath has no afxdp ports');
    const port = afxdp(opts);
    const warning = sw.afXdpInfo(port).checksumWarning;
    return { port, type: 'afxdp', ifname, name, ...(warning !== undefined && { warning }) };
  }
  if (spec.type === 'afpacket') return { port: sw.addAfPacketPort(opts), type: 'afpacket', ifname, name };
  let fallback = 'this build of the datapath has no afxdp ports';
  if (afxdp !== undefined) {
    try {
      return { port: afxdp({ ...opts, refusePartialChecksum: true }), type: 'afxdp', ifname, name };
    } catch (e) {
      fallback = `afxdp refused: ${(e as Error).message}`;
    }
  }
  return { port: sw.addAfPacketPort(opts), type: 'afpacket', ifname, name, fallback };
}
