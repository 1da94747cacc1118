// openflow-control: the control plane over OpenFlow 1.3 - how fast a
// controller can install flows, how many packet-ins a switch delivers, how
// many packet-outs it takes and how long a barrier takes - for our daemon
// and for Open vSwitch in the same run (DESIGN.md "What is measured").
//
// How: each switch connects to a BenchController of ours (a unix socket,
// of-bench-switches.ts; the controller uses the agent's codec).
//   Flow-mod install rate.  On an empty flow table, N = 10 000 and 100 000
//   OFPT_FLOW_MOD adds (exact UDP 5-tuples, output:2), encoded beforehand,
//   are written back to back, then one BARRIER_REQUEST; the time is from
//   the first byte written to the BARRIER_REPLY.  An OFPMP_AGGREGATE
//   request then must count exactly N flows and no OFPT_ERROR may have
//   come back, else the sample fails.  Afterwards every flow is deleted
//   (and the count checked to be 0).
//   Packet-in rate.  One flow, priority 0, actions=CONTROLLER (whole
//   frame), and 60-byte frames offered to input ports for a few seconds.
//   The rate is packet-ins received / (first frame offered to last
//   packet-in received).  Frames the switch received come from
//   OFPMP_PORT_STATS (rx_packets of the input ports), so 'lost in switch'
//   = 1 - packet-ins / received is what the switch dropped between its
//   ports and the controller (ours: controller queue or session send
//   buffer full).  Offering:
//     mswitch  mswitch-pkt-gen tx on memif port 1: as fast as it goes
//              ("full"), and at the median rate OVS's ports received
//              ("matched"), so the two are also compared at equal load;
//     ovs      `netdev-dummy/receive` calls of 50 frames, one after the
//              other, round-robin over 8 dummy ports: the only way into a
//              dummy port, and its limit.  ovs-vswitchd's main thread
//              parses the hex, polls the ports (one frame per port per
//              loop; a port queues 100 and silently drops the rest, hence
//              'offered' far above 'port rx') and sends the packet-ins, so
//              OVS's rate is bounded by its injection path and its CPU
//              figure includes the injection.
//   Packet-out rate.  On an empty table, N = 100 000 (quick: 20 000)
//   OFPT_PACKET_OUTs (in_port CONTROLLER, OFP_NO_BUFFER, output:2, the
//   60-byte frame), encoded beforehand, back to back, then a barrier;
//   packet-outs/s from the first byte to the BARRIER_REPLY.  Delivery:
//   port 2's tx_packets delta right after the reply and once it stops
//   moving, and for ours what a memif client on port 2 received
//   (of-bench-packet-out.ts); an OFPT_ERROR fails the sample.
//   Round trips.  On the idle connection, 2 000 (quick: 1 000)
//   BARRIER_REQUESTs, each sent when the previous reply came: p50 and p99;
//   the same for ECHO_REQUEST.  More samples than rounds (they are short).
//   CPU: the switch process's user+system time over the offered or timed
//   window (ovs-vswitchd; for us the daemon, native workers and agent
//   together).
// Samples alternate the peers (A B, B A, ...), each between two
// cross-core probes (harness.ts); medians are reported.
//
// Figures: per N and switch, 'flows/s' and 'seconds', the switch's CPU;
// per offering, 'packet-ins/s', offered and received frames/s, loss in
// the switch, CPU; per switch, 'packet-outs/s', delivered, CPU; per
// request kind and switch, p50/p99/max µs and CPU µs per round trip; and
// the ratios mswitch/ovs (for times, under 1 is mswitch faster).
import { cpuSeconds, fmt, fmtSummary, median, printTable, sleep, summarize } from './harness';
import type { Bench, BenchContext, Sample } from './harness';
import { OFPP_ANY } from '../../controller-agent/src/openflow';
import type { OfMessage } from '../../controller-agent/src/openflow';
import { aggregateAll, barrier, deleteAll, flowCountOf, flowModAdds, packetOuts, tableMissToController } from './of-bench-messages';
import { packetOutOnce, pipelined, roundTripOnce } from './of-bench-packet-out';
import type { PacketOutResult, RoundTripResult } from './of-bench-packet-out';
import { startOurs, startOvs } from './of-bench-switches';
import type { BenchSwitch } from './of-bench-switches';

const SIZES = [10000, 100000];
const kPacketOuts = 100000;
const kPacketOutsQuick = 20000;
const kRoundTrips = 2000;
const kRoundTripsQuick = 1000;
// Round-trip samples per switch and request: a sample takes well under a
// second, and single samples move 3x with this VM's latency levels.
const kRoundTripSamples = 9;
const kRoundTripSamplesQuick = 3;

interface InstallResult { seconds: number; cpu: number }
interface PacketInResult { pinPerS: number; offeredPerS: number; rxPerS: number; lossInSwitch: number; cpu: number }

async function flowCount(sw: BenchSwitch): Promise<number> {
  return flowCountOf(await sw.ctl.request(aggregateAll()));
}

// Deletes every flow and checks the table is empty.
async function clearFlows(sw: BenchSwitch): Promise<void> {
  sw.ctl.send(deleteAll());
  await sw.ctl.request(barrier(), 120000).catch((e: Error) => { throw new Error(`${sw.name}: delete all flows: ${e.message}`); });
  const left = await flowCount(sw);
  if (left !== 0) throw new Error(`${sw.name}: ${left} flows left after deleting every flow`);
}

async function installOnce(sw: BenchSwitch, chunks: Buffer[], n: number): Promise<InstallResult> {
  await clearFlows(sw);
  const errors = sw.ctl.errors.length;
  const { seconds, cpu } = await pipelined(sw, chunks);
  if (sw.ctl.errors.length > errors) {
    throw new Error(`${sw.name}: ${sw.ctl.errors.length - errors} error(s) for the flow mods, first: ${sw.ctl.errors[errors]}`);
  }
  const held = await flowCount(sw);
  if (held !== n) throw new Error(`${sw.name}: ${held} flows installed after ${n} adds and a barrier`);
  return { seconds, cpu };
}

// rx_packets summed over the switch's input ports (OFPMP_PORT_STATS).
async function portRx(sw: BenchSwitch): Promise<number> {
  const reply: OfMessage[] = await sw.ctl.request({ version: 4, xid: 0, type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType: 'OFPMP_PORT_STATS', portNo: OFPP_ANY });
  let sum = 0;
  const seen = new Set<number>();
  for (const m of reply) {
    if (m.type !== 'OFPT_MULTIPART_REPLY' || m.mpType !== 'OFPMP_PORT_STATS') continue;
    for (const p of m.ports) {
      if (!sw.inPorts.includes(p.portNo)) continue;
      sum += Number(p.rxPackets);
      seen.add(p.portNo);
    }
  }
  if (seen.size !== sw.inPorts.length) throw new Error(`${sw.name}: port stats for ${[...seen].join(',')}, not ${sw.inPorts.join(',')}`);
  return sum;
}

// Waits until no packet-in arrived for 'quietMs' (at most 'maxMs').
async function drain(sw: BenchSwitch, quietMs: number, maxMs: number): Promise<void> {
  const t0 = Date.now();
  let last = sw.ctl.packetIns.count;
  let since = Date.now();
  while (Date.now() - t0 < maxMs) {
    await sleep(50);
    const now = sw.ctl.packetIns.count;
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
}

async function packetInOnce(sw: BenchSwitch, seconds: number, pps?: number): Promise<PacketInResult> {
  const pin = sw.ctl.packetIns;
  const errors = sw.ctl.errors.length;
  const rx0 = await portRx(sw);
  const c0 = pin.count;
  const cpu0 = cpuSeconds(sw.pid);
  const t0 = process.hrtime.bigint();
  const offered = await sw.offer(seconds, pps);
  const cpu = (cpuSeconds(sw.pid) - cpu0) / (Number(process.hrtime.bigint() - t0) / 1e9);
  await drain(sw, 500, 15000);
  const got = pin.count - c0;
  const rx = (await portRx(sw)) - rx0;
  if (sw.ctl.errors.length > errors) throw new Error(`${sw.name}: ${sw.ctl.errors.slice(errors).join('; ')}`);
  if (got === 0) throw new Error(`${sw.name}: no packet-in for ${offered.frames} frames offered`);
  const span = Number(pin.lastAtNs - t0) / 1e9;
  return {
    pinPerS: got / span,
    offeredPerS: offered.frames / offered.seconds,
    rxPerS: rx / offered.seconds,
    lossInSwitch: rx > 0 ? 1 - got / rx : NaN,
    cpu,
  };
}

type Case = string;   // "install 10000", "packet-in full", "packet-out", "barrier", ...
type Result = InstallResult | PacketInResult | PacketOutResult | RoundTripResult;

async function run(ctx: BenchContext): Promise<void> {
  const rounds = ctx.quick ? 1 : 3;
  const seconds = ctx.quick ? 1.5 : 4;
  const packetOutN = ctx.quick ? kPacketOutsQuick : kPacketOuts;
  const trips = ctx.quick ? kRoundTripsQuick : kRoundTrips;
  const tripSamples = ctx.quick ? kRoundTripSamplesQuick : kRoundTripSamples;
  const switches: BenchSwitch[] = [];
  try {
    switches.push(await startOurs(ctx.tmp));
    try {
      switches.push(await startOvs());
    } catch (e) {
      ctx.log(`  Open vSwitch not measured: ${(e as Error).message.split('\n')[0]}; no ratios`);
    }
    const samples = new Map<string, Sample[]>();            // `${switch} ${case}`
    const details = new Map<string, Result[]>();
    const take = async <T extends Result>(sw: BenchSwitch, kase: Case, fn: () => Promise<T>,
      headline: (r: T) => number): Promise<T | undefined> => {
      const key = `${sw.name} ${kase}`;
      try {
        let r: T | undefined;
        const s = await ctx.sample(async () => {
          r = await fn();
          return headline(r);
        });
        samples.set(key, [...(samples.get(key) ?? []), s]);
        details.set(key, [...(details.get(key) ?? []), r!]);
        return r;
      } catch (e) {
        ctx.log(`  ${key}: sample failed: ${(e as Error).message}`);
        return undefined;
      }
    };

    // Flow mods, A B / B A.
    const encoded = new Map(SIZES.map((n) => [n, flowModAdds(n, 0x100000)]));
    for (let round = 0; round < rounds; round++) {
      for (const n of SIZES) {
        const order = round % 2 ? [...switches].reverse() : switches;
        for (const sw of order) {
          await take(sw, `install ${n}`, () => installOnce(sw, encoded.get(n)!, n), (r) => n / r.seconds);
        }
      }
    }
    encoded.clear();

    // Packet-ins: the table-miss flow on both.
    for (const sw of switches) {
      await clearFlows(sw);
      sw.ctl.send(tableMissToController());
      await sw.ctl.request(barrier());
      const n = await flowCount(sw);
      if (n !== 1) throw new Error(`${sw.name}: ${n} flows after installing the table-miss flow alone`);
    }
    const ours = switches[0];
    const ovs = switches.find((s) => s.name === 'ovs');
    const ovsOffered: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const steps: (() => Promise<unknown>)[] = [
        () => take(ours, 'packet-in full', () => packetInOnce(ours, seconds), (r) => r.pinPerS),
      ];
      if (ovs) {
        steps.push(async () => {
          const r = await take(ovs, 'packet-in', () => packetInOnce(ovs, seconds), (x) => x.pinPerS);
          if (r) ovsOffered.push(r.rxPerS);
          if (ovsOffered.length) {
            await take(ours, 'packet-in matched', () => packetInOnce(ours, seconds, median(ovsOffered)), (x) => x.pinPerS);
          }
        });
      }
      if (round % 2) steps.reverse();
      for (const s of steps) await s();
    }

    // Packet-outs and round trips on an empty table, A B / B A.
    for (const sw of switches) await clearFlows(sw);
    const outs = packetOuts(packetOutN, 0x200000);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...switches].reverse() : switches;
      for (const sw of order) await take(sw, 'packet-out', () => packetOutOnce(sw, outs, packetOutN), (r) => r.perS);
    }
    for (let round = 0; round < tripSamples; round++) {
      const order = round % 2 ? [...switches].reverse() : switches;
      for (const kind of ['barrier', 'echo'] as const) {
        for (const sw of order) await take(sw, kind, () => roundTripOnce(sw, kind, trips), (r) => r.p50Us);
      }
    }
    report(ctx, samples, details, rounds, seconds, ovs !== undefined);
    reportControllerToSwitch(ctx, samples, details, { rounds, packetOuts: packetOutN, trips, tripSamples }, ovs !== undefined);
  } finally {
    for (const sw of switches) await sw.stop().catch(() => undefined);
  }
}

function report(ctx: BenchContext, samples: Map<string, Sample[]>, details: Map<string, Result[]>,
                rounds: number, seconds: number, withOvs: boolean): void {
  const fastest = ctx.fastestProbe();
  const sum = (key: string) => summarize(samples.get(key) ?? [], fastest);
  const cpuOf = (key: string): number => median(((details.get(key) ?? []) as InstallResult[]).map((d) => d.cpu));

  const rows: string[][] = [];
  for (const n of SIZES) {
    const k = `install ${n}`;
    const ms = sum(`mswitch ${k}`);
    const ov = sum(`ovs ${k}`);
    for (const [name, s] of [['mswitch', ms], ['ovs', ov]] as const) {
      if (!s.n) continue;
      ctx.recordSummary(`${name} ${k}`, 'flows/s', s, 'flows/s');
      ctx.record(`${name} ${k}`, 'seconds', n / s.median, 's');
      ctx.record(`${name} ${k}`, 'switch CPU', 100 * cpuOf(`${name} ${k}`), '% of a core');
    }
    ctx.record(k, 'mswitch/ovs', ms.median / ov.median, 'ratio');
    rows.push([n.toLocaleString('en'), fmtSummary(ms, 0), fmt(n / ms.median, 3), fmt(100 * cpuOf(`mswitch ${k}`), 0),
      withOvs ? fmtSummary(ov, 0) : 'absent', fmt(n / ov.median, 3), fmt(100 * cpuOf(`ovs ${k}`), 0), fmt(ms.median / ov.median)]);
  }
  printTable(`flow-mod install over OpenFlow 1.3 (unix socket): N exact 5-tuple adds pipelined, then a barrier; ` +
    `${rounds} samples per switch and N (flows/s: median [min..max] n=samples, flags; CPU: switch process, % of a core)`,
  ['N', 'mswitch flows/s', 's', 'CPU %', 'ovs flows/s', 's', 'CPU %', 'msw/ovs'], rows);

  const pinRows: string[][] = [];
  const cases: [string, string][] = [['mswitch', 'packet-in full'], ['mswitch', 'packet-in matched'], ['ovs', 'packet-in']];
  for (const [name, k] of cases) {
    const s = sum(`${name} ${k}`);
    if (!s.n) continue;
    const d = (details.get(`${name} ${k}`) ?? []) as PacketInResult[];
    const m = (f: (r: PacketInResult) => number): number => median(d.map(f));
    const kase = `${name} ${k}`;
    ctx.recordSummary(kase, 'packet-ins/s', s, 'packet-ins/s');
    ctx.record(kase, 'offered frames/s', m((r) => r.offeredPerS), 'frames/s');
    ctx.record(kase, 'received frames/s', m((r) => r.rxPerS), 'frames/s');
    ctx.record(kase, 'loss in switch', m((r) => r.lossInSwitch), 'ratio');
    ctx.record(kase, 'switch CPU', 100 * m((r) => r.cpu), '% of a core');
    ctx.record(kase, 'packet-ins per switch core', m((r) => r.pinPerS / r.cpu), 'packet-ins/s/core');
    pinRows.push([kase, fmtSummary(s, 0), fmt(m((r) => r.offeredPerS), 0), fmt(m((r) => r.rxPerS), 0),
      `${fmt(100 * m((r) => r.lossInSwitch), 1)}%`, fmt(100 * m((r) => r.cpu), 0), fmt(m((r) => r.pinPerS / r.cpu), 0)]);
  }
  printTable(`packet-in: table-miss flow actions=CONTROLLER, 60 B frames offered to port 1 for ${seconds} s; ${rounds} samples ` +
    '(packet-ins/s at the controller: median [min..max]; loss in switch = 1 - packet-ins / frames the port received)',
  ['switch, offering', 'packet-ins/s', 'offered/s', 'port rx/s', 'loss in switch', 'CPU %', 'packet-ins per core'], pinRows);

  const ov = sum('ovs packet-in');
  const full = sum('mswitch packet-in full');
  const matched = sum('mswitch packet-in matched');
  ctx.record('packet-in', 'mswitch full/ovs', full.median / ov.median, 'ratio');
  ctx.record('packet-in', 'mswitch matched/ovs', matched.median / ov.median, 'ratio');
  const perCore = (key: string): number => median(((details.get(key) ?? []) as PacketInResult[]).map((r) => r.pinPerS / r.cpu));
  ctx.record('packet-in', 'mswitch matched/ovs per core', perCore('mswitch packet-in matched') / perCore('ovs packet-in'), 'ratio');
  if (withOvs) {
    ctx.log(`  packet-in ratios mswitch/ovs: full offering ${fmt(full.median / ov.median)}, at OVS's offered rate ` +
      `${fmt(matched.median / ov.median)} (per switch core ${fmt(perCore('mswitch packet-in matched') / perCore('ovs packet-in'))}); ` +
      'OVS is bounded by its injection path (netdev-dummy/receive), see the offered column');
  }
}

// The packet-out and round-trip tables, and their ratios mswitch/ovs.
function reportControllerToSwitch(ctx: BenchContext, samples: Map<string, Sample[]>, details: Map<string, Result[]>,
                                  counts: { rounds: number; packetOuts: number; trips: number; tripSamples: number }, withOvs: boolean): void {
  const { rounds, trips, tripSamples } = counts;
  const n = counts.packetOuts;
  const fastest = ctx.fastestProbe();
  const sum = (key: string) => summarize(samples.get(key) ?? [], fastest);
  const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');

  const poRows: string[][] = [];
  for (const name of ['mswitch', 'ovs']) {
    const kase = `${name} packet-out`;
    const s = sum(kase);
    if (!s.n) continue;
    const d = (details.get(kase) ?? []) as PacketOutResult[];
    const m = (f: (r: PacketOutResult) => number): number => median(d.map(f));
    ctx.recordSummary(kase, 'packet-outs/s', s, 'packet-outs/s');
    ctx.record(kase, 'seconds', m((r) => r.seconds), 's');
    ctx.record(kase, 'delivered at barrier', m((r) => r.atBarrier), 'ratio');
    ctx.record(kase, 'delivered', m((r) => r.delivered), 'ratio');
    ctx.record(kase, 'received by port 2 client', m((r) => r.clientRx), 'ratio');
    ctx.record(kase, 'tx dropped', m((r) => r.txDropped), 'frames');
    ctx.record(kase, 'switch CPU', 100 * m((r) => r.cpu), '% of a core');
    poRows.push([name, fmtSummary(s, 0), fmt(m((r) => r.seconds), 3), pct(m((r) => r.atBarrier)), pct(m((r) => r.delivered)),
      pct(m((r) => r.clientRx)), fmt(m((r) => r.txDropped), 0), fmt(100 * m((r) => r.cpu), 0)]);
  }
  const po = sum('mswitch packet-out').median / sum('ovs packet-out').median;
  ctx.record('packet-out', 'mswitch/ovs', po, 'ratio');
  printTable(`packet-out: ${n.toLocaleString('en')} OFPT_PACKET_OUT (in_port CONTROLLER, no buffer, output:2, 60 B frame) ` +
    `pipelined, then a barrier; ${rounds} samples per switch (packet-outs/s from first byte to BARRIER_REPLY: median ` +
    '[min..max]; delivered = port 2 tx_packets delta / N right after the reply and once settled; client = frames a memif ' +
    'client on port 2 received / N)',
  ['switch', 'packet-outs/s', 's', 'tx at barrier', 'tx settled', 'client rx', 'tx dropped', 'CPU %'], poRows);
  if (withOvs) ctx.log(`  packet-out ratio mswitch/ovs: ${fmt(po)}`);

  const rtRows: string[][] = [];
  const ratios: string[] = [];
  for (const kind of ['barrier', 'echo']) {
    for (const name of ['mswitch', 'ovs']) {
      const kase = `${name} ${kind}`;
      const s = sum(kase);
      if (!s.n) continue;
      const d = (details.get(kase) ?? []) as RoundTripResult[];
      const m = (f: (r: RoundTripResult) => number): number => median(d.map(f));
      ctx.recordSummary(kase, 'p50 round trip', s, 'µs');
      ctx.record(kase, 'p99 round trip', m((r) => r.p99Us), 'µs');
      ctx.record(kase, 'max round trip', m((r) => r.maxUs), 'µs');
      ctx.record(kase, 'switch CPU per round trip', m((r) => r.cpuUsPerTrip), 'µs');
      rtRows.push([kase, fmtSummary(s, 1), fmt(m((r) => r.p99Us), 1), fmt(m((r) => r.maxUs), 0), fmt(m((r) => r.cpuUsPerTrip), 1)]);
    }
    // A time, so unlike the rates here a ratio under 1 is mswitch ahead.
    const p99Of = (key: string): number => median(((details.get(key) ?? []) as RoundTripResult[]).map((r) => r.p99Us));
    const p50 = sum(`mswitch ${kind}`).median / sum(`ovs ${kind}`).median;
    const p99 = p99Of(`mswitch ${kind}`) / p99Of(`ovs ${kind}`);
    ctx.record(kind, 'mswitch/ovs p50', p50, 'ratio');
    ctx.record(kind, 'mswitch/ovs p99', p99, 'ratio');
    ratios.push(`${kind} p50 ${fmt(p50)}, p99 ${fmt(p99)}`);
  }
  printTable(`round trip on an idle connection: ${trips.toLocaleString('en')} requests, each sent when the previous reply ` +
    `came; ${tripSamples} samples per switch (p50 µs: median [min..max] over samples; p99, max: medians; ` +
    'CPU: switch process time per round trip)',
  ['switch, request', 'p50 µs', 'p99 µs', 'max µs', 'CPU µs/trip'], rtRows);
  if (withOvs) ctx.log(`  round-trip time ratios mswitch/ovs (under 1: mswitch faster): ${ratios.join('; ')}`);
  ctx.logLevels();
}

export const bench: Bench = {
  name: 'openflow-control',
  summary: 'OpenFlow 1.3 flow-mod install rate (10k, 100k pipelined adds + barrier), packet-in rate, packet-out rate, ' +
    'barrier and echo round trip; vs Open vSwitch',
  run,
};
