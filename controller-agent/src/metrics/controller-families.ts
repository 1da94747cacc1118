// Prometheus families of a bridge's controller connections: connected and
// role per configured target, connects and disconnects by reason, echo
// round-trip histogram, packet-ins by reason and result; read at scrape
// time from each switch's ControllerCounts (controller-counts.ts).
//
// Design: labels are the bridge, the configured target (a listener's text
// for the sessions it accepted, never a peer address) and small enums
// (role: equal, master, slave; reason and result: controller-counts.ts).
// Series per bridge: 1 + 3 per configured target for the gauges (role
// series exist for every role, 0 or the number of sessions in it), one per
// (target, reason) disconnect seen and per (reason, result) packet-in
// seen, and the histogram's buckets per target that had an echo.  The
// histogram observes each echo round trip once: it remembers, per switch,
// the last sample sequence number it read.
//
// Thread-safety: JS thread only (scrapes).
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

import type { NativeSwitch } from '../datapath';
import { controllerCounts } from './controller-counts';
import type { ControllerCounts } from './controller-counts';

export const ROLES = ['equal', 'master', 'slave'] as const;
const ROLE_OF: Record<string, (typeof ROLES)[number]> = { OFPCR_ROLE_EQUAL: 'equal', OFPCR_ROLE_MASTER: 'master', OFPCR_ROLE_SLAVE: 'slave' };
export const ECHO_RTT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function registerControllerFamilies(registry: Registry, switches: () => Iterable<NativeSwitch>): void {
  const registers = [registry];
  const each = (fn: (bridge: string, c: ControllerCounts) => void): void => {
    for (const sw of switches()) {
      try {
        fn(sw.name, controllerCounts(sw));
      } catch {
        // closed since the source listed it
      }
    }
  };

  new Gauge({
    name: 'mswitch_controller_connected', help: 'Whether a controller is connected (version negotiated) through the configured target or listener.',
    labelNames: ['bridge', 'target'], registers,
    collect() {
      this.reset();
      each((bridge, c) => {
        const live = c.live?.();
        for (const target of live?.targets ?? []) {
          this.set({ bridge, target }, live!.sessions.some((s) => s.controller && s.target === target && s.connected) ? 1 : 0);
        }
      });
    },
  });
  new Gauge({
    name: 'mswitch_controller_role', help: 'Connected controller sessions of the configured target or listener in each OpenFlow role.',
    labelNames: ['bridge', 'target', 'role'], registers,
    collect() {
      this.reset();
      each((bridge, c) => {
        const live = c.live?.();
        for (const target of live?.targets ?? []) {
          for (const role of ROLES) {
            this.set({ bridge, target, role }, live!.sessions.filter((s) => s.controller && s.target === target && s.connected && ROLE_OF[s.role] === role).length);
          }
        }
      });
    },
  });
  new Counter({
    name: 'mswitch_controller_connects_total', help: 'Controller sessions that negotiated a version, by configured target or listener.',
    labelNames: ['bridge', 'target'], registers,
    collect() {
      this.reset();
      each((bridge, c) => { for (const [target, n] of c.connects) this.inc({ bridge, target }, n); });
    },
  });
  new Counter({
    name: 'mswitch_controller_disconnects_total', help: 'Negotiated controller sessions that ended, by configured target and reason.',
    labelNames: ['bridge', 'target', 'reason'], registers,
    collect() {
      this.reset();
      each((bridge, c) => {
        for (const [key, n] of c.disconnects) {
          const [target, reason] = key.split('\n');
          this.inc({ bridge, target, reason }, n);
        }
      });
    },
  });
  new Counter({
    name: 'mswitch_packet_ins_total', help: 'Packet-ins offered to controller sessions by reason (no_match, action, invalid_ttl) and result (sent, rate_limited, queue_full; no_controller when none was connected).',
    labelNames: ['bridge', 'reason', 'result'], registers,
    collect() {
      this.reset();
      each((bridge, c) => {
        for (const [key, n] of c.packetIns) {
          const [reason, result] = key.split(' ');
          this.inc({ bridge, reason, result }, n);
        }
      });
    },
  });
  const seen = new WeakMap<ControllerCounts, number>();
  new Histogram({
    name: 'mswitch_controller_echo_rtt_seconds', help: 'Round trip of the switch\'s echo requests to its controllers, by configured target.',
    labelNames: ['bridge', 'target'], buckets: ECHO_RTT_BUCKETS, registers,
    collect() {
      each((bridge, c) => {
        const from = Math.max(seen.get(c) ?? 0, c.rttSeq - c.rtts.length);
        for (let seq = from; seq < c.rttSeq; seq++) {
          const s = c.rtts[seq - (c.rttSeq - c.rtts.length)];
          this.observe({ bridge, target: s.target }, s.seconds);
        }
        seen.set(c, c.rttSeq);
      });
    },
  });
}
