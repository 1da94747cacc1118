// veth-forwarding: frames from a generator namespace through a switch to
// a sink namespace over veths, mswitch's afxdp and afpacket ports against
// the bare veth pair, the Linux bridge and Open vSwitch's userspace
// datapath (issue 5, Benchmarks).
//
// How: [gen ns] g0 -veth- g1 [switch ns] s1 -veth- s0 [sink ns]
// (test/support/veth-topology.ts; the bare pair is g0 -veth- s0).  The
// generator is `mswitch-pkt-gen xdp-tx` on g0 pinned to CPU 0 (AF_XDP
// transmit, pkt_gen_xdp.h); the switch runs pinned to CPU 1 (mswitch in
// a process of its own, veth-switch.ts; ovs-vswitchd with its PMD mask on CPU 1; the bridge is kernel
// work wherever the frames are); the sink is `mswitch-pkt-gen xdp-rx` on
// s0 (our XDP program redirecting to AF_XDP sockets, frames checked per
// sequence number), unpinned.  A sample: the sink starts, the generator
// sends as fast as it can for a few seconds, the sink's rate (first to
// last frame) is the figure, and the switch process's CPU time over the
// sending is the switch CPU.  After a peer's samples, its CPU over a few
// seconds without traffic is its idle CPU.
// Peers run one after the other in each round, in reversed order every
// other round, and every case (64 B and 1514 B, 1 and 1000 flows) is
// measured while a peer is up; medians over the rounds.  The frames go
// to the sink's MAC, which no switch has learned (the sink never sends),
// so learning switches flood them, to the one other port.
//
// What the figures cannot separate on this machine: the kernel's veth
// work is done by whichever CPU transmits, so the generator's CPU also
// runs the switch's XDP program and copy-in, and the switch's CPU the
// sink's; the bridge's work is all kernel work on the generator's CPU.
// Two cores are shared with other jobs, so every rate moves with the load
// average recorded beside it.
import { spawnSync } from 'child_process';

import { netnsUnavailable } from '../support/netns';
import { VethTopology } from '../support/veth-topology';
import { Child, cpuSeconds, fmt, loadAverage, median, printTable, sleep, which } from './harness';
import type { Bench, BenchContext } from './harness';
import { pktGenPath } from './peers';
import type { PktGenSummary } from './peers';
import { ovsUnavailable, startBridge, startMswitchVeth, startOvs } from './veth-peers';
import type { Forwarder } from './veth-peers';

interface Case { label: string; len: number; flows: number }

const CASES: Case[] = [
  { label: '64 B, 1 flow', len: 64, flows: 1 },
  { label: '64 B, 1000 flows', len: 64, flows: 1000 },
  { label: '1514 B, 1 flow', len: 1514, flows: 1 },
  { label: '1514 B, 1000 flows', len: 1514, flows: 1000 },
];

// One started peer, and the variants it is measured in (OVS: NORMAL and
// explicit flows on one running vswitchd).
interface Peer {
  name: string;
  variants: string[];                 // full peer names, one per variant
  direct?: boolean;                   // bare veth: the direct topology
  start(ctx: BenchContext, e: VethTopology): Promise<Forwarder | undefined>;
  select?(f: Forwarder, variant: string): void;
}

interface Result { mpps: number; gbps: number; offered: number; loss: number; cpu: number; bad: number }

const PEERS: Peer[] = [
  { name: 'bare veth', variants: ['bare veth'], direct: true, start: async () => undefined },
  { name: 'linux bridge', variants: ['linux bridge'], start: async (_c, t) => startBridge(t.ends) },
  { name: 'mswitch afxdp', variants: ['mswitch afxdp'], start: async (_c, t) => startMswitchVeth(t.ends, 'afxdp') },
  { name: 'mswitch afpacket', variants: ['mswitch afpacket'], start: async (_c, t) => startMswitchVeth(t.ends, 'afpacket') },
  {
    name: 'ovs afxdp', variants: ['ovs afxdp NORMAL', 'ovs afxdp flows'],
    start: (c, t) => startOvs(`${c.tmp}/ovs-afxdp-${Date.now()}`, t.ends, 'afxdp'),
    select: (f, v) => f.setFlows!(v.endsWith('flows')),
  },
  {
    name: 'ovs afpacket', variants: ['ovs afpacket NORMAL', 'ovs afpacket flows'],
    start: (c, t) => startOvs(`${c.tmp}/ovs-afpacket-${Date.now()}`, t.ends, 'afpacket'),
    select: (f, v) => f.setFlows!(v.endsWith('flows')),
  },
];

function pktGen(name: string, ns: string, cpu: number | undefined, args: string[]): Child {
  const bin = pktGenPath()!;
  const cmd = cpu !== undefined && which('taskset') ? ['taskset', '-c', String(cpu), bin] : [bin];
  return Child.spawn(name, 'ip', ['netns', 'exec', ns, ...cmd, ...args, '--json']);
}

function summary(c: Child): PktGenSummary {
  const s = c.lastJson<PktGenSummary>();
  if (!s) throw new Error(`${c.name} printed no summary (${c.describeExit()}):\n${c.tail()}`);
  return s;
}

// One sample of 'k' through whatever forwards between 'genNs' and the sink.
async function sample(t: VethTopology, k: Case, seconds: number, pid: number | undefined): Promise<Result> {
  const e = t.ends;
  const sink = pktGen('xdp-rx sink', e.sinkNs, undefined, ['xdp-rx', '--ifname', e.sink]);
  try {
    await sink.waitFor(/^attached to /m, 10000);
    const gen = pktGen('xdp-tx generator', e.genNs, 0, ['xdp-tx', '--ifname', e.gen, '--len', String(k.len),
      '--flows', String(k.flows), '-T', String(seconds), '--src-mac', t.mac(e.genNs, e.gen), '--dst-mac', t.mac(e.sinkNs, e.sink)]);
    const cpu0 = pid ? cpuSeconds(pid) : NaN;
    const t0 = process.hrtime.bigint();
    await gen.finish((seconds + 15) * 1000);
    const cpu = pid ? (cpuSeconds(pid) - cpu0) / (Number(process.hrtime.bigint() - t0) / 1e9) : NaN;
    await sleep(300);
    await sink.stop('SIGINT');
    const tx = summary(gen);
    const rx = summary(sink);
    const sent = tx.tx?.packets ?? 0;
    const got = rx.rx?.packets ?? 0;
    return {
      mpps: (rx.rx?.pps ?? 0) / 1e6, gbps: rx.rx?.gbps ?? 0, offered: (tx.tx?.pps ?? 0) / 1e6,
      loss: sent ? 1 - got / sent : NaN, cpu,
      bad: (rx.rx?.bad_length ?? 0),
    };
  } finally {
    await sink.stop('SIGKILL', 1000);
  }
}

// The CPU a peer's process uses with no traffic, % of a core.
async function idleCpu(pid: number, seconds: number): Promise<number> {
  await sleep(500);
  const a = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  await sleep(seconds * 1000);
  return (100 * (cpuSeconds(pid) - a)) / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function unavailable(): string | undefined {
  const why = netnsUnavailable();
  if (why) return why;
  if (!pktGenPath()) return 'mswitch-pkt-gen is not built';
  if (spawnSync('ethtool', ['--version']).status !== 0) return 'ethtool is not installed';
  return undefined;
}

async function run(ctx: BenchContext): Promise<void> {
  const why = unavailable();
  if (why) throw new Error(`cannot run: ${why}`);
  const seconds = ctx.quick ? 1.5 : 3;
  const rounds = ctx.quick ? 1 : 3;
  const ovsWhy = ovsUnavailable();
  if (ovsWhy) ctx.log(`  peer absent: Open vSwitch (${ovsWhy})`);
  const peers = PEERS.filter((p) => !p.name.startsWith('ovs') || !ovsWhy);
  const results = new Map<string, Result[]>();      // `${variant}|${case}`
  const idle = new Map<string, number[]>();
  const loads: number[] = [];
  const direct = VethTopology.direct('d');
  const switched = VethTopology.switched('w');
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...peers].reverse() : peers;
      for (const p of order) {
        const topo = p.direct ? direct : switched;
        let fwd: Forwarder | undefined;
        try {
          fwd = await p.start(ctx, topo);
        } catch (e) {
          ctx.log(`  ${p.name}: did not start: ${(e as Error).message.split('\n').slice(0, 4).join(' | ')}`);
          continue;
        }
        try {
          for (const v of p.variants) {
            if (fwd && p.select) p.select(fwd, v);
            await sleep(300);
            for (const k of CASES) {
              loads.push(loadAverage());
              try {
                const r = await sample(topo, k, seconds, fwd?.pid);
                results.set(`${v}|${k.label}`, [...(results.get(`${v}|${k.label}`) ?? []), r]);
              } catch (e) {
                ctx.log(`  ${v} ${k.label}: sample failed: ${(e as Error).message.split('\n')[0]}`);
              }
            }
          }
          if (fwd?.pid) idle.set(p.name, [...(idle.get(p.name) ?? []), await idleCpu(fwd.pid, ctx.quick ? 2 : 4)]);
        } finally {
          await fwd?.stop();
        }
      }
    }
  } finally {
    direct.cleanup();
    switched.cleanup();
  }
  report(ctx, peers, results, idle, rounds, seconds, loads);
}

function report(ctx: BenchContext, peers: Peer[], results: Map<string, Result[]>, idle: Map<string, number[]>,
                rounds: number, seconds: number, loads: number[]): void {
  const variants = peers.flatMap((p) => p.variants);
  const med = (v: string, k: Case, f: (r: Result) => number): number => median((results.get(`${v}|${k.label}`) ?? []).map(f));
  const rate = (v: string, k: Case): number => med(v, k, (r) => r.mpps);
  for (const k of CASES) {
    const rows: string[][] = [];
    const bare = rate('bare veth', k);
    for (const v of variants) {
      const rs = results.get(`${v}|${k.label}`) ?? [];
      if (!rs.length) continue;
      const mpps = rate(v, k);
      const cpu = med(v, k, (r) => r.cpu);
      ctx.record(`${v} ${k.label}`, 'Mpps', mpps, 'Mpps');
      ctx.record(`${v} ${k.label}`, 'Gbit/s', med(v, k, (r) => r.gbps), 'Gbit/s');
      ctx.record(`${v} ${k.label}`, 'offered Mpps', med(v, k, (r) => r.offered), 'Mpps');
      ctx.record(`${v} ${k.label}`, 'loss', med(v, k, (r) => r.loss), 'ratio');
      ctx.record(`${v} ${k.label}`, 'switch CPU', 100 * cpu, '% of a core');
      ctx.record(`${v} ${k.label}`, 'samples', rs.length, 'count');
      ctx.record(`${v} ${k.label}`, '/bare veth', mpps / bare, 'ratio');
      const bad = rs.reduce((a, r) => a + r.bad, 0);
      if (bad) ctx.log(`  ${v} ${k.label}: the sink saw ${bad} frame(s) of a wrong length`);
      rows.push([v, `${fmt(mpps, 3)} [${fmt(Math.min(...rs.map((r) => r.mpps)), 3)}..${fmt(Math.max(...rs.map((r) => r.mpps)), 3)}]`,
        fmt(med(v, k, (r) => r.gbps), 2), fmt(med(v, k, (r) => r.offered), 3), `${fmt(100 * med(v, k, (r) => r.loss), 1)}%`,
        Number.isFinite(cpu) ? fmt(100 * cpu, 0) : '-', Number.isFinite(cpu) ? fmt(mpps / cpu, 3) : '-', fmt(mpps / bare, 2)]);
    }
    printTable(`${k.label}: generator -> veth -> switch -> veth -> sink; ${rounds} sample(s) of ${seconds} s per peer ` +
      '(median [min..max])',
    ['peer', 'Mpps', 'Gbit/s', 'offered Mpps', 'loss', 'switch CPU %', 'Mpps/switch core', '/bare veth'], rows);
  }

  // The targets, as ratios per case.
  const ratioRows: string[][] = [];
  const ratio = (a: string, b: string, k: Case): number => rate(a, k) / rate(b, k);
  for (const k of CASES) {
    const pairs: [string, string][] = [
      ['mswitch afxdp', 'ovs afxdp NORMAL'], ['mswitch afxdp', 'ovs afxdp flows'],
      ['mswitch afpacket', 'ovs afpacket NORMAL'], ['mswitch afpacket', 'ovs afpacket flows'],
      ['mswitch afxdp', 'linux bridge'], ['mswitch afpacket', 'linux bridge'],
    ];
    for (const [a, b] of pairs) {
      const r = ratio(a, b, k);
      if (!Number.isFinite(r)) continue;
      ctx.record(k.label, `${a}/${b}`, r, 'ratio');
      const target = b.startsWith('ovs afxdp') ? 1 : b.startsWith('ovs afpacket') ? 2 : NaN;
      ratioRows.push([k.label, `${a} / ${b}`, fmt(r, 2),
        Number.isFinite(target) ? `>= ${target}: ${r >= target ? 'met' : 'NOT met'}` : '']);
    }
  }
  printTable('ratios of the median rates (targets from issue 5)', ['case', 'ratio', 'value', 'target'], ratioRows);

  const idleRows: string[][] = [];
  for (const p of peers) {
    const xs = idle.get(p.name);
    if (!xs) continue;
    const v = median(xs);
    ctx.record(p.name, 'idle CPU', v, '% of a core');
    const target = p.name === 'mswitch afxdp' ? `< 1%: ${v < 1 ? 'met' : 'NOT met'}` : '';
    idleRows.push([p.name, fmt(v, 2), `${xs.length}`, target]);
  }
  printTable('switch process CPU with the ports attached and no traffic (% of a core, median)',
    ['peer', 'idle CPU %', 'samples', 'target'], idleRows);
  ctx.log(`  load average during the samples: median ${fmt(median(loads), 2)}, max ${fmt(Math.max(...loads), 2)} ` +
    '(2 CPUs shared with other jobs)');
}

export const bench: Bench = {
  name: 'veth-forwarding',
  summary: 'veth gen->switch->sink Mpps at 64/1514 B, 1/1000 flows: mswitch afxdp/afpacket vs bare veth, Linux bridge, OVS netdev',
  run,
};
