// memif-throughput: memif vport to vport forwarding rate (paper §4.1,
// Figure 6), against dpdk-testpmd and against a raw copy.
//
// How: `mswitch start` (its own process) runs switch br0 with the `static`
// logic "1=2" on one worker; mswitch-pkt-gen tx sends on memif id 0
// (port 1) for a few seconds and pkt-gen rx counts on id 1 (port 2).
// The sample is the receiver's rate: Mpps at 64 B, Gbit/s at 1514 B and
// 64 KiB (65535 B, 33 chained 2 KiB buffers).  The peer is dpdk-testpmd
// with two memif SERVER vdevs on one socket and io forwarding (port 0 ->
// 1), driven by the same generators; it polls a core at 100%, so it is
// SIGSTOPped while mswitch is measured and SIGCONTed for its own samples
// (and restarted should it crash, see PausedTestpmd).
// testpmd keeps its defaults (bursts of 32, one forwarding lcore pinned to
// CPU 1); mswitch its own (batches of 256, an unpinned worker that sleeps
// when its rings are empty).  On 2 cores the generators compete with both
// for CPU time, and that is part of what is measured.
// Samples alternate A B, B A, ... and each sits between two cross-core
// probes (harness.ts).  The copy ceiling is bench-helper memcpy: one core
// copying the frame size in cache, the most any one-copy switch could do
// on one core.
//
// Figures: per size, 'Mpps' and 'Gbit/s' medians for mswitch and testpmd
// (and '@fast' medians over the samples on the fast level), the offered
// rate and the loss, the switch process's CPU while the sender ran and
// the rate per core of it, the copy ceiling, and the ratios
// mswitch/testpmd (rate, and rate per core) and mswitch/copy.
import { spawnSync } from 'child_process';

import { fmt, fmtSummary, median, printTable, sleep, summarize } from './harness';
import type { Bench, BenchContext, Sample, Summary } from './harness';
import { measureFlow, pktGenPath, startMswitch, startTestpmd, testpmdPath } from './peers';
import type { FlowResult, Mswitch, Testpmd } from './peers';

interface Size { label: string; len: number; unit: 'Mpps' | 'Gbit/s' }

const SIZES: Size[] = [
  { label: '64 B', len: 64, unit: 'Mpps' },
  { label: '1514 B', len: 1514, unit: 'Gbit/s' },
  { label: '64 KiB', len: 65535, unit: 'Gbit/s' },
];

const headline = (r: FlowResult, unit: Size['unit']): number => (unit === 'Mpps' ? r.rxPps / 1e6 : r.rxGbps);

// Copies per second and Gbit/s of bench-helper memcpy at 'len' bytes.
function copyCeiling(helper: string | undefined, len: number, seconds: number): { mpps: number; gbps: number } {
  if (!helper) return { mpps: NaN, gbps: NaN };
  const r = spawnSync(helper, ['memcpy', String(len), String(seconds)], { encoding: 'utf8', timeout: 30000 });
  try {
    const j = JSON.parse(r.stdout.trim()) as { copies_per_s: number; gbps: number };
    return { mpps: j.copies_per_s / 1e6, gbps: j.gbps };
  } catch {
    return { mpps: NaN, gbps: NaN };
  }
}

// dpdk-testpmd between its samples: paused (SIGSTOP), since its polling
// lcore would take CPU from mswitch's samples and from the probes, and
// restarted when it stopped serving (Debian's testpmd 22.11 was seen to
// die of SIGSEGV now and then, right after its memif clients left).
class PausedTestpmd {
  restarts = 0;

  private constructor(private readonly dir: string, private pmd: Testpmd) {}

  static async start(dir: string): Promise<PausedTestpmd> {
    const pmd = await startTestpmd(dir, [0, 1]);
    pmd.child.signal('SIGSTOP');
    return new PausedTestpmd(dir, pmd);
  }

  // Runs 'fn' with testpmd running; it is paused again afterwards.
  async run<T>(fn: (socket: string, pid: number) => Promise<T>): Promise<T> {
    this.pmd.child.signal('SIGCONT');
    // Let it finish the previous sample's disconnects before anyone
    // connects to the same ids again.
    await sleep(200);
    try {
      return await fn(this.pmd.socket, this.pmd.child.pid);
    } finally {
      this.pmd.child.signal('SIGSTOP');
    }
  }

  // After a failed sample: restarts testpmd if it died or stopped
  // listening, and says so.
  async recover(err: Error, log: (text: string) => void): Promise<void> {
    const c = this.pmd.child;
    if (!c.exit && !/refused/.test(err.message)) return;
    log(`  dpdk-testpmd stopped serving (${c.exit?.signal ? c.describeExit() : `${c.describeExit()}:\n${c.tail()}`}); restarting it`);
    this.restarts++;
    await this.pmd.stop();
    this.pmd = await startTestpmd(this.dir, [0, 1]);
    this.pmd.child.signal('SIGSTOP');
  }

  stop(): Promise<void> {
    return this.pmd.stop();
  }
}

type Peer = 'mswitch' | 'testpmd';

async function run(ctx: BenchContext): Promise<void> {
  if (!pktGenPath()) throw new Error('mswitch-pkt-gen is not built');
  const seconds = ctx.quick ? 1.2 : 4;
  const rounds = ctx.quick ? 2 : 5;
  const sw: Mswitch = await startMswitch(`${ctx.tmp}/mswitch`, {
    logic: 'static', logicConfig: '1=2', workers: 1,
    interfaces: [{ id: 0, port: 1 }, { id: 1, port: 2 }],
  });
  let pmd: PausedTestpmd | undefined;
  try {
    if (!testpmdPath()) ctx.log('  peer absent: dpdk-testpmd is not installed; no mswitch/testpmd ratio');
    else {
      try {
        pmd = await PausedTestpmd.start(`${ctx.tmp}/testpmd`);
      } catch (e) {
        ctx.log(`  peer absent: dpdk-testpmd did not start: ${(e as Error).message}`);
      }
    }

    const samples = new Map<string, Sample[]>();           // `${peer} ${size}`
    const results = new Map<string, FlowResult[]>();
    const take = async (peer: Peer, size: Size): Promise<void> => {
      const key = `${peer} ${size.label}`;
      const flow = (socket: string, pid: number): Promise<FlowResult> =>
        measureFlow({ socket, txIds: [0], rxId: 1, len: size.len, seconds, switchPid: pid });
      let r: FlowResult | undefined;
      try {
        const s = await ctx.sample(async () => {
          r = peer === 'mswitch' ? await flow(sw.socket, sw.child.pid) : await pmd!.run(flow);
          return headline(r, size.unit);
        });
        samples.set(key, [...(samples.get(key) ?? []), s]);
        results.set(key, [...(results.get(key) ?? []), r!]);
      } catch (e) {
        ctx.log(`  ${key}: sample failed: ${(e as Error).message}`);
        if (peer === 'testpmd') await pmd!.recover(e as Error, (t) => ctx.log(t));
      }
    };

    // A B, B A, ...: each peer sees both levels of the VM.
    for (let round = 0; round < rounds; round++) {
      for (const size of SIZES) {
        const peers: Peer[] = pmd ? ['mswitch', 'testpmd'] : ['mswitch'];
        if (round % 2) peers.reverse();
        for (const p of peers) await take(p, size);
      }
    }

    const ceilings = SIZES.map((s) => {
      const runs = [0, 1, 2].map(() => copyCeiling(ctx.helper(), s.len, ctx.quick ? 0.2 : 0.5));
      // The best of three: other work on the machine only ever lowers it.
      return { mpps: Math.max(...runs.map((x) => x.mpps)), gbps: Math.max(...runs.map((x) => x.gbps)) };
    });
    report(ctx, samples, results, ceilings, rounds, seconds, pmd !== undefined);
    if (pmd) ctx.record('dpdk-testpmd', 'restarts', pmd.restarts, 'count');
  } finally {
    await pmd?.stop();
    await sw.stop();
  }
}

function report(ctx: BenchContext, samples: Map<string, Sample[]>, results: Map<string, FlowResult[]>,
                ceilings: { mpps: number; gbps: number }[], rounds: number, seconds: number, withPeer: boolean): void {
  const fastest = ctx.fastestProbe();
  const rows: string[][] = [];
  const sideRows: string[][] = [];
  SIZES.forEach((size, i) => {
    const ceil = size.unit === 'Mpps' ? ceilings[i].mpps : ceilings[i].gbps;
    const sum = (peer: string): Summary => summarize(samples.get(`${peer} ${size.label}`) ?? [], fastest);
    const ms = sum('mswitch');
    const tp = sum('testpmd');
    for (const [peer, s] of [['mswitch', ms], ['testpmd', tp]] as const) {
      if (!s.n) continue;
      ctx.recordSummary(`${peer} ${size.label}`, size.unit, s, size.unit);
      const rs = results.get(`${peer} ${size.label}`) ?? [];
      // The other unit and the offered load, as medians.
      ctx.record(`${peer} ${size.label}`, size.unit === 'Mpps' ? 'Gbit/s' : 'Mpps',
        median(rs.map((r) => (size.unit === 'Mpps' ? r.rxGbps : r.rxPps / 1e6))), size.unit === 'Mpps' ? 'Gbit/s' : 'Mpps');
      ctx.record(`${peer} ${size.label}`, 'offered Mpps', median(rs.map((r) => r.txPps / 1e6)), 'Mpps');
      ctx.record(`${peer} ${size.label}`, 'loss', median(rs.map((r) => r.loss)), 'ratio');
      const bad = rs.reduce((a, r) => a + r.rxBad, 0);
      if (bad) ctx.log(`  ${peer} ${size.label}: the receiver dropped ${bad} bad frame(s)`);
      // Forwarding per CPU second of the switch process: on a shared
      // 2-core machine this moves less than the rate itself.
      const cpu = median(rs.map((r) => r.switchCpu));
      const perCore = median(rs.map((r) => r.rxPps / 1e6 / r.switchCpu));
      ctx.record(`${peer} ${size.label}`, 'switch CPU', 100 * cpu, '% of a core');
      ctx.record(`${peer} ${size.label}`, 'Mpps per switch core', perCore, 'Mpps/core');
      sideRows.push([size.label, peer, fmt(median(rs.map((r) => r.txPps / 1e6)), 3),
        fmt(median(rs.map((r) => r.rxPps / 1e6)), 3), `${fmt(100 * median(rs.map((r) => r.loss)), 1)}%`,
        fmt(100 * cpu, 0), fmt(perCore, 3)]);
    }
    ctx.record(`copy ${size.label}`, size.unit, ceil, size.unit);
    ctx.record(size.label, 'mswitch/testpmd', ms.median / tp.median, 'ratio');
    ctx.record(size.label, 'mswitch/testpmd@fast', ms.fastMedian / tp.fastMedian, 'ratio');
    ctx.record(size.label, 'mswitch/copy', ms.median / ceil, 'ratio');
    rows.push([size.label, size.unit, fmtSummary(ms), withPeer ? fmtSummary(tp) : 'absent', fmt(ceil),
      fmt(ms.median / tp.median), fmt(ms.fastMedian / tp.fastMedian), fmt(ms.median / ceil, 3)]);
  });
  printTable(`memif vport -> vport, static 1=2, 1 worker; ${rounds} samples of ${seconds} s per peer and size ` +
    '(median [min..max] n=samples, flags)',
  ['size', 'unit', 'mswitch', 'dpdk-testpmd io', 'copy ceiling', 'msw/testpmd', 'msw/testpmd@fast', 'msw/copy'], rows);
  printTable('offered load, loss and the switch process\'s CPU while sending (medians; loss = frames sent but not received)',
    ['size', 'switch', 'tx Mpps', 'rx Mpps', 'loss', 'switch CPU %', 'Mpps per switch core'], sideRows);
  for (const size of SIZES) {
    const per = (peer: string): number => median((results.get(`${peer} ${size.label}`) ?? []).map((r) => r.rxPps / r.switchCpu));
    ctx.record(size.label, 'mswitch/testpmd per core', per('mswitch') / per('testpmd'), 'ratio');
  }
  ctx.logLevels();
}

export const bench: Bench = {
  name: 'memif-throughput',
  summary: 'memif vport->vport Mpps at 64 B, Gbit/s at 1514 B and 64 KiB; vs dpdk-testpmd and a raw copy',
  run,
};
