// flow-install: how fast the `openflow` logic takes 100 000 flows
// (issue 3's target: under 1 s).
//
// Two paths, each on an empty flow table every time, 3 times (1 with
// --quick), medians:
//   native      mswitch-logic-bench install: 100 000 exact 5-tuple `add`
//               lines of the logic's control text, prebuilt, sent through
//               Switch::LogicControl in calls of 1 024, 10 000 and 100 000
//               lines; the time is the calls' alone.  Afterwards one frame
//               per flow goes through the fabric and all must reach the
//               sink (test/bench/native/logic_bench.cc).
//   typescript  the same flows as ovs-ofctl strings
//               (`priority=100,udp,nw_src=...,actions=output:2`) parsed by
//               ovs-compat/src/flow-parser.ts, turned into native lines by
//               to-native.ts, cut by nativeBatches() and sent through the
//               addon's logicControl: what `mswitch add-flows` costs.
//               Parsing, translating and installing are timed apart.
//   of13        the same flows as OpenFlow 1.3 OFPT_FLOW_MODs (encoded
//               beforehand) sent as `of13 HEX` lines in calls of 1 024
//               messages, hex encoding included: what the OpenFlow agent
//               does with a controller's FLOW_MODs (the logic decodes them).
// All check that the logic then holds exactly 100 000 flows.
import { performance } from 'perf_hooks';

import { fmt, median, printTable } from './harness';
import type { Bench, BenchContext } from './harness';
import { FigureIndex, nativeExe, runNative } from './native-exe';

const FLOWS = 100000;
const NATIVE_BATCHES = [1024, 10000, 100000];
const TARGET_S = 1;

// The same flows as logic_traffic.cc's exact set, in ovs-ofctl syntax.
function ofctlFlows(n: number): string[] {
  const ip = (x: number): string => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.');
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`priority=100,udp,nw_src=${ip(0x0a000000 + i)},nw_dst=${ip(0xac100000 + (i % 251))},` +
      `tp_src=${1024 + (i % 50000)},tp_dst=${5000 + Math.floor(i / 50000)},actions=output:2`);
  }
  return out;
}

// How many flows the logic holds: table_stats' active= over every table.
function flowsHeld(tableStats: string): number {
  return [...tableStats.matchAll(/\bactive=(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
}

// 'cpu' is the process's user+system time over the three stages: the
// native install runs on this thread and the switch's worker sleeps, so
// it is about what the path would take on an idle machine (the garbage
// collector's threads count too).
interface TsRun { parse: number; translate: number; install: number; cpu: number; batches: number }

// The target on wall time and, since this machine is shared (CPU share
// often under 50% in a run), on the CPU time the install really used.
function verdict(wall: number, cpu: number): string {
  const v = (x: number): string => (!Number.isFinite(x) ? '-' : x < TARGET_S ? 'met' : 'MISSED');
  return `wall ${v(wall)}, CPU ${v(cpu)}`;
}

async function typescriptPath(ctx: BenchContext, reps: number): Promise<TsRun[]> {
  // Loaded here, not at the top: a missing addon or translator must only
  // cost this path, not the whole bench runner.
  const { parseFlow } = await import('../../ovs-compat/src/flow-parser');
  const { flowModLine, nativeBatches } = await import('../../ovs-compat/src/to-native');
  const { Switch } = await import('../../controller-agent/src/datapath');
  const text = ofctlFlows(FLOWS);
  const runs: TsRun[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const sw = new Switch({ name: `finstall${rep}`, logic: 'openflow' });
    try {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const flows = text.map((t) => parseFlow(t));
      const t1 = performance.now();
      const batches = nativeBatches(flows.map((flow) => flowModLine({ command: 'add', flow })));
      const t2 = performance.now();
      for (const b of batches) sw.logicControl(b.join('\n'));
      const t3 = performance.now();
      const c = process.cpuUsage(c0);
      const held = flowsHeld(sw.logicControl('table_stats'));
      if (held !== FLOWS) throw new Error(`typescript path: the logic holds ${held} flows, not ${FLOWS}`);
      runs.push({ parse: (t1 - t0) / 1e3, translate: (t2 - t1) / 1e3, install: (t3 - t2) / 1e3,
        cpu: (c.user + c.system) / 1e6, batches: batches.length });
      ctx.log(`  | typescript rep ${rep + 1}: parse ${fmt(runs[rep].parse, 3)} s, translate ${fmt(runs[rep].translate, 3)} s, ` +
        `install ${fmt(runs[rep].install, 3)} s in ${batches.length} calls`);
    } finally {
      sw.close();
    }
  }
  return runs;
}

// The agent's batch (session.ts FLOW_MOD_BATCH).
const OF13_BATCH = 1024;

// Seconds and CPU seconds per rep of the of13 path.
async function of13Path(reps: number): Promise<{ seconds: number; cpu: number }[]> {
  const { encodeMessage, OFP_NO_BUFFER, OFP_VERSION_1_3 } = await import('../../controller-agent/src/openflow');
  const { Switch } = await import('../../controller-agent/src/datapath');
  const exact = (field: string, value: number, bits: number) => ({ field, value: BigInt(value), mask: (1n << BigInt(bits)) - 1n });
  const raws: Buffer[] = [];
  for (let i = 0; i < FLOWS; i++) {
    raws.push(encodeMessage({
      version: OFP_VERSION_1_3, xid: i + 1, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 100, cookie: 0n,
      cookieMask: 0n, idleTimeout: 0, hardTimeout: 0, bufferId: OFP_NO_BUFFER, outPort: 0xffffffff, outGroup: 0xffffffff, flags: [],
      match: [exact('eth_type', 0x0800, 16), exact('ip_proto', 17, 8), exact('ipv4_src', (0x0a000000 + i) >>> 0, 32),
        exact('ipv4_dst', (0xac100000 + (i % 251)) >>> 0, 32), exact('udp_src', 1024 + (i % 50000), 16),
        exact('udp_dst', 5000 + Math.floor(i / 50000), 16)],
      instructions: { apply: [{ type: 'output', port: 2 }], clearActions: false },
    }));
  }
  const runs: { seconds: number; cpu: number }[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const sw = new Switch({ name: `of13install${rep}`, logic: 'openflow' });
    try {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let at = 0; at < FLOWS; at += OF13_BATCH) {
        let text = '';
        for (let k = at; k < Math.min(FLOWS, at + OF13_BATCH); k++) text += `${k === at ? '' : '\n'}of13 ${raws[k].toString('hex')}`;
        sw.logicControl(text);
      }
      const seconds = (performance.now() - t0) / 1e3;
      const c = process.cpuUsage(c0);
      const held = flowsHeld(sw.logicControl('table_stats'));
      if (held !== FLOWS) throw new Error(`of13 path: the logic holds ${held} flows, not ${FLOWS}`);
      runs.push({ seconds, cpu: (c.user + c.system) / 1e6 });
    } finally {
      sw.close();
    }
  }
  return runs;
}

async function run(ctx: BenchContext): Promise<void> {
  const reps = ctx.quick ? 1 : 3;
  const exe = nativeExe('mswitch-logic-bench');
  const figs = await runNative(ctx, exe, ['install', '--flows', String(FLOWS), '--reps', String(reps),
    '--install-batch', NATIVE_BATCHES.join(',')], (120 + 60 * reps * NATIVE_BATCHES.length) * 1000);
  const f = new FigureIndex(figs);
  const rows = NATIVE_BATCHES.map((b) => {
    const k = `exact/${FLOWS}/batch${b}`;
    const s = f.get(k, 'seconds');
    return [`native, ${b} lines per call (${fmt(f.get(k, 'calls'), 0)} calls)`,
      `${fmt(s, 3)} [${fmt(f.get(k, 'seconds min'), 3)}..${fmt(f.get(k, 'seconds max'), 3)}]`,
      fmt(f.get(k, 'CPU seconds'), 3), fmt(f.get(k, 'flows/s'), 0), verdict(s, f.get(k, 'CPU seconds'))];
  });

  try {
    const ts = await typescriptPath(ctx, reps);
    const p = median(ts.map((r) => r.parse)), t = median(ts.map((r) => r.translate));
    const i = median(ts.map((r) => r.install)), total = median(ts.map((r) => r.parse + r.translate + r.install));
    const cpu = median(ts.map((r) => r.cpu));
    ctx.record('typescript', 'parse seconds', p, 's');
    ctx.record('typescript', 'translate seconds', t, 's');
    ctx.record('typescript', 'install seconds', i, 's');
    ctx.record('typescript', 'seconds', total, 's');
    ctx.record('typescript', 'flows/s', FLOWS / total, 'flows/s');
    rows.push([`typescript: ovs-ofctl text -> to-native -> logicControl (${ts[0].batches} calls)`,
      `${fmt(total, 3)} (parse ${fmt(p, 2)}, translate ${fmt(t, 2)}, install ${fmt(i, 2)})`, fmt(cpu, 3),
      fmt(FLOWS / total, 0), verdict(total, cpu)]);
    ctx.record('typescript', 'CPU seconds', cpu, 's');
  } catch (e) {
    ctx.log(`  typescript path did not complete: ${(e as Error).message}`);
  }
  try {
    const o = await of13Path(reps);
    const s = median(o.map((r) => r.seconds)), cpu = median(o.map((r) => r.cpu));
    ctx.record('of13', 'seconds', s, 's');
    ctx.record('of13', 'CPU seconds', cpu, 's');
    ctx.record('of13', 'flows/s', FLOWS / s, 'flows/s');
    rows.push([`of13: OpenFlow 1.3 FLOW_MODs as of13 lines, ${OF13_BATCH} per call (${Math.ceil(FLOWS / OF13_BATCH)} calls)`,
      `${fmt(s, 3)} [${fmt(Math.min(...o.map((r) => r.seconds)), 3)}..${fmt(Math.max(...o.map((r) => r.seconds)), 3)}]`,
      fmt(cpu, 3), fmt(FLOWS / s, 0), verdict(s, cpu)]);
  } catch (e) {
    ctx.log(`  of13 path did not complete: ${(e as Error).message}`);
  }
  printTable(`installing ${FLOWS.toLocaleString('en')} exact 5-tuple flows into an empty openflow table ` +
    `(median of ${reps}; wall seconds, flows/s over wall time; target < ${TARGET_S} s)`,
  ['path', 'seconds [min..max]', 'CPU s', 'flows/s', 'target < 1 s'], rows);
}

export const bench: Bench = {
  name: 'flow-install',
  summary: 'openflow logic: 100 000 flows installed natively, through the TypeScript translator and as OpenFlow 1.3 FLOW_MODs (flows/s)',
  run,
};
