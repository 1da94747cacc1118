// incast: several senders into one receiver (paper §4.4, Figure 12:
// destination-port parallelism).
//
// How: `mswitch start` runs br0 with 2 workers and the `static` logic
// mapping every sender port to the receiver: memif id 0 is port 1 (the
// receiver), ids 1..N are ports 2..N+1, "2=1,3=1,...", the senders' input
// queues spread over the two workers (sender i on worker i % 2).  For
// k = 1..N, k pkt-gen tx (one per id, each its own stream) send for a few
// seconds while one pkt-gen rx counts on id 0; the sample is the
// receiver's aggregate rate, at 64 B and 1514 B.
//
// The machine has 2 cores, and k senders, the receiver and two workers
// outnumber them from k = 1 on.  With everyone at the same priority the
// scheduler splits the CPUs evenly, so each added sender takes CPU from
// the receiver and the workers and the curve falls for that reason alone.
// So each point is measured twice, interleaved:
//   equal     everyone at the default priority;
//   nice 19   the senders under `nice -n 19`: the receiver and the switch
//             run whenever they have work and the senders fill the rest,
//             which is closer to the paper's one-core-per-sender setup.
// Recorded beside each point: the offered rate, the loss and the switch
// process's CPU while sending (up to 200% with two workers).  Rounds
// visit k in alternating order; each sample sits between two cross-core
// probes.
import { fmt, fmtSummary, median, printTable, summarize } from './harness';
import type { Bench, BenchContext, Sample } from './harness';
import { measureFlow, pktGenPath, startMswitch } from './peers';
import type { FlowResult, Mswitch } from './peers';

const SIZES = [64, 1514];
const PRIORITIES = [
  { label: 'equal', nice: 0 },
  { label: 'senders nice 19', nice: 19 },
];

type Results = Map<string, { samples: Sample[]; flows: FlowResult[] }>;
const keyOf = (nice: number, len: number, k: number): string => `${nice} ${len} ${k}`;

async function run(ctx: BenchContext): Promise<void> {
  if (!pktGenPath()) throw new Error('mswitch-pkt-gen is not built');
  const maxSenders = ctx.quick ? 3 : 4;
  const seconds = ctx.quick ? 1 : 2;
  const rounds = ctx.quick ? 1 : 3;
  const senders = Array.from({ length: maxSenders }, (_, i) => i + 1);   // memif ids
  const sw: Mswitch = await startMswitch(`${ctx.tmp}/mswitch`, {
    logic: 'static',
    logicConfig: senders.map((id) => `${id + 1}=1`).join(','),
    workers: 2,
    interfaces: [{ id: 0, port: 1, worker: 0 }, ...senders.map((id) => ({ id, port: id + 1, worker: id % 2 }))],
  });
  const results: Results = new Map();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const len of SIZES) {
        for (const k of round % 2 ? [...senders].reverse() : senders) {
          for (const p of round % 2 ? [...PRIORITIES].reverse() : PRIORITIES) {
            let r: FlowResult | undefined;
            try {
              const s = await ctx.sample(async () => {
                r = await measureFlow({
                  socket: sw.socket, txIds: senders.slice(0, k), rxId: 0, len, seconds,
                  switchPid: sw.child.pid, senderNice: p.nice,
                });
                return r.rxPps / 1e6;
              });
              const got = results.get(keyOf(p.nice, len, k)) ?? { samples: [], flows: [] };
              got.samples.push(s);
              got.flows.push(r!);
              results.set(keyOf(p.nice, len, k), got);
            } catch (e) {
              ctx.log(`  ${k} sender(s) ${len} B ${p.label}: sample failed: ${(e as Error).message}`);
            }
          }
        }
      }
    }
  } finally {
    await sw.stop();
  }
  for (const p of PRIORITIES) report(ctx, results, p, senders, rounds, seconds);
  ctx.logLevels();
}

function report(ctx: BenchContext, results: Results, p: (typeof PRIORITIES)[number], senders: number[],
                rounds: number, seconds: number): void {
  const fastest = ctx.fastestProbe();
  const rows: string[][] = [];
  for (const len of SIZES) {
    const one = summarize(results.get(keyOf(p.nice, len, 1))?.samples ?? [], fastest).median;
    for (const k of senders) {
      const kase = `${k} sender${k > 1 ? 's' : ''} ${len} B, ${p.label}`;
      const got = results.get(keyOf(p.nice, len, k)) ?? { samples: [], flows: [] };
      const s = summarize(got.samples, fastest);
      const med = (f: (r: FlowResult) => number): number => median(got.flows.map(f));
      ctx.recordSummary(kase, 'Mpps', s, 'Mpps');
      ctx.record(kase, 'Gbit/s', med((r) => r.rxGbps), 'Gbit/s');
      ctx.record(kase, 'offered Mpps', med((r) => r.txPps / 1e6), 'Mpps');
      ctx.record(kase, 'loss', med((r) => r.loss), 'ratio');
      ctx.record(kase, 'switch CPU', 100 * med((r) => r.switchCpu), '% of a core');
      if (k > 1) ctx.record(kase, 'vs 1 sender', s.median / one, 'ratio');
      const bad = got.flows.reduce((a, r) => a + r.rxBad, 0);
      if (bad) ctx.log(`  ${kase}: the receiver dropped ${bad} bad frame(s)`);
      rows.push([`${len} B`, String(k), fmtSummary(s, 3), fmt(med((r) => r.rxGbps)), fmt(med((r) => r.txPps / 1e6), 3),
        `${fmt(100 * med((r) => r.loss), 1)}%`, fmt(100 * med((r) => r.switchCpu), 0), k > 1 ? fmt(s.median / one) : '']);
    }
  }
  printTable(`incast into one receiver, static N->1, 2 workers, priorities ${p.label}; ` +
    `${rounds} sample(s) of ${seconds} s per point`,
  ['size', 'senders', 'rx Mpps', 'rx Gbit/s', 'offered Mpps', 'loss', 'switch CPU %', 'vs 1 sender'], rows);
}

export const bench: Bench = {
  name: 'incast',
  summary: '1..N pkt-gen senders into one receiver, 2 workers: aggregate Mpps at 64 B and 1514 B',
  run,
};
