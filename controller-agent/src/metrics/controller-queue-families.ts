// Prometheus families of a switch's controller queue: the frames its
// logic sent to the controller (OpenFlow packet-ins) as the workers put
// them in, the agent took them out, and the queue dropped them; read at
// scrape time from the addon's controllerQueue() (datapath.ts
// ControllerQueueStats).
//
// What?  Where a packet-in is lost tells an operator what to fix: a drop
// here ('full') means the agent did not read fast enough or, since the
// packet-in pump stops reading while every controller's send buffer is
// backlogged (agent/packet-io.ts), that the controllers did not; a drop
// after the queue is counted per controller in mswitch_packet_ins_total
// (rate_limited, queue_full, no_controller).  So enqueued = dequeued +
// pending, and frames sent to the controller = enqueued + drops.
//
// Design: every switch has a controller queue, but only one whose logic
// can send to it has anything to say.  A switch is exported while its
// logic is `openflow` or once its queue has seen any entry or drop (then
// its counters are non-zero for the rest of its life, so its series never
// vanish between scrapes).  Labels: bridge, and reason in
// CONTROLLER_QUEUE_DROP_REASONS.  Series per exported switch:
// SERIES_PER_CONTROLLER_QUEUE.
//
// Thread-safety: JS thread only (scrapes).  The native counters are
// per-worker sums and atomics read without stopping the workers, so two
// families of one scrape may differ by the frames that moved between
// their reads; each is read once per scrape.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

import type { ControllerQueueStats, NativeSwitch } from '../datapath';
import { scrapeSnapshot } from './scrape-snapshot';

/** reason label of mswitch_controller_queue_drops_total. */
export const CONTROLLER_QUEUE_DROP_REASONS = ['full', 'invalid'] as const;
export const SERIES_PER_CONTROLLER_QUEUE = 6 + CONTROLLER_QUEUE_DROP_REASONS.length;

interface QueueSnapshot {
  name: string;
  q: ControllerQueueStats;
}

function used(q: ControllerQueueStats): boolean {
  return q.enqueued > 0 || q.dropped > 0 || q.invalid > 0;
}

export function registerControllerQueueFamilies(registry: Registry, switches: () => Iterable<NativeSwitch>): void {
  const registers = [registry];
  // One read of every switch per scrape, shared by the families.
  const take = scrapeSnapshot(switches, (sw): QueueSnapshot | undefined => {
    const q = sw.controllerQueue();
    return used(q) || /^openflow/.test(sw.logic()) ? { name: sw.name, q } : undefined;
  });

  const family = (kind: 'counter' | 'gauge', name: string, help: string, value: (q: ControllerQueueStats) => number): void => {
    const Type = kind === 'counter' ? Counter : Gauge;
    new Type({
      name, help, labelNames: ['bridge'], registers,
      collect() {
        this.reset();
        for (const s of take()) {
          if (this instanceof Counter) this.inc({ bridge: s.name }, value(s.q));
          else (this as Gauge).set({ bridge: s.name }, value(s.q));
        }
      },
    });
  };
  family('counter', 'mswitch_controller_queue_enqueued_total',
    'Frames the switching logic sent to the controller that the workers put in the switch\'s controller queue.', (q) => q.enqueued);
  family('counter', 'mswitch_controller_queue_enqueued_bytes_total',
    'Frame bytes kept in the controller queue\'s entries (after max_len truncation).', (q) => q.bytes);
  family('counter', 'mswitch_controller_queue_dequeued_total',
    'Entries the OpenFlow agent took from the controller queue to send as packet-ins.', (q) => q.dequeued);
  family('gauge', 'mswitch_controller_queue_pending', 'Entries in the controller queue not yet taken by the agent.', (q) => q.pending);
  family('gauge', 'mswitch_controller_queue_used_bytes', 'Bytes of the controller queue\'s slots that entries occupy.', (q) => q.usedSlots * q.slotBytes);
  family('gauge', 'mswitch_controller_queue_capacity_bytes', 'Size of the controller queue.', (q) => q.slots * q.slotBytes);

  new Counter({
    name: 'mswitch_controller_queue_drops_total',
    help: 'Frames for the controller the queue dropped, by reason: full (no room: the agent or its controllers fell behind), ' +
      'invalid (no controller header: a logic bug).',
    labelNames: ['bridge', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const s of take()) {
        this.inc({ bridge: s.name, reason: 'full' }, s.q.dropped);
        this.inc({ bridge: s.name, reason: 'invalid' }, s.q.invalid);
      }
    },
  });
}
