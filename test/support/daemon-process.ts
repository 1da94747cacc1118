// Runs the real `mswitch start` (bin/mswitch) as a child process for
// tests, with its own run directory, and reads its JSON log lines.
import { join } from 'path';

import { mswitchBin } from './paths';
import { spawnTracked } from './processes';
import type { TrackedProcess } from './processes';
import type { WaitOptions } from './wait';

// One pino line: the fields tests look at, plus anything else.
export interface LogLine {
  level: number;
  msg: string;
  event?: string;
  [key: string]: unknown;
}

export interface DaemonProcess {
  readonly proc: TrackedProcess;
  readonly rundir: string;
  readonly pidFile: string;
  socket(bridge?: string): string;          // <rundir>/<bridge>.memif
  logs(): LogLine[];                        // parsed stderr lines so far
  waitForLog(pred: (l: LogLine) => boolean, opts: Partial<WaitOptions> & { what: string }): Promise<LogLine>;
}

export interface StartDaemonOptions {
  rundir: string;
  args?: string[];                          // after `start`
  env?: NodeJS.ProcessEnv;                  // added to process.env
  waitStarted?: boolean;                    // wait for the 'started' line (default true)
  timeoutMs?: number;                       // for that wait (default 20000)
}

export function parseLogLine(line: string): LogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return undefined;
  }
}

export async function startDaemon(opts: StartDaemonOptions): Promise<DaemonProcess> {
  // No REST API on TCP unless a test asks for it: parallel runs would race
  // for 127.0.0.1:8080.  The unix socket <rundir>/mswitch.sock is always on.
  // Nor the machine's state directory: each daemon keeps its state under
  // its own run directory unless the test names one.
  const env = {
    ...process.env, MSWITCH_RUNDIR: opts.rundir, MSWITCH_STATEDIR: join(opts.rundir, 'state'), MSWITCH_LOG_LEVEL: 'debug', MSWITCH_API_LISTEN: 'none', ...opts.env,
  };
  const proc = spawnTracked(process.execPath, [mswitchBin(), 'start', ...(opts.args ?? [])], { env });
  const logs = (): LogLine[] => proc.stderrLines().map(parseLogLine).filter((l): l is LogLine => l !== undefined);
  const d: DaemonProcess = {
    proc,
    rundir: opts.rundir,
    pidFile: join(opts.rundir, 'mswitch.pid'),
    socket: (bridge = 'br0') => join(opts.rundir, `${bridge}.memif`),
    logs,
    async waitForLog(pred, wopts) {
      const line = await proc.waitForLine('stderr', (text) => {
        const l = parseLogLine(text);
        return l !== undefined && pred(l);
      }, wopts);
      return parseLogLine(line) as LogLine;
    },
  };
  if (opts.waitStarted ?? true) {
    await d.waitForLog((l) => l.event === 'started', { what: 'the daemon\'s "started" log line', timeoutMs: opts.timeoutMs ?? 20_000 });
  }
  return d;
}
