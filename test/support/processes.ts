// Child processes for tests: spawned with their output captured line by
// line, remembered, and killed by pid on teardown.
//
// Call killTracked(p) (or killAllTracked()) in an after/afterEach hook.
// As a last resort, every tracked process still running when the test
// process exits (mocha runs with exit: true) gets SIGKILL, so a failed
// test never leaves a daemon or a generator behind.
import { spawn } from 'child_process';
import type { ChildProcess, SpawnOptions } from 'child_process';

import { sleep, waitFor } from './wait';
import type { WaitOptions } from './wait';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TrackedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly command: string;
  stdoutLines(): string[];        // complete lines so far
  stderrLines(): string[];
  exitStatus(): ExitStatus | undefined;   // undefined while running
  readonly exited: Promise<ExitStatus>;   // after its output is closed
  // Waits for an output line on 'stream' matching 'pred'; fails early if
  // the process exits first, quoting the end of its output.
  waitForLine(stream: 'stdout' | 'stderr', pred: (line: string) => boolean, opts: Partial<WaitOptions> & { what: string }): Promise<string>;
  tail(n?: number): string;       // the last lines of both streams, for errors
}

const tracked = new Set<TrackedProcess>();

function lineCollector(): { push(chunk: Buffer): void; end(): void; lines: string[] } {
  const lines: string[] = [];
  let partial = '';
  return {
    lines,
    push(chunk: Buffer) {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    },
    end() {
      if (partial !== '') lines.push(partial);
      partial = '';
    },
  };
}

export function spawnTracked(command: string, args: string[], opts: SpawnOptions = {}): TrackedProcess {
  const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`cannot spawn ${command}`);
  const out = lineCollector();
  const err = lineCollector();
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      status = { code, signal };
      tracked.delete(p);
      resolve(status);
    });
    child.on('error', () => {
      status ??= { code: null, signal: null };
      tracked.delete(p);
      resolve(status);
    });
  });
  const describeExit = (s: ExitStatus): string => (s.signal ? `killed by ${s.signal}` : `exited with code ${s.code}`);
  const p: TrackedProcess = {
    child,
    pid: child.pid,
    command: [command, ...args].join(' '),
    stdoutLines: () => out.lines,
    stderrLines: () => err.lines,
    exitStatus: () => status,
    exited,
    tail(n = 20) {
      return [...out.lines.slice(-n).map((l) => `stdout| ${l}`), ...err.lines.slice(-n).map((l) => `stderr| ${l}`)].join('\n');
    },
    async waitForLine(stream, pred, wopts) {
      const lines = stream === 'stdout' ? out.lines : err.lines;
      try {
        return await waitFor(() => lines.find(pred), {
          ...wopts,
          abortIf: () => (status ? `${p.command} ${describeExit(status)}` : undefined),
        });
      } catch (e) {
        throw new Error(`${(e as Error).message}\n--- output of ${p.command} ---\n${p.tail()}`);
      }
    },
  };
  tracked.add(p);
  return p;
}

// Signals 'p' by pid and waits for it to exit; escalates to SIGKILL after
// 'graceMs'.  Resolves its exit status.
export async function killTracked(p: TrackedProcess, signal: NodeJS.Signals = 'SIGKILL', graceMs = 5000): Promise<ExitStatus> {
  const done = p.exitStatus();
  if (done) return done;
  const send = (s: NodeJS.Signals): void => {
    try {
      process.kill(p.pid, s);
    } catch {
      // already gone
    }
  };
  send(signal);
  const status = await Promise.race([p.exited, sleep(graceMs).then(() => undefined)]);
  if (status) return status;
  send('SIGKILL');
  return p.exited;
}

export async function killAllTracked(): Promise<void> {
  await Promise.all([...tracked].map((p) => killTracked(p)));
}

process.on('exit', () => {
  for (const p of tracked) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
