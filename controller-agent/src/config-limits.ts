// The bounds and name rules every configuration value is checked against,
// in one place.  They mirror the datapath's own limits (MSW_MAX_PORTS in
// datapath/include/mswitch/logic.h, kMaxWorkers in core/port.h, the memif
// name and secret sizes in memif/protocol.h) so that a bad value is refused
// while reading the configuration, with the key named, rather than later by
// the addon.
import type { FabricMode } from './datapath';

export const FABRIC_MODES: readonly FabricMode[] = ['mswitch', 'vale'];

export const LIMITS = {
  workersMax: 16,            // kMaxWorkers
  batchMax: 1024,            // frames per input batch
  idlePollsMax: 1_000_000,
  idleSpinUsMax: 1_000_000,
  portMax: 4095,             // MSW_MAX_PORTS
  memifIdMax: 0xffffffff,    // memif interface ids are u32
  memifPortsMax: 4095,       // --memif-ports: one port each
  secretBytes: 24,           // memif INIT secret field
  secretPattern: /^[\x21-\x7e]{1,24}$/,
  // sun_path is 108 bytes with the terminating NUL; the abstract name
  // ("\0" + path) must fit the same field.
  socketPathMaxBytes: 106,
  tapMtuMax: 65521,          // 65535 less the Ethernet header and a VLAN tag
} as const;

export const NAME_PATTERNS = {
  // A bridge name also names its sockets (<rundir>/<name>.memif) and, as
  // in Open vSwitch, its LOCAL port's Linux interface: so IFNAMSIZ rules.
  bridge: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/,
  port: /^[A-Za-z0-9_.:-]{1,31}$/,
  logic: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
  // A Linux interface name (IFNAMSIZ - 1 bytes; the kernel refuses / and
  // whitespace, and '.' and '..').
  ifname: /^(?!\.{1,2}$)[^/\s]{1,15}$/,
  mac: /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/,
} as const;
