// Starting what the benchmarks measure: the mswitch daemon (`mswitch
// start`, a child process of its own), Debian's dpdk-testpmd as the peer
// switch, and mswitch-pkt-gen runs.  Each start returns a Child
// (harness.ts) that the caller stops in a finally block; run.ts kills any
// survivor by pid.
//
// Sockets: every switch listens on a unix socket under the benchmark's
// temp directory, never in the abstract namespace (testpmd with
// socket-abstract=no, mswitch with memif.abstract false), so concurrent
// runs cannot meet.  The one path outside /tmp is the runtime directory
// DPDK's EAL insists on as root, /var/run/dpdk/<file-prefix>: the prefix
// names our pid and the directory is removed when testpmd stops.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';

import { Child, cpuSeconds, repoRoot, which } from './harness';

// ---------------------------------------------------------------------------
// mswitch

export interface MemifInterface { id: number; port?: number; worker?: number }

export interface MswitchConfig {
  logic?: string;
  logicConfig?: string;
  workers?: number;
  batchSize?: number;
  interfaces: MemifInterface[];
  args?: string[];         // more `mswitch start` flags (--memif-ports N)
}

export interface Mswitch {
  child: Child;
  socket: string;
  stop(): Promise<void>;
}

export const mswitchBin = (): string => join(repoRoot(), 'bin', 'mswitch');

/**
 * How node runs the daemon: the flags on bin/mswitch's `#!/usr/bin/env -S
 * node ...` line (what `mswitch start` gets when run as a command), then
 * MSWITCH_BENCH_NODE_FLAGS (e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof', to
 * profile the daemon under a bench's load).
 */
export function daemonNodeArgs(): string[] {
  const shebang = readFileSync(mswitchBin(), 'utf8').split('\n', 1)[0];
  const m = /^#!\S*env -S node(.*)$/.exec(shebang);
  if (!m) throw new Error(`${mswitchBin()}: first line '${shebang}' is not '#!/usr/bin/env -S node [flags]'`);
  const split = (s: string): string[] => s.split(/\s+/).filter((f) => f !== '');
  return [...split(m[1]), ...split(process.env.MSWITCH_BENCH_NODE_FLAGS ?? ''), mswitchBin()];
}

// Runs `mswitch start --config FILE --rundir DIR` with one switch br0 as
// 'cfg' says, in 'dir' (run directory, state directory and config file
// all inside it), and waits for the daemon's "started" log line.
export async function startMswitch(dir: string, cfg: MswitchConfig): Promise<Mswitch> {
  const rundir = join(dir, 'run');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'mswitch.json');
  const sw: Record<string, unknown> = {
    name: 'br0',
    memif: { abstract: false, autoCreate: false, interfaces: cfg.interfaces },
  };
  if (cfg.logic) sw.logic = cfg.logic;
  if (cfg.logicConfig) sw.logicConfig = cfg.logicConfig;
  if (cfg.workers) sw.workers = cfg.workers;
  if (cfg.batchSize) sw.batchSize = cfg.batchSize;
  // The REST API on its unix socket only: a TCP port could be taken.
  writeFileSync(file, JSON.stringify({ api: { listen: 'none' }, switches: [sw] }, null, 1));
  const env = {
    ...process.env,
    MSWITCH_RUNDIR: rundir,
    MSWITCH_STATEDIR: join(dir, 'state'),
    MSWITCH_LOG_LEVEL: 'info',
  };
  const child = Child.spawn('mswitch', process.execPath,
    [...daemonNodeArgs(), 'start', '--config', file, '--rundir', rundir, ...(cfg.args ?? [])], env);
  await child.waitFor(/"event":"started"/, 20000);
  return {
    child,
    socket: join(rundir, 'br0.memif'),
    stop: async () => {
      await child.stop('SIGTERM', 5000);
    },
  };
}

// ---------------------------------------------------------------------------
// dpdk-testpmd

export const testpmdPath = (): string | undefined => which('dpdk-testpmd');

export interface Testpmd {
  child: Child;
  socket: string;
  stop(): Promise<void>;
}

let testpmdRuns = 0;

// Starts dpdk-testpmd as a switch: memif SERVER vdevs with ids 'ids' on
// one unix socket, io forwarding (port 0 <-> port 1, 2 <-> 3, ...), no PCI,
// no hugepages.  One forwarding lcore (CPU 1) that polls at 100%.  As root,
// EAL keeps a runtime directory /var/run/dpdk/<file-prefix> whatever the
// options; stop() removes ours.
export async function startTestpmd(dir: string, ids: number[], extra: string[] = []): Promise<Testpmd> {
  const bin = testpmdPath();
  if (!bin) throw new Error('dpdk-testpmd is not installed');
  mkdirSync(dir, { recursive: true });
  const prefix = `mswbench-${process.pid}-${testpmdRuns++}`;
  const socket = join(dir, `${prefix}.memif`);
  const vdevs = ids.map((id) => `--vdev=net_memif${id},role=server,socket=${socket},id=${id},socket-abstract=no`);
  const args = [
    '-l', '0-1', '--no-pci', '--no-huge', '-m', '1024', `--file-prefix=${prefix}`, '--log-level=lib.eal:error',
    ...vdevs, '--', '--forward-mode=io', '--total-num-mbufs=16384', '--nb-cores=1', ...extra,
  ];
  // stdbuf: testpmd's stdout is a pipe here, and its "Press enter to
  // exit" (forwarding has started) would otherwise sit in a buffer.
  const stdbuf = which('stdbuf');
  const child = stdbuf ? Child.spawn('dpdk-testpmd', stdbuf, ['-oL', bin, ...args])
    : Child.spawn('dpdk-testpmd', bin, args);
  const cleanup = (): void => {
    if (process.getuid?.() === 0) rmSync(join('/var/run/dpdk', prefix), { recursive: true, force: true });
  };
  try {
    await child.waitFor(/Press enter to exit/, 60000);
  } catch (e) {
    await child.stop('SIGKILL');
    cleanup();
    throw e;
  }
  return {
    child,
    socket,
    stop: async () => {
      child.signal('SIGCONT');
      await child.stop('SIGINT', 5000);
      cleanup();
    },
  };
}

// ---------------------------------------------------------------------------
// mswitch-pkt-gen

export interface PktGenRate { packets: number; bytes: number; duration_s: number; pps: number; gbps: number }

export interface PktGenSummary {
  mode: string;
  frame_len: number;
  interrupted: boolean;
  disconnected: string | null;
  tx?: PktGenRate;
  rx?: PktGenRate & { errors: number; foreign: number; bad_length: number };
  ping?: { sent: number; lost: number; rtt_us: { min: number; median: number; p99: number; max: number } };
}

// The generator built beside the addon, found through the one module
// that loads it (datapath.ts); undefined when either is missing.  Loaded
// lazily so that a missing addon fails a benchmark, not the runner.
export function pktGenPath(): string | undefined {
  try {
    const datapath = require('../../controller-agent/src/datapath') as typeof import('../../controller-agent/src/datapath');
    const p = datapath.pktGenPath();
    return existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

export interface PktGenOptions {
  mode: 'tx' | 'rx' | 'txrx' | 'ping' | 'pong';
  socket: string;
  id: number;
  len?: number;
  seconds?: number;
  busy?: boolean;
  stream?: number;
  srcMac?: string;
  dstMac?: string;
  nice?: number;          // run under `nice -n N`
  extra?: string[];
}

// Starts one pkt-gen with --json; its summary is read with
// pktGenSummary once it has exited.
export function startPktGen(o: PktGenOptions): Child {
  const bin = pktGenPath();
  if (!bin) throw new Error('mswitch-pkt-gen is not built (npm run build:native)');
  const args = ['-f', o.mode, '-i', o.socket, '--id', String(o.id), '--json'];
  if (o.len) args.push('-l', String(o.len));
  if (o.seconds) args.push('-T', String(o.seconds));
  if (o.busy) args.push('--busy');
  if (o.stream !== undefined) args.push('--stream', String(o.stream));
  if (o.srcMac) args.push('--src-mac', o.srcMac);
  if (o.dstMac) args.push('--dst-mac', o.dstMac);
  // Frames over one 2 KiB buffer are chained; a 64 KiB frame needs 33
  // slots, which the default 1024-slot ring holds.
  args.push(...(o.extra ?? []));
  const nice = o.nice ? which('nice') : undefined;
  return nice ? Child.spawn(`pkt-gen ${o.mode} id ${o.id}`, nice, ['-n', String(o.nice), bin, ...args])
    : Child.spawn(`pkt-gen ${o.mode} id ${o.id}`, bin, args);
}

export function pktGenSummary(c: Child): PktGenSummary {
  const s = c.lastJson<PktGenSummary>();
  if (!s) throw new Error(`${c.name} printed no JSON summary (${c.describeExit()}):\n${c.tail()}`);
  return s;
}

// Waits until the child printed its "connected to" line.
export const pktGenConnected = (c: Child, timeoutMs = 5000): Promise<void> => c.waitFor(/^connected to /m, timeoutMs);

// Starts a pkt-gen and waits for its connection.  A master may still be
// tearing down the previous client of the same id (testpmd handles
// disconnects on its own thread, later), so a refused connection (exit 1)
// is retried a few times, saying why.
export async function startConnected(o: PktGenOptions): Promise<Child> {
  for (let attempt = 1; ; attempt++) {
    const c = startPktGen(o);
    try {
      await pktGenConnected(c);
      return c;
    } catch (e) {
      await c.stop('SIGKILL', 1000);
      if (c.exit?.code !== 1 || attempt === 4) throw e;
      process.stdout.write(`  (${c.name}: ${c.stderr.trim().split('\n').pop()}; retrying)\n`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

export interface FlowResult {
  rxPps: number;
  rxGbps: number;
  txPps: number;        // offered: the senders' rates summed
  loss: number;         // 1 - received / sent
  rxBad: number;        // frames dropped as bad descriptors, foreign or of a wrong length
  switchCpu: number;    // cores the switch process used while the senders ran (NaN: not asked)
}

export interface FlowOptions {
  socket: string;
  txIds: number[];       // one pkt-gen tx per memif id, stream = its id
  rxId: number;
  len: number;
  seconds: number;
  switchPid?: number;    // measure this process's CPU while the senders run
  senderNice?: number;   // run the senders under `nice -n N`
}

// One throughput sample: a pkt-gen rx on memif id 'rxId' of 'socket', then
// one pkt-gen tx per id in 'txIds' sending 'len'-byte frames for
// 'seconds'; when the senders are done the receiver is stopped and its
// rate (first to last frame received) is the sample.  With 'switchPid',
// also the CPU time that process used from the last sender's connection
// to the end of the sending, per second.
export async function measureFlow(o: FlowOptions): Promise<FlowResult> {
  const { socket, txIds, rxId, len, seconds, switchPid } = o;
  const rx = await startConnected({ mode: 'rx', socket, id: rxId, len });
  const txs: Child[] = [];
  try {
    for (const id of txIds) {
      txs.push(await startConnected({ mode: 'tx', socket, id, len, seconds, stream: id, nice: o.senderNice }));
    }
    const cpu0 = switchPid ? cpuSeconds(switchPid) : NaN;
    const t0 = process.hrtime.bigint();
    await Promise.all(txs.map((t) => t.finish((seconds + 10) * 1000)));
    const switchCpu = switchPid ? (cpuSeconds(switchPid) - cpu0) / (Number(process.hrtime.bigint() - t0) / 1e9) : NaN;
    await new Promise((r) => setTimeout(r, 200));   // let the last frames through
    await rx.stop('SIGINT');
    const got = pktGenSummary(rx);
    const sent = txs.map(pktGenSummary);
    return {
      rxPps: got.rx?.pps ?? 0,
      rxGbps: got.rx?.gbps ?? 0,
      txPps: sent.reduce((a, s) => a + (s.tx?.pps ?? 0), 0),
      loss: 1 - (got.rx?.packets ?? 0) / Math.max(1, sent.reduce((a, s) => a + (s.tx?.packets ?? 0), 0)),
      rxBad: (got.rx?.errors ?? 0) + (got.rx?.foreign ?? 0) + (got.rx?.bad_length ?? 0),
      switchCpu,
    };
  } finally {
    for (const c of [rx, ...txs]) await c.stop('SIGKILL', 1000);
  }
}
