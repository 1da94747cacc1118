// incast: several senders into one receiver (paper §4.4, Figure 12:
// destination-port parallelism).
//
// How: `mswitch start` runs br0 with 2 workers and the `static` logic
// mapping every sender port to the receiver: memif id 0 is port 1 (the
// receiver), ids 1..N are ports 2..N+1, "2=1,3=1,...", the senders' input
// queues spread over the two workers (sender i on worker i % 2).  For
// k = 1..N, k pkt-gen tx (one per id, each its own stream) send for a few
// seconds while one pkt-gen rx counts on id 0; the sample is the
// receiver's aggregate rate.  Sizes 64 B (Mpps) and 1514 B (Mpps and
// Gbit/s).  The machine has 2 cores: with k senders, the receiver and two
// workers the runnable threads outnumber the cores from k = 1 on, so the
// curve says how the fabric shares a destination under CPU contention,
// not how it scales with cores as in the paper; the switch process's CPU
// while sending (up to 200% with two workers) is recorded beside it.  Rounds visit k in
// alternating order; each sample sits between two cross-core probes.
import { fmt, fmtSummary, median, printTable, summarize } from './harness';
import type { Bench, BenchContext, Sample } from './harness';
import { measureFlow, pktGenPath, startMswitch } from './peers';
import type { FlowResult } from './peers';

const SIZES = [64, 1514];

async function run(ctx: BenchContext): Promise<void> {
  if (!pktGenPath()) throw new Error('mswitch-pkt-gen is not built');
  const maxSenders = ctx.quick ? 3 : 4;
  const seconds = ctx.quick ? 1.2 : 3;
  const rounds = ctx.quick ? 1 : 3;
  const senders = Array.from({ length: maxSenders }, (_, i) => i + 1);   // memif ids
  const sw = await startMswitch(`${ctx.tmp}/mswitch`, {
    logic: 'static',
    logicConfig: senders.map((id) => `${id + 1}=1`).join(','),
    workers: 2,
    interfaces: [{ id: 0, port: 1, worker: 0 }, ...senders.map((id) => ({ id, port: id + 1, worker: id % 2 }))],
  });
  const samples = new Map<string, Sample[]>();
  const results = new Map<string, FlowResult[]>();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const len of SIZES) {
        const ks = round % 2 ? [...senders].reverse() : senders;
        for (const k of ks) {
          const key = `${k} ${len}`;
          let r: FlowResult | undefined;
          try {
            const s = await ctx.sample(async () => {
              r = await measureFlow(sw.socket, senders.slice(0, k), 0, len, seconds, sw.child.pid);
              return r.rxPps / 1e6;
            });
            samples.set(key, [...(samples.get(key) ?? []), s]);
            results.set(key, [...(results.get(key) ?? []), r!]);
          } catch (e) {
            ctx.log(`  ${k} sender(s) ${len} B: sample failed: ${(e as Error).message}`);
          }
        }
      }
    }
  } finally {
    await sw.stop();
  }

  const fastest = ctx.fastestProbe();
  const rows: string[][] = [];
  for (const len of SIZES) {
    for (const k of senders) {
      const kase = `${k} sender${k > 1 ? 's' : ''} ${len} B`;
      const s = summarize(samples.get(`${k} ${len}`) ?? [], fastest);
      const rs = results.get(`${k} ${len}`) ?? [];
      const gbps = median(rs.map((r) => r.rxGbps));
      const offered = median(rs.map((r) => r.txPps / 1e6));
      ctx.recordSummary(kase, 'Mpps', s, 'Mpps');
      ctx.record(kase, 'Gbit/s', gbps, 'Gbit/s');
      ctx.record(kase, 'offered Mpps', offered, 'Mpps');
      ctx.record(kase, 'loss', median(rs.map((r) => r.loss)), 'ratio');
      const cpu = median(rs.map((r) => r.switchCpu));
      ctx.record(kase, 'switch CPU', 100 * cpu, '% of a core');
      const bad = rs.reduce((a, r) => a + r.rxBad, 0);
      if (bad) ctx.log(`  ${kase}: the receiver dropped ${bad} bad frame(s)`);
      const one = summarize(samples.get(`1 ${len}`) ?? [], fastest).median;
      if (k > 1) ctx.record(kase, `vs 1 sender`, s.median / one, 'ratio');
      rows.push([`${len} B`, String(k), fmtSummary(s, 3), fmt(gbps), fmt(offered, 3), fmt(100 * cpu, 0),
        k > 1 ? fmt(s.median / one) : '']);
    }
  }
  printTable(`incast into one receiver, static N->1, 2 workers; ${rounds} sample(s) of ${seconds} s per point`,
    ['size', 'senders', 'rx Mpps', 'rx Gbit/s', 'offered Mpps', 'switch CPU %', 'vs 1 sender'], rows);
  ctx.logLevels();
}

export const bench: Bench = {
  name: 'incast',
  summary: '1..N pkt-gen senders into one receiver, 2 workers: aggregate Mpps at 64 B and 1514 B',
  run,
};
