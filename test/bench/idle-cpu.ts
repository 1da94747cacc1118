// idle-cpu: what a switch with many attached but silent ports costs
// (paper §4.2: interrupts against DPDK's polling).
//
// How: `mswitch start --memif-ports 100` (its own process, temp run
// directory) pre-creates memif ids 0..99; one helper node process
// (memif-clients.ts) connects 100 MemifClients, one per id, and sends
// nothing.  Once the daemon has logged 100 port-up events, the daemon's
// CPU time (utime + stime of every thread, /proc/PID/stat) over a window
// of 10 s (4 s with --quick) is reported as % of one core.  The peer is
// dpdk-testpmd with memif SERVER ports and io forwarding and the same
// helper connected to every port; this Debian build of DPDK allows 32
// ports (RTE_MAX_ETHPORTS), so it gets 32.  Its forwarding lcore polls,
// so it should read ~100% whatever the port count.
import { join } from 'path';

import { Child, clockTicks, cpuSeconds, fmt, loadAverage, printTable, repoRoot, sleep } from './harness';
import type { Bench, BenchContext } from './harness';
import { startMswitch, startTestpmd, testpmdPath } from './peers';

const MSWITCH_PORTS = 100;
const TESTPMD_PORTS = 32;

interface Idle { cpuPct: number; clientsPct: number; seconds: number }

// Connects 'count' idle clients to 'socket' and measures 'pid' (and the
// helper) over 'seconds' once they are up and 'ready' resolved.
async function measureIdle(pid: number, socket: string, count: number, seconds: number,
                           ready: () => Promise<void>): Promise<Idle> {
  const helper = Child.spawn('memif-clients', process.execPath,
    [join(repoRoot(), 'dist', 'test', 'bench', 'memif-clients.js'), socket, String(count)]);
  try {
    await helper.waitFor(/^(connected|failed)/m, 60000);
    if (!/^connected/m.test(helper.stdout)) throw new Error(`memif clients: ${helper.stdout.trim()}`);
    await ready();
    await sleep(1000);   // let connection handling settle
    const t0 = process.hrtime.bigint();
    const a = cpuSeconds(pid);
    const h = cpuSeconds(helper.pid);
    await sleep(seconds * 1000);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    return {
      cpuPct: ((cpuSeconds(pid) - a) / wall) * 100,
      clientsPct: ((cpuSeconds(helper.pid) - h) / wall) * 100,
      seconds: wall,
    };
  } finally {
    await helper.stop('SIGTERM', 3000);
  }
}

async function run(ctx: BenchContext): Promise<void> {
  const seconds = ctx.quick ? 4 : 10;
  const rows: string[][] = [];
  const notes: string[] = [];

  const sw = await startMswitch(join(ctx.tmp, 'mswitch'), { interfaces: [], args: ['--memif-ports', String(MSWITCH_PORTS)] });
  let ms: Idle;
  try {
    const portsUp = (): number => (sw.child.stderr.match(/"event":"port-up"/g) ?? []).length;
    ms = await measureIdle(sw.child.pid, sw.socket, MSWITCH_PORTS, seconds, async () => {
      for (let i = 0; i < 100 && portsUp() < MSWITCH_PORTS; i++) await sleep(100);
    });
    if (portsUp() < MSWITCH_PORTS) ctx.log(`  note: only ${portsUp()} of ${MSWITCH_PORTS} ports logged port-up`);
  } finally {
    await sw.stop();
  }
  const kase = `mswitch ${MSWITCH_PORTS} memif ports`;
  ctx.record(kase, 'CPU', ms.cpuPct, '% of a core');
  ctx.record(kase, 'clients CPU', ms.clientsPct, '% of a core');
  rows.push(['mswitch (interrupts)', String(MSWITCH_PORTS), fmt(ms.cpuPct, 3), fmt(ms.clientsPct, 3), fmt(ms.seconds, 1)]);

  if (!testpmdPath()) {
    ctx.log('  peer absent: dpdk-testpmd is not installed');
  } else {
    const ids = Array.from({ length: TESTPMD_PORTS }, (_, i) => i);
    try {
      const pmd = await startTestpmd(join(ctx.tmp, 'testpmd'), ids);
      try {
        const tp = await measureIdle(pmd.child.pid, pmd.socket, TESTPMD_PORTS, seconds, async () => undefined);
        const tk = `dpdk-testpmd ${TESTPMD_PORTS} memif ports`;
        ctx.record(tk, 'CPU', tp.cpuPct, '% of a core');
        ctx.record(tk, 'clients CPU', tp.clientsPct, '% of a core');
        ctx.record('idle', 'mswitch/testpmd CPU', ms.cpuPct / tp.cpuPct, 'ratio');
        rows.push(['dpdk-testpmd (polling)', String(TESTPMD_PORTS), fmt(tp.cpuPct, 3), fmt(tp.clientsPct, 3), fmt(tp.seconds, 1)]);
        if (tp.cpuPct < 90) {
          notes.push(`  note: testpmd's lcore never stops polling; it got ${fmt(tp.cpuPct, 0)}% only because other work ` +
            `shared CPU 1 (load average ${loadAverage().toFixed(1)})`);
        }
      } finally {
        await pmd.stop();
      }
    } catch (e) {
      ctx.log(`  dpdk-testpmd: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  printTable('idle switch with every port connected, no traffic (CPU % of one core)',
    ['switch', 'ports', 'switch CPU %', 'clients CPU %', 'window s'], rows);
  ctx.log(`  resolution: one clock tick (${1000 / clockTicks()} ms) = ${fmt(100 / clockTicks() / seconds, 2)}% over ${seconds} s`);
  for (const n of notes) ctx.log(n);
}

export const bench: Bench = {
  name: 'idle-cpu',
  summary: 'CPU of an idle switch with 100 connected memif ports (dpdk-testpmd: 32), % of a core',
  run,
};
