// latency: request-response round trip through the switch (paper §4.5,
// Figure 13).
//
// How: `mswitch start` runs br0 with the default `l2-learning` logic on
// one worker.  pkt-gen pong echoes on memif id 1 (swapping MACs) and
// pkt-gen ping on id 0 sends 60-byte frames 02:..:01 -> 02:..:02 one at a
// time, each after the previous echo, for a few seconds; every round trip
// crosses the switch twice.  The first frame floods and teaches the
// switch both MACs; from then on both directions are unicast.  Two cases:
//   interrupt  ping, pong and the switch worker sleep when idle (memif
//              interrupts, epoll): the paper's model, two thread wake-ups
//              per switch crossing;
//   busy       ping and pong poll (--busy); the switch is unchanged (its
//              worker polls while frames keep coming).
// Samples alternate between the cases, each between two cross-core probes.
// Figures: per case, the median over samples of the RTT median and of the
// RTT p99, in µs, and round trips per second.
import { fmt, fmtSummary, median, printTable, summarize } from './harness';
import type { Bench, BenchContext, Sample } from './harness';
import { pktGenPath, pktGenSummary, startConnected, startMswitch } from './peers';
import type { PktGenSummary } from './peers';

const CASES = [
  { name: 'interrupt', busy: false },
  { name: 'busy', busy: true },
] as const;

// One sample: pong, then ping for 'seconds'; the ping summary.
async function pingPong(socket: string, busy: boolean, seconds: number): Promise<PktGenSummary> {
  const pong = await startConnected({ mode: 'pong', socket, id: 1, busy });
  try {
    const ping = await startConnected({
      mode: 'ping', socket, id: 0, busy, seconds, len: 60,
      srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02',
    });
    await ping.finish((seconds + 10) * 1000);
    return pktGenSummary(ping);
  } finally {
    await pong.stop('SIGINT', 2000);
  }
}

async function run(ctx: BenchContext): Promise<void> {
  if (!pktGenPath()) throw new Error('mswitch-pkt-gen is not built');
  const seconds = ctx.quick ? 1.5 : 3;
  const rounds = ctx.quick ? 2 : 5;
  const sw = await startMswitch(`${ctx.tmp}/mswitch`, {
    logic: 'l2-learning', workers: 1, interfaces: [{ id: 0, port: 1 }, { id: 1, port: 2 }],
  });
  const med = new Map<string, Sample[]>();
  const p99 = new Map<string, number[]>();
  const rate = new Map<string, number[]>();
  const lost = new Map<string, number>();
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...CASES].reverse() : CASES;
      for (const c of order) {
        let s: PktGenSummary | undefined;
        try {
          const sample = await ctx.sample(async () => {
            s = await pingPong(sw.socket, c.busy, seconds);
            return s.ping && s.ping.sent > s.ping.lost ? s.ping.rtt_us.median : NaN;
          });
          if (!s?.ping) continue;
          med.set(c.name, [...(med.get(c.name) ?? []), sample]);
          p99.set(c.name, [...(p99.get(c.name) ?? []), s.ping.rtt_us.p99]);
          rate.set(c.name, [...(rate.get(c.name) ?? []), (s.ping.sent - s.ping.lost) / seconds]);
          lost.set(c.name, (lost.get(c.name) ?? 0) + s.ping.lost);
        } catch (e) {
          ctx.log(`  ${c.name}: sample failed: ${(e as Error).message}`);
        }
      }
    }
  } finally {
    await sw.stop();
  }

  const fastest = ctx.fastestProbe();
  const rows = CASES.map((c) => {
    const s = summarize(med.get(c.name) ?? [], fastest);
    const tail = median(p99.get(c.name) ?? []);
    ctx.recordSummary(c.name, 'RTT median', s, 'us');
    ctx.record(c.name, 'RTT p99', tail, 'us');
    ctx.record(c.name, 'round trips/s', median(rate.get(c.name) ?? []), '1/s');
    ctx.record(c.name, 'lost', lost.get(c.name) ?? 0, 'count');
    return [c.name, fmtSummary(s), fmt(tail), fmt(median(rate.get(c.name) ?? []) / 1e3, 1), String(lost.get(c.name) ?? 0)];
  });
  const ratio = median(med.get('interrupt')?.map((x) => x.value) ?? []) / median(med.get('busy')?.map((x) => x.value) ?? []);
  ctx.record('interrupt/busy', 'RTT median ratio', ratio, 'ratio');
  printTable(`ping-pong through l2-learning, 60 B, 1 worker; ${rounds} samples of ${seconds} s per case (µs)`,
    ['case', 'RTT median', 'RTT p99', 'k round trips/s', 'lost'], rows);
  ctx.log(`  interrupt/busy RTT median: ${fmt(ratio)}`);
  ctx.log('  lost: pkt-gen counts the round trip still in flight when -T ends as lost, one per sample');
  ctx.logLevels();
}

export const bench: Bench = {
  name: 'latency',
  summary: 'ping-pong RTT through l2-learning, interrupt and busy mode: median and p99 in µs',
  run,
};
