// What every benchmark shares: the figures it records, the child
// processes it starts, the cross-core probe that says on which latency
// level of this VM a sample landed, and the tables it prints.
//
// Figures.  A benchmark records {bench, case, metric, value, unit}; ratios
// are figures of their own (unit "ratio").  run.ts prints them and, with
// --json, writes them all as one array.
//
// Children.  Every process a benchmark starts goes through Child.spawn and
// is remembered until it exits; killAll() (run.ts calls it after each
// benchmark, in a finally block, and on SIGINT) kills the survivors by
// pid.  Nothing here kills by name.
//
// Levels.  This VM's cross-core latency flips between two levels every
// few seconds to minutes, and every shared-memory rate moves 2-10x with
// it.  Each sample is taken between two probes (bench-helper probe: a
// cache line bounced between CPUs 0 and 1); once a benchmark's samples are
// in, a sample whose probes both read over kSlowFactor times the fastest
// probe of the run landed on the slow level, one with a single slow probe
// straddled a flip, and one with a probe over kBusyFactor times the
// fastest ran while other work held the CPUs.  Benchmarks interleave the peers (A B A B ...) so both
// see both levels, report medians, and say how many samples were slow.
import { spawn, spawnSync } from 'child_process';
import type { ChildProcess } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { dirname, join } from 'path';

export interface Figure {
  bench: string;
  case: string;
  metric: string;
  value: number;
  unit: string;
}

// One benchmark: a file of its own under test/bench/, listed in run.ts.
export interface Bench {
  name: string;
  summary: string;
  run(ctx: BenchContext): Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// Statistics

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---------------------------------------------------------------------------
// Child processes

export interface ExitStatus { code: number | null; signal: NodeJS.Signals | null }

const live = new Set<Child>();

export class Child {
  stdout = '';
  stderr = '';
  exit: ExitStatus | undefined;
  readonly exited: Promise<ExitStatus>;
  private readonly proc: ChildProcess;

  private constructor(readonly name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
    this.proc = spawn(cmd, args, { env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(this);
    // Keep the last 1 MiB of each stream: enough for any summary line.
    const keep = (s: string): string => (s.length > 1 << 20 ? s.slice(-(1 << 19)) : s);
    this.proc.stdout!.on('data', (d: Buffer) => { this.stdout = keep(this.stdout + d.toString()); });
    this.proc.stderr!.on('data', (d: Buffer) => { this.stderr = keep(this.stderr + d.toString()); });
    this.exited = new Promise((resolve) => {
      const done = (status: ExitStatus): void => {
        if (this.exit) return;
        this.exit = status;
        live.delete(this);
        resolve(status);
      };
      this.proc.on('exit', (code, signal) => done({ code, signal }));
      this.proc.on('error', (e) => {
        this.stderr += `\nspawn ${cmd}: ${e.message}\n`;
        done({ code: 127, signal: null });
      });
    });
  }

  // Starts 'cmd args' with stdin, stdout and stderr piped (stdin stays
  // open until the child is stopped: dpdk-testpmd exits on EOF).
  static spawn(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): Child {
    return new Child(name, cmd, args, env);
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.exit || this.pid <= 0) return;
    try {
      process.kill(this.pid, sig);
    } catch { /* already gone */ }
  }

  // Resolves when 're' matches stdout or stderr; throws (naming the child
  // and quoting its output) on timeout or when the child exits first.
  async waitFor(re: RegExp, timeoutMs: number): Promise<void> {
    const t0 = Date.now();
    while (!re.test(this.stdout) && !re.test(this.stderr)) {
      if (this.exit) throw new Error(`${this.name} exited (${this.describeExit()}) before ${re}:\n${this.tail()}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`${this.name}: no ${re} after ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(20);
    }
  }

  // Waits up to 'timeoutMs' for the child to exit on its own; then
  // SIGTERM, then SIGKILL.
  async finish(timeoutMs: number): Promise<ExitStatus> {
    const timer = new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutMs));
    if (await Promise.race([this.exited, timer]) === undefined) await this.stop();
    return this.exited;
  }

  // Sends 'sig', then SIGKILL if the child is still there after 'graceMs'.
  async stop(sig: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<ExitStatus> {
    this.signal(sig);
    const timer = new Promise<undefined>((r) => setTimeout(() => r(undefined), graceMs));
    if (await Promise.race([this.exited, timer]) === undefined) this.signal('SIGKILL');
    return this.exited;
  }

  describeExit(): string {
    if (!this.exit) return 'running';
    return this.exit.signal ? `signal ${this.exit.signal}` : `code ${this.exit.code}`;
  }

  tail(lines = 12): string {
    const text = `${this.stdout}\n${this.stderr}`.trim().split('\n');
    return text.slice(-lines).map((l) => `    | ${l}`).join('\n');
  }

  // The last stdout line that parses as a JSON object (pkt-gen --json
  // prints its summary last).
  lastJson<T>(): T | undefined {
    const lines = this.stdout.trim().split('\n').reverse();
    for (const l of lines) {
      if (!l.startsWith('{')) continue;
      try {
        return JSON.parse(l) as T;
      } catch { /* not JSON */ }
    }
    return undefined;
  }
}

// Kills every child still running, by pid, and waits for them.
export async function killAll(): Promise<void> {
  const left = [...live];
  for (const c of left) c.signal('SIGKILL');
  await Promise.all(left.map((c) => c.exited));
}

// The CPU time (user + system, every thread) process 'pid' has used, in
// seconds, from /proc/PID/stat.
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');   // f[0] is field 3 (state)
  return (Number(f[11]) + Number(f[12])) / clockTicks();
}

let ticks: number | undefined;
export function clockTicks(): number {
  if (ticks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    ticks = Number.parseInt(r.stdout, 10) || 100;
  }
  return ticks;
}

// The 1-minute load average: other work on this 2-core machine moves
// every figure, so each benchmark records it.
export function loadAverage(): number {
  try {
    return Number.parseFloat(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

// The path of executable 'name' on $PATH (or /usr/bin, /usr/sbin), or undefined.
export function which(name: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin'])) {
    if (d && existsSync(join(d, name))) return join(d, name);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Paths

// The repository root: the nearest directory above this file holding
// package.json (this file runs from dist/test/bench/).
export function repoRoot(): string {
  let d = __dirname;
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error(`no package.json above ${__dirname}`);
    d = up;
  }
  return d;
}

// A fresh directory under /tmp (not $TMPDIR: unix socket paths must stay
// short, and the benchmarks touch nothing else), removed by removeTemp.
export const makeTemp = (prefix: string): string => mkdtempSync(join('/tmp', prefix));
export const removeTemp = (dir: string): void => rmSync(dir, { recursive: true, force: true });

// ---------------------------------------------------------------------------
// bench-helper: the memcpy ceiling and the cross-core probe (bench-helper.cc)

let helperPath: string | undefined | null;

// Compiles test/bench/bench-helper.cc once per run into 'dir'; undefined
// (with the reason printed once) when there is no g++.
export function benchHelper(dir: string): string | undefined {
  if (helperPath !== undefined) return helperPath ?? undefined;
  const src = join(repoRoot(), 'test', 'bench', 'bench-helper.cc');
  const out = join(dir, 'bench-helper');
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('g++', ['-O2', '-std=c++17', '-pthread', '-o', out, src], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stdout.write(`  (cannot compile ${src}: ${r.error?.message ?? r.stderr.trim()}; no probe, no copy ceiling)\n`);
    helperPath = null;
    return undefined;
  }
  helperPath = out;
  return out;
}

// One cross-core round trip in ns (median over 'ms' milliseconds), or NaN.
export function probeNs(helper: string | undefined, ms = 30): number {
  if (!helper) return NaN;
  const r = spawnSync(helper, ['probe', String(ms)], { encoding: 'utf8', timeout: 5000 });
  try {
    return (JSON.parse(r.stdout.trim()) as { rtt_ns: number | null }).rtt_ns ?? NaN;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------
// Samples and levels

export const kSlowFactor = 2;     // over this times the fastest probe: the slow level
export const kBusyFactor = 20;    // over this: the probe's threads were preempted

export interface Sample {
  value: number;
  probes: [number, number];   // ns before and after
}

// fast: both probes on the fast level; slow: both on the slow level;
// mixed: the sample straddled a flip; busy: a probe thread waited for a
// CPU that other work held (the machine was busy, whatever the level).
export type Level = 'fast' | 'slow' | 'mixed' | 'busy' | '?';

export function levelOf(s: Sample, fastestNs: number): Level {
  if (!Number.isFinite(fastestNs) || s.probes.some((p) => !Number.isFinite(p))) return '?';
  if (s.probes.some((p) => p > kBusyFactor * fastestNs)) return 'busy';
  const slow = s.probes.filter((p) => p > kSlowFactor * fastestNs).length;
  return slow === 0 ? 'fast' : slow === 2 ? 'slow' : 'mixed';
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
  slow: number;          // samples on the slow level (both probes slow)
  mixed: number;         // samples that straddled a flip
  busy: number;          // samples during which the probe was preempted
  fastMedian: number;    // median of the samples on the fast level, NaN if none
}

export function summarize(samples: Sample[], fastestNs: number): Summary {
  const v = samples.map((s) => s.value).filter(Number.isFinite);
  const levels = samples.map((s) => levelOf(s, fastestNs));
  const fast = samples.filter((_, i) => levels[i] === 'fast').map((s) => s.value).filter(Number.isFinite);
  return {
    median: median(v),
    min: v.length ? Math.min(...v) : NaN,
    max: v.length ? Math.max(...v) : NaN,
    n: v.length,
    slow: levels.filter((l) => l === 'slow').length,
    mixed: levels.filter((l) => l === 'mixed').length,
    busy: levels.filter((l) => l === 'busy').length,
    fastMedian: median(fast),
  };
}

// ---------------------------------------------------------------------------
// The context a benchmark runs in

// Every probe of the run, for the fast level: a benchmark that happened to
// run entirely on the slow level must not take that for the fast one.
const runProbes: number[] = [];

export class BenchContext {
  readonly figures: Figure[] = [];
  private probes: number[] = [];

  constructor(readonly bench: string, readonly quick: boolean, readonly tmp: string) {}

  record(kase: string, metric: string, value: number, unit: string): void {
    if (Number.isFinite(value)) this.figures.push({ bench: this.bench, case: kase, metric, value, unit });
  }

  // Records a summary's median as 'metric', the fast-level median as
  // 'metric@fast' and the sample counts.
  recordSummary(kase: string, metric: string, s: Summary, unit: string): void {
    this.record(kase, metric, s.median, unit);
    this.record(kase, `${metric}@fast`, s.fastMedian, unit);
    this.record(kase, 'samples', s.n, 'count');
    this.record(kase, 'slow_samples', s.slow, 'count');
    this.record(kase, 'mixed_samples', s.mixed, 'count');
    this.record(kase, 'busy_samples', s.busy, 'count');
  }

  helper(): string | undefined {
    return benchHelper(join(this.tmp, '..', 'helper'));
  }

  probe(): number {
    const ns = probeNs(this.helper());
    if (Number.isFinite(ns)) {
      this.probes.push(ns);
      runProbes.push(ns);
    }
    return ns;
  }

  // Runs 'take' between two probes.
  async sample(take: () => Promise<number>): Promise<Sample> {
    const before = this.probe();
    const value = await take();
    return { value, probes: [before, this.probe()] };
  }

  // Probes 'n' times, 'gapMs' apart, to find the fast level before any
  // sample is classified (run.ts does this once, first).
  async calibrate(n: number, gapMs: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const ns = probeNs(this.helper());
      if (Number.isFinite(ns)) runProbes.push(ns);
      await sleep(gapMs);
    }
  }

  // The fastest probe of the run so far: the fast level.
  fastestProbe(): number {
    return runProbes.length ? Math.min(...runProbes) : NaN;
  }

  probeLevels(): string {
    if (!this.probes.length) return 'no probe';
    const fast = this.fastestProbe();
    const slow = this.probes.filter((p) => p > kSlowFactor * fast && p <= kBusyFactor * fast);
    const busy = this.probes.filter((p) => p > kBusyFactor * fast);
    const n = this.probes.length;
    return `cross-core probe: fast level ${fast.toFixed(0)} ns` +
      (slow.length ? `, slow level ~${median(slow).toFixed(0)} ns in ${slow.length}/${n} probes` : ', no slow probe') +
      (busy.length ? `, preempted (CPUs busy with other work) in ${busy.length}/${n}` : '');
  }

  // The probe line and what the sample flags mean, under a table.
  logLevels(): void {
    this.log(`  ${this.probeLevels()}`);
    this.log('  flags: slow = both probes on the slow level, mixed = a flip during the sample, ' +
      'busy = a probe waited for a CPU held by other work; @fast = median of the fast-level samples only');
  }

  log(text: string): void {
    process.stdout.write(`${text}\n`);
  }
}

// ---------------------------------------------------------------------------
// Tables

export function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  if (Math.abs(x) >= 100) return x.toFixed(Math.min(digits, 1));
  return x.toFixed(digits);
}

// "median [min..max] n=5 slow=1"
export function fmtSummary(s: Summary, digits = 2): string {
  if (!s.n) return '-';
  const flags = [s.slow ? `slow=${s.slow}` : '', s.mixed ? `mixed=${s.mixed}` : '', s.busy ? `busy=${s.busy}` : '']
    .filter(Boolean).join(' ');
  return `${fmt(s.median, digits)} [${fmt(s.min, digits)}..${fmt(s.max, digits)}] n=${s.n}${flags ? ' ' + flags : ''}`;
}

export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`\n${title}\n${line(header)}\n  ${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}
