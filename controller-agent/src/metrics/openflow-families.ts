// Prometheus families of the `openflow` logic's tables and flows: per
// table entries, lookups, matches and exact-match-cache hits and misses
// (from the logic's `table_stats` control command, read at scrape time,
// ovs-compat/native/control-text.md), flow mods by command and result,
// and flow-removed events by reason (flow-counters.ts).
//
// Design: a switch whose logic is not `openflow` has none of these
// series.  The logic has 64 tables whether used or not, so a table is
// exported from the first scrape that finds it in use (entries, lookups
// or cache traffic) and from then on for as long as the switch lives: its
// counters never vanish between scrapes, and an idle pipeline costs 5
// series (table 0), not 320.  Table counters restart from zero when the
// logic is swapped (set-logic), which Prometheus treats as a counter
// reset.  Flow-removed events exist only for flows installed with
// send_flow_rem and only while an OpenFlow agent drains them; a flow
// without the flag expires uncounted (the logic counts removals nowhere
// else).
//
// Series per openflow switch: 5 per table in use, plus one per (command,
// result) and per removal reason seen.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

import { parseTableStats } from '../../../ovs-compat/src';
import type { TableStats } from '../../../ovs-compat/src';
import type { NativeSwitch } from '../datapath';
import { flowCounts } from './flow-counters';
import { scrapeSnapshot } from './scrape-snapshot';

export const SERIES_PER_TABLE = 5;

interface TableSnapshot {
  name: string;
  tables: TableStats[];      // the tables exported this scrape
  sw: NativeSwitch;
}

// Reads the switches once per scrape (the first family collected reads,
// the others of the same scrape share it; see collector.ts).
export function registerOpenflowFamilies(registry: Registry, switches: () => Iterable<NativeSwitch>): void {
  const registers = [registry];
  const inUse = new WeakMap<NativeSwitch, Set<number>>();
  const take = scrapeSnapshot(switches, (sw): TableSnapshot | undefined => {
    if (!/^openflow/.test(sw.logic())) return undefined;
    let seen = inUse.get(sw);
    if (!seen) inUse.set(sw, (seen = new Set([0])));
    const all = parseTableStats(sw.logicControl('table_stats'));
    for (const t of all) {
      if (t.active > 0n || t.lookups > 0n || (t.emcHits ?? 0n) > 0n || (t.emcMisses ?? 0n) > 0n) seen.add(t.table);
    }
    return { sw, name: sw.name, tables: all.filter((t) => seen.has(t.table)) };
  });

  const TABLE = ['bridge', 'table'];
  const perTable = (kind: 'counter' | 'gauge', name: string, help: string, value: (t: TableStats) => bigint | undefined): void => {
    const Type = kind === 'counter' ? Counter : Gauge;
    new Type({
      name, help, labelNames: TABLE, registers,
      collect() {
        this.reset();
        for (const s of take()) {
          for (const t of s.tables) {
            const labels = { bridge: s.name, table: String(t.table) };
            const v = Number(value(t) ?? 0n);
            if (this instanceof Counter) this.inc(labels, v);
            else (this as Gauge).set(labels, v);
          }
        }
      },
    });
  };
  perTable('gauge', 'mswitch_table_entries', 'Flows in the OpenFlow table.', (t) => t.active);
  perTable('counter', 'mswitch_table_lookups_total', 'Packets looked up in the OpenFlow table.', (t) => t.lookups);
  perTable('counter', 'mswitch_table_matches_total', 'Look-ups in the OpenFlow table that matched a flow.', (t) => t.matched);
  perTable('counter', 'mswitch_table_emc_hits_total', 'Look-ups the workers\' exact-match caches answered for the table.', (t) => t.emcHits);
  perTable('counter', 'mswitch_table_emc_misses_total', 'Look-ups the workers\' exact-match caches missed for the table (the classifier answered).', (t) => t.emcMisses);

  new Counter({
    name: 'mswitch_flow_mods_total',
    help: 'Flow mods applied to the switch (REST API and OpenFlow), by command and result (ok, or the OpenFlow error type).',
    labelNames: ['bridge', 'command', 'result'],
    registers,
    collect() {
      this.reset();
      for (const s of take()) {
        for (const [key, n] of flowCounts(s.sw).mods) {
          const [command, result] = key.split(' ');
          this.inc({ bridge: s.name, command, result }, n);
        }
      }
    },
  });
  new Counter({
    name: 'mswitch_flow_removed_events_total',
    help: 'Flow-removed events (flows installed with send_flow_rem) by reason: idle_timeout, hard_timeout, delete, group_delete, meter_delete.',
    labelNames: ['bridge', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const s of take()) {
        for (const [reason, n] of flowCounts(s.sw).removed) this.inc({ bridge: s.name, reason }, n);
      }
    },
  });
}
