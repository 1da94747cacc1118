// The one module that loads the native addon (by package, through
// `bindings`, never by a build/Release path) and gives it TypeScript types.
// Everything else in the agent imports the datapath from here.
//
// The addon's surface is control only: no frame ever crosses into
// JavaScript on the switch's packet path.  The two exceptions are control
// plane traffic by design: frames the logic sends to the controller
// (OpenFlow packet-ins, drained from the switch's controller queue with
// readControllerQueue) and frames the agent sends out of ports
// (packet-outs, sendFrames).  MemifClient exists for tests, tools and
// applications that want to attach to a switch from Node.
import bindings from 'bindings';

import { unpackControllerEntries } from './controller-entries';

export type FabricMode = 'mswitch' | 'vale';

export interface SwitchOptions {
  name: string;
  workers?: number;      // default 1, at most 16
  batchSize?: number;    // frames per input batch, 1..1024, default 256
  mode?: FabricMode;     // default 'mswitch'
  logic?: string;        // default 'l2-learning'
  logicConfig?: string;
  idlePolls?: number;    // empty polls before a worker sleeps, default 64
  idleSpinUs?: number;   // and microseconds since its last frame, default 50
  // Capacity of the controller queue in 256-byte slots (an entry takes
  // ceil((32 + kept frame bytes) / 256)); a power of two in 512..1048576,
  // rounded up; default 4096 (1 MiB).
  controllerQueueSlots?: number;
}

// The switch's port number for "every port but the source" (logic.h
// MSW_PORT_FLOOD); sendFrames also takes 'flood'.
export const PORT_FLOOD = 0xffffffff;
// logic.h MSW_PORT_CONTROLLER: where a logic sends packet-ins.
export const PORT_CONTROLLER = 0xfffffffe;

// One frame a logic sent to the controller (logic.h struct
// msw_to_controller, then the frame as modified by the logic).
export interface ControllerPacket {
  reason: number;        // OpenFlow 1.3 OFPR_*: 0 no_match, 1 action, 2 invalid_ttl
  tableId: number;
  cookie: bigint;
  metadata: bigint;
  inPort: number;
  maxLen: number;        // as the logic asked: 0xffff = whole frame
  tableMiss?: boolean;   // MSW_TO_CONTROLLER_TABLE_MISS: no flow matched (OpenFlow 1.0's implicit miss)
  totalLen: number;      // frame length before truncation (OpenFlow total_len)
  data: Buffer;          // the first min(totalLen, maxLen) bytes (all if maxLen is 0xffff)
}

export interface ControllerQueueStats {
  enqueued: number;      // entries the workers committed
  bytes: number;         // frame bytes kept in them
  dequeued: number;      // entries readControllerQueue handed over
  dropped: number;       // entries refused because the queue was full ('controller-queue')
  invalid: number;       // entries dropped as malformed: no msw_to_controller header ('bad-controller-output')
  pending: number;       // entries waiting to be read
  slots: number;         // capacity in slots
  usedSlots: number;
  slotBytes: number;
}

// A frame for sendFrames: out of 'port', or of every port but
// 'exceptPort' when port is 'flood' (or PORT_FLOOD).
export interface OutFrame {
  port: number | 'flood';
  data: Buffer;          // 1..65535 bytes, sent as is
  exceptPort?: number;
}

export interface MemifListenOptions {
  path: string;          // socket path, e.g. /run/mswitch/br0.memif
  abstract?: boolean;    // also listen on the abstract name "\0" + path (default true)
  autoCreate?: boolean;  // a client with an unknown id gets a new port (default true)
  secret?: string;       // required secret for auto-created ports (default none)
}

export interface MemifInterfaceOptions {
  id: number;            // memif interface id the client connects with
  name?: string;         // port name, default "memif<id>"
  port?: number;         // wanted port number, default the lowest free
  secret?: string;
  worker?: number;       // pin the port's receive queues to this worker
}

// An AF_PACKET port on an existing Linux interface (veth, NIC).
export interface AfPacketPortOptions {
  ifname: string;        // the interface to attach, e.g. "veth0"
  name?: string;         // port name, default the interface name
  port?: number;         // wanted port number, default the lowest free
  worker?: number;       // pin the port's receive queue to this worker
}

// The TAP host-stack port: a TAP device the switch creates (and deletes
// with the port), so the host's own stack sits on the switch.
export interface TapPortOptions {
  ifname?: string;       // the device to create, default the switch's name (OpenFlow's LOCAL port)
  name?: string;         // port name, default the device name
  port?: number;         // wanted port number, default the lowest free
  worker?: number;       // pin the port's receive queue to this worker
  mac?: string;          // aa:bb:cc:dd:ee:ff, default a random one from the kernel
  mtu?: number;          // default the kernel's (1500); up to 65521 for jumbo frames
  up?: boolean;          // set the device up now (default false: the host does)
}

// An AF_XDP port on an existing Linux interface (veth, NIC): a socket per
// queue fed by the switch's own XDP program.  Refused (EMSGSIZE) when the
// interface's MTU needs frames over 3840 bytes: use afpacket for jumbo.
export interface AfXdpPortOptions {
  ifname: string;        // the interface to attach, e.g. "veth0"
  name?: string;         // port name, default the interface name
  port?: number;         // wanted port number, default the lowest free
  worker?: number;       // pin the port's receive queues to this worker
  queues?: number;       // sockets on queues 0..n-1, default every receive queue
  xdpMode?: 'auto' | 'native' | 'generic';  // default auto: native, else generic
  zeroCopy?: boolean;    // let the kernel bind zero-copy where the driver can (default true)
  rxFrames?: number;     // receive buffers per queue, power of two (default 2048)
  txFrames?: number;     // transmit buffers per queue, power of two (default 2048)
  // Refuse (code ENOTSUP) a veth with transmit checksum offload
  // on: its peer's TCP/UDP frames would be forwarded with unfinished
  // checksums, which XDP cannot see (afpacket finishes them).
  refusePartialChecksum?: boolean;
}

// How an afxdp port is attached, and the kernel's counters of its sockets.
export interface AfXdpInfo {
  ifname: string;
  mtu: number;
  queues: number;
  xdpMode: 'native' | 'generic';
  nativeRefusal?: string;  // why native mode was not used
  checksumWarning?: string;  // the interface is a veth with tx checksum offload on (see refusePartialChecksum)
  mtuDown?: string;        // why the port is down: the interface's MTU outgrew an AF_XDP buffer (3822)
  zeroCopy: boolean;
  txBudget: number;        // descriptors one kick may send in copy mode
  socketErrors: number;
  kernel: {
    rxDropped: number; rxInvalidDescs: number; txInvalidDescs: number;
    rxRingFull: number; rxFillRingEmpty: number; txRingEmpty: number;
  };
}

export interface DropCounts { [reason: string]: number }

export interface PortInfo {
  index: number;
  name: string;
  kind: string;          // 'memif', 'afpacket', 'tap' (and 'afxdp')
  up: boolean;           // memif: a client is connected; Linux ports: admin up with carrier
  memifId?: number;
  mtu?: number;          // Linux ports: the interface's MTU, followed through netlink
  speedMbps?: number;    // Linux ports: the link speed the kernel reports (veth 10000); absent when unknown
  rxQueues: number;
  txQueues: number;
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
  drops: DropCounts;     // every reason, zeros included
}

export interface WorkerInfo {
  index: number;
  queues: number;
  batches: number;
  frames: number;
  busySeconds: number;
  sleepSeconds: number;
  wakeups: number;
}

export type SwitchEvent =
  | { type: 'port-up'; switch: string; port: number; name: string; memifId: number; clientName: string }
  | { type: 'port-down'; switch: string; port: number; name: string; memifId: number; reason: string }
  | { type: 'memif-refused'; switch: string; memifId: number; reason: string }
  // A Linux port's interface (afpacket, afxdp, tap) changed link state, as
  // netlink reported it; 'reason' says why it is down.
  | { type: 'link-up' | 'link-down'; switch: string; port: number; name: string; ifname: string; mtu?: number; reason?: string }
  // A Linux port's interface was deleted: the switch removed the port.
  | { type: 'port-removed'; switch: string; port: number; name: string; ifname: string; reason: string };

export interface NativeSwitch {
  readonly name: string;
  listenMemif(opts: MemifListenOptions): void;
  addMemifInterface(opts: MemifInterfaceOptions): number;   // returns the port number
  addAfPacketPort(opts: AfPacketPortOptions): number;      // returns the port number
  addAfXdpPort(opts: AfXdpPortOptions): number;            // returns the port number
  afXdpInfo(port: number): AfXdpInfo;                       // ENOENT: no afxdp port of that number
  addTapPort(opts?: TapPortOptions): number;                // creates the TAP; returns the port number
  removePort(port: number): void;                           // memif: disconnects the client too
  ports(): PortInfo[];
  workers(): WorkerInfo[];
  setLogic(name: string, config?: string): void;
  logic(): string;
  logicControl(command: string): string;
  setMode(mode: FabricMode): void;
  mode(): FabricMode;
  setPortWorker(port: number, worker: number): void;
  onEvent(cb: (ev: SwitchEvent) => void): void;             // events arrive on the JS thread
  // Takes up to 'max' (default 1024) entries from the controller queue,
  // oldest first.  A read that returns fewer than 'max' re-arms the
  // onControllerQueue wake-up.
  readControllerQueue(max?: number): ControllerPacket[];
  // 'cb' runs on the JS thread once when entries are waiting (right away
  // if some already are); it should read until readControllerQueue
  // returns fewer than asked, which arms the next call.  One call per
  // burst, none while the queue is not drained.  null stops the calls.
  onControllerQueue(cb: (() => void) | null): void;
  controllerQueue(): ControllerQueueStats;
  // Transmits each frame out of its port from the calling thread (control
  // rate: OpenFlow packet-out).  Throws (code ENOENT) for a port number
  // that is not a port of this switch, EINVAL for a bad frame, before
  // sending anything.  A port whose client is not connected or whose ring
  // is full drops (counted in its 'port-down' / 'no-space' drops).
  // Returns how many frames went out (each flood copy counts).
  sendFrames(frames: OutFrame[]): number;
  close(): void;                                            // disconnects everyone, stops workers
}

export interface MemifClientOptions {
  socket: string;        // path of the master's socket
  abstract?: boolean;    // connect to the abstract name instead (default false)
  id?: number;           // interface id (default 0)
  secret?: string;
  name?: string;         // our app name in INIT (default "mswitch-client")
  queues?: number;       // queue pairs (default 1)
  ringSize?: number;     // slots per ring, power of two (default 1024)
  bufferSize?: number;   // bytes per buffer (default 2048)
  timeoutMs?: number;    // handshake timeout (default 3000)
}

export interface NativeMemifClient {
  // Sends frames on queue 'queue' (default 0), chaining buffers for large
  // ones.  Returns how many were queued (fewer when the ring is full).
  send(frames: Buffer[], queue?: number): number;
  // Takes up to 'max' received frames (default 256) from queue 'queue'.
  recv(max?: number, queue?: number): Buffer[];
  // Waits up to 'timeoutMs' for frames on 'queue'; true when some are ready.
  waitRx(timeoutMs: number, queue?: number): boolean;
  connected(): boolean;
  close(): void;
}

// The addon's Switch: readControllerQueue is built in JS from its packed read.
interface AddonSwitch extends Omit<NativeSwitch, 'readControllerQueue'> {
  readControllerQueuePacked(max?: number): Buffer;
}

interface Addon {
  Switch: { new (opts: SwitchOptions): AddonSwitch; prototype: AddonSwitch & Partial<Pick<NativeSwitch, 'readControllerQueue'>> };
  MemifClient: new (opts: MemifClientOptions) => NativeMemifClient;
  logics(): string[];
  loadLogic(path: string): string;
  dropReasons(): { name: string; help: string }[];
}

const addon: Addon = bindings('mswitch');

// The packet generator executable is built beside the addon.
export const pktGenPath = (): string =>
  require('path').join(require('path').dirname(bindings({ bindings: 'mswitch', path: true } as never) as unknown as string), 'mswitch-pkt-gen');

// Objects from one Buffer per read (controller-entries.ts): far cheaper
// than the addon building each entry through N-API.
addon.Switch.prototype.readControllerQueue = function readControllerQueue(this: AddonSwitch, max?: number): ControllerPacket[] {
  return unpackControllerEntries(this.readControllerQueuePacked(max));
};

export const Switch = addon.Switch as unknown as new (opts: SwitchOptions) => NativeSwitch;
export const MemifClient = addon.MemifClient;
export const logics = (): string[] => addon.logics();
export const loadLogic = (path: string): string => addon.loadLogic(path);
export const dropReasons = (): { name: string; help: string }[] => addon.dropReasons();
