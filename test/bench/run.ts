// `npm run bench -- [NAME...] [--quick] [--json FILE]`: runs all or the
// named benchmarks one after the other, prints each one's tables and
// ratios, and with --json writes every figure of the run as one JSON array
// of {bench, case, metric, value, unit}.
//
// Benchmarks are measurements, never pass/fail: one that cannot run (a
// missing executable, a peer that is not installed) says why and the run
// goes on; the exit code is non-zero only for a bad command line.  Each
// benchmark gets its own temp directory under /tmp and, whatever happens,
// its children are killed (by pid) and the directory removed before the
// next one starts.
import { mkdirSync, writeFileSync } from 'fs';
import { cpus } from 'os';
import { join } from 'path';

import { bench as density } from './density';
import { bench as flowInstall } from './flow-install';
import { BenchContext, killAll, loadAverage, makeTemp, removeTemp } from './harness';
import type { Bench, Figure } from './harness';
import { bench as idleCpu } from './idle-cpu';
import { bench as incast } from './incast';
import { bench as latency } from './latency';
import { bench as logicThroughput } from './logic-throughput';
import { bench as memifThroughput } from './memif-throughput';
import { bench as openflowControl } from './openflow-control';
import { bench as vethForwarding } from './veth-forwarding';

// In the order a full run takes them.
const BENCHES: Bench[] = [memifThroughput, latency, incast, idleCpu, density, logicThroughput, flowInstall, openflowControl, vethForwarding];

interface Args { names: string[]; quick: boolean; json?: string }

function usage(): string {
  return 'usage: npm run bench -- [NAME...] [--quick] [--json FILE]\n' +
    BENCHES.map((b) => `  ${b.name.padEnd(18)} ${b.summary}`).join('\n') + '\n';
}

function parseArgs(argv: string[]): Args {
  const a: Args = { names: [], quick: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--quick') a.quick = true;
    else if (x === '--json') {
      if (i + 1 >= argv.length) throw new Error('--json needs a file name');
      a.json = argv[++i];
    } else if (x.startsWith('--json=')) a.json = x.slice(7);
    else if (x === '--help' || x === '-h') {
      process.stdout.write(usage());
      process.exit(0);
    } else if (x.startsWith('-')) throw new Error(`unknown option ${x}`);
    else if (!BENCHES.some((b) => b.name === x)) throw new Error(`no benchmark named ${x}`);
    else a.names.push(x);
  }
  return a;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n${usage()}`);
    return 2;
  }
  const chosen = args.names.length ? BENCHES.filter((b) => args.names.includes(b.name)) : BENCHES;
  const root = makeTemp('mswitch-bench-');
  // Children die with us on ^C.
  const onSignal = (): void => {
    void killAll().then(() => {
      removeTemp(root);
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const figures: Figure[] = [];
  const t0 = Date.now();
  process.stdout.write(`mswitch benchmarks${args.quick ? ' (quick)' : ''}: ${chosen.map((b) => b.name).join(', ')}\n`);
  try {
    // The probe's fast level, from a few probes before anything runs.
    const calibration = join(root, 'calibration');
    mkdirSync(calibration, { recursive: true });
    await new BenchContext('calibration', args.quick, calibration).calibrate(8, 150);
    for (const b of chosen) {
      const tmp = join(root, b.name);
      mkdirSync(tmp, { recursive: true });
      const ctx = new BenchContext(b.name, args.quick, tmp);
      const started = Date.now();
      const load = loadAverage();
      ctx.record('machine', 'load average before', load, 'runnable');
      process.stdout.write(`\n=== ${b.name}: ${b.summary} (load average ${load.toFixed(2)} on ${cpus().length} CPUs)\n`);
      try {
        await b.run(ctx);
      } catch (e) {
        process.stdout.write(`  ${b.name} did not complete: ${(e as Error).message}\n`);
      } finally {
        await killAll();
        figures.push(...ctx.figures);
      }
      process.stdout.write(`  (${b.name}: ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  } finally {
    await killAll();
    removeTemp(root);
  }
  process.stdout.write(`\n${figures.length} figures in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  if (args.json) {
    writeFileSync(args.json, `[\n${figures.map((f) => JSON.stringify(f)).join(',\n')}\n]\n`);
    process.stdout.write(`figures written to ${args.json}\n`);
  }
  return 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
