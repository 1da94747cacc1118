// Prometheus metrics of the datapath: ports, drops, workers, switches and
// the build, read from the native counters at scrape time.
//
// Design
//   The datapath counts per worker, with no lock and no shared cache line
//   on the packet path; `Switch.ports()` and `Switch.workers()` sum the
//   per-worker slots when asked.  So nothing here runs between scrapes:
//   every family is a prom-client metric whose `collect()` callback fills
//   it from one snapshot of the switches, taken by the first family a
//   scrape collects and shared by the others of the same scrape (a scrape
//   collects every family synchronously, so the snapshot is dropped in the
//   next microtask).  One scrape therefore reads each switch once, and all
//   its families agree with each other.
//
// Names follow node_exporter's netdev metrics (`receive_packets_total`,
// `transmit_drop_total`, ...) so dashboards built for hosts fit ports.
// Every drop reason of the datapath's one list (core/drop_reasons.h) is
// exported under `mswitch_port_drops_total{reason}` and, in addition, is
// added into exactly one of four netdev-style totals, by the port the
// datapath counts it on (core/drop_reasons.h: receive-side reasons on the
// source port, transmit-side ones on the destination):
//   receive_errs   malformed descriptors a client wrote into its rings
//   receive_drop   frames received whole that went nowhere (the logic
//                  dropped them, or their destination is missing or down)
//   transmit_drop  the destination ring was full
//   transmit_errs  the destination client offered a bad receive buffer
// `port-down` is counted on the source port when the destination is a
// configured port with no client connected (the usual case); only a client
// leaving in the middle of a batch puts it on the destination port, which
// then reports it as a receive drop.  A reason the datapath adds and this
// table does not know yet counts as a receive drop (as the REST API's port
// stats do); a test keeps the table complete.
//
// Labels are bridge, port (the port number), worker, reason and small
// enums; a port's name and kind are on `mswitch_port_info` only, to join
// on.  Never MACs, IPs or anything a client chooses freely.  Series per
// switch: 2 + 5 per worker + (10 + number of drop reasons) per port
// (`seriesPerPort()`; a Linux port adds its MTU and, when known, its
// speed), plus one `mswitch_build_info`; a switch running the
// openflow logic adds its table and flow families (openflow-families.ts:
// 5 per table in use, and one per flow-mod command/result and removal
// reason seen) and its controller queue's (controller-queue-families.ts,
// also for any switch whose queue was used).
//
// Counter semantics: native counters only grow while a port exists; a
// pre-created memif port (addMemifInterface) keeps its counters across
// client reconnects.  A deleted port's series disappear from the next
// scrape (Prometheus marks them stale); a later port with the same number
// starts from zero, which rate() and increase() treat as a counter reset.
// Auto-created memif ports are deleted when their client leaves, so their
// series come and go with the client.
import { Counter, Gauge, Registry } from 'prom-client';
import type { LabelValues } from 'prom-client';

import { dropReasons } from '../datapath';
import type { NativeSwitch, PortInfo, WorkerInfo } from '../datapath';
import { packageVersion } from '../version';
import { registerControllerFamilies } from './controller-families';
import { registerControllerQueueFamilies } from './controller-queue-families';
import { registerOpenflowFamilies } from './openflow-families';
import { scrapeSnapshot } from './scrape-snapshot';

// Where the collector finds the switches.  Called once per scrape; a
// switch closed meanwhile is skipped.
export interface MetricsSource {
  switches(): Iterable<NativeSwitch>;
}

export type DropSide = 'receive-errs' | 'receive-drop' | 'transmit-drop' | 'transmit-errs';

// Every drop reason of core/drop_reasons.h, on the netdev total it adds to.
export const DROP_SIDES: Readonly<Record<string, DropSide>> = {
  'logic-drop': 'receive-drop',
  'bad-dest': 'receive-drop',
  hairpin: 'receive-drop',
  'port-down': 'receive-drop',
  'no-variant-space': 'receive-drop',
  'bad-ring': 'receive-errs',
  'bad-region': 'receive-errs',
  'bad-offset': 'receive-errs',
  'bad-length': 'receive-errs',
  'bad-chain': 'receive-errs',
  'too-long': 'receive-errs',
  'no-space': 'transmit-drop',
  'tx-bad-desc': 'transmit-errs',
  'bad-controller-output': 'receive-drop',
  // Counted on the switch's controller queue, never on a port.
  'controller-queue': 'transmit-drop',
  // A super-frame from a Linux interface the afpacket port cannot segment.
  'offload-unsupported': 'receive-drop',
};

// Per-port series: 4 packet/byte counters, 4 drop/error totals, up, info,
// and one drops_total per reason.
export const seriesPerPort = (reasons: number = dropReasons().length): number => 10 + reasons;
export const SERIES_PER_WORKER = 5;
export const SERIES_PER_SWITCH = 2;   // bridge_info, bridge_ports

export interface MetricsCollectorOptions {
  registry?: Registry;   // register into this one (default a new Registry)
  version?: string;      // build_info's version (default package.json's)
}

interface SwitchSnapshot {
  sw: NativeSwitch;
  name: string;
  logic: string;
  mode: string;
  ports: PortInfo[];
  workers: WorkerInfo[];
}

type Labels = LabelValues<string>;

export class MetricsCollector {
  readonly registry: Registry;
  // The scrape's snapshot: read on the first call, shared until the
  // current synchronous run of collect() callbacks is over.
  private readonly take: () => SwitchSnapshot[];
  // Highest busy seconds exported per switch, by worker (busyHighWater).
  private readonly busySeen = new WeakMap<NativeSwitch, number[]>();

  constructor(private readonly source: MetricsSource, opts: MetricsCollectorOptions = {}) {
    this.registry = opts.registry ?? new Registry();
    this.take = scrapeSnapshot(() => source.switches(), (sw): SwitchSnapshot =>
      ({ sw, name: sw.name, logic: sw.logic(), mode: sw.mode(), ports: sw.ports(), workers: sw.workers() }));
    const version = opts.version ?? packageVersion();
    const registers = [this.registry];

    // A counter or gauge refilled from the scrape's snapshot by 'fill'.
    const counter = (name: string, help: string, labelNames: string[], fill: (c: Counter, s: SwitchSnapshot) => void): void => {
      const take = this.take;
      new Counter({
        name, help, labelNames, registers,
        collect() {
          this.reset();
          for (const s of take()) fill(this, s);
        },
      });
    };
    const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: SwitchSnapshot) => void): void => {
      const take = this.take;
      new Gauge({
        name, help, labelNames, registers,
        collect() {
          this.reset();
          for (const s of take()) fill(this, s);
        },
      });
    };
    const portLabels = (s: SwitchSnapshot, p: PortInfo): Labels => ({ bridge: s.name, port: String(p.index) });
    const perPort = (value: (p: PortInfo) => number) => (c: Counter, s: SwitchSnapshot): void => {
      for (const p of s.ports) c.inc(portLabels(s, p), value(p));
    };
    const PORT = ['bridge', 'port'];

    // Ports: traffic.
    counter('mswitch_port_receive_packets_total', 'Frames received from the port and handed to the switching logic.', PORT, perPort((p) => p.rxPackets));
    counter('mswitch_port_receive_bytes_total', 'Bytes of the frames received from the port.', PORT, perPort((p) => p.rxBytes));
    counter('mswitch_port_transmit_packets_total', 'Frames written to the port.', PORT, perPort((p) => p.txPackets));
    counter('mswitch_port_transmit_bytes_total', 'Bytes of the frames written to the port.', PORT, perPort((p) => p.txBytes));

    // Ports: drops, by side and by reason.
    const side = (which: DropSide) => (p: PortInfo): number =>
      Object.entries(p.drops).reduce((n, [reason, v]) => ((DROP_SIDES[reason] ?? 'receive-drop') === which ? n + v : n), 0);
    counter('mswitch_port_receive_drop_total', 'Frames received from the port that went nowhere: dropped by the logic, to a missing or down port, or back to their source.', PORT, perPort(side('receive-drop')));
    counter('mswitch_port_receive_errs_total', 'Malformed descriptors the port\'s client wrote (bad ring index, region, offset, length, chain, or a frame over 65535 bytes).', PORT, perPort(side('receive-errs')));
    counter('mswitch_port_transmit_drop_total', 'Frames for the port dropped because its ring was full.', PORT, perPort(side('transmit-drop')));
    counter('mswitch_port_transmit_errs_total', 'Frames for the port dropped because its client offered a bad receive buffer.', PORT, perPort(side('transmit-errs')));
    counter('mswitch_port_drops_total', `Frames dropped, on the port they concern, by reason (${dropReasons().map((r) => r.name).join(', ')}).`,
      [...PORT, 'reason'], (c, s) => {
        for (const p of s.ports) {
          for (const [reason, v] of Object.entries(p.drops)) c.inc({ ...portLabels(s, p), reason }, v);
        }
      });
    gauge('mswitch_port_up', '1 when the port is up (a memif client is connected), else 0.', PORT, (g, s) => {
      for (const p of s.ports) g.set(portLabels(s, p), p.up ? 1 : 0);
    });
    gauge('mswitch_port_info', 'Always 1: a port\'s name and kind, to join on {bridge, port}.', [...PORT, 'name', 'kind'], (g, s) => {
      for (const p of s.ports) g.set({ ...portLabels(s, p), name: p.name, kind: p.kind }, 1);
    });
    // Linux ports only (afxdp, afpacket, tap), as node_exporter's netdev.
    gauge('mswitch_port_mtu_bytes', 'The MTU of a Linux port\'s interface, followed as it changes.', PORT, (g, s) => {
      for (const p of s.ports) if (p.mtu !== undefined) g.set(portLabels(s, p), p.mtu);
    });
    gauge('mswitch_port_speed_bytes', 'The link speed of a Linux port\'s interface in bytes per second as the kernel reports it (a veth says 10 Gb/s); absent when unknown.', PORT, (g, s) => {
      for (const p of s.ports) if (p.speedMbps !== undefined) g.set(portLabels(s, p), p.speedMbps * 125000);
    });

    // Workers.
    const WORKER = ['bridge', 'worker'];
    const perWorker = (value: (w: WorkerInfo) => number) => (c: Counter, s: SwitchSnapshot): void => {
      for (const w of s.workers) c.inc({ bridge: s.name, worker: String(w.index) }, value(w));
    };
    counter('mswitch_worker_busy_seconds_total', 'Seconds the worker thread spent polling and forwarding.', WORKER, (c, s) => {
      for (const w of s.workers) c.inc({ bridge: s.name, worker: String(w.index) }, this.busyHighWater(s.sw, w));
    });
    counter('mswitch_worker_idle_seconds_total', 'Seconds the worker thread slept waiting for an interrupt.', WORKER, perWorker((w) => w.sleepSeconds));
    counter('mswitch_worker_batches_total', 'Input batches the worker forwarded.', WORKER, perWorker((w) => w.batches));
    counter('mswitch_worker_frames_total', 'Frames in the input batches the worker forwarded.', WORKER, perWorker((w) => w.frames));
    counter('mswitch_worker_wakeups_total', 'Times the worker woke from sleep.', WORKER, perWorker((w) => w.wakeups));

    // Switches and the build.
    gauge('mswitch_bridge_info', 'Always 1: a switch\'s switching logic and fabric mode.', ['bridge', 'logic', 'mode'], (g, s) => {
      g.set({ bridge: s.name, logic: s.logic, mode: s.mode }, 1);
    });
    gauge('mswitch_bridge_ports', 'Ports attached to the switch.', ['bridge'], (g, s) => {
      g.set({ bridge: s.name }, s.ports.length);
    });
    // The openflow logic's tables and flows (openflow-families.ts).
    registerOpenflowFamilies(this.registry, () => this.source.switches());
    // Its controller connections (controller-families.ts).
    registerControllerFamilies(this.registry, () => this.source.switches());
    // Its controller queue (controller-queue-families.ts).
    registerControllerQueueFamilies(this.registry, () => this.source.switches());

    new Gauge({
      name: 'mswitch_build_info',
      help: 'Always 1: the mswitch version and the Node.js version it runs on.',
      labelNames: ['version', 'node'],
      registers,
    }).set({ version, node: process.version }, 1);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  // The Prometheus text exposition of every family.
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  // The datapath derives a worker's busy time as its lifetime minus the
  // sleeps it has finished, so while a sleep is in progress (up to a
  // second) the figure grows and then falls back when the sleep is added.
  // A counter must not fall: export the highest value seen, which
  // overstates busy time by at most the sleep in progress and is caught up
  // by the true figure once that sleep ends.
  private busyHighWater(sw: NativeSwitch, w: WorkerInfo): number {
    let seen = this.busySeen.get(sw);
    if (!seen) this.busySeen.set(sw, (seen = []));
    seen[w.index] = Math.max(seen[w.index] ?? 0, w.busySeconds);
    return seen[w.index];
  }
}

// The collector's series count for switches with these ports and workers:
// what `mswitch_*` lines a scrape holds (the bound the tests check).
export function expectedSeries(switches: { ports: number; workers: number }[], reasons: number = dropReasons().length): number {
  return 1 + switches.reduce((n, s) => n + SERIES_PER_SWITCH + SERIES_PER_WORKER * s.workers + seriesPerPort(reasons) * s.ports, 0);
}
