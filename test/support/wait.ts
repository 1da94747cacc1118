// Polling waits with a deadline, for conditions that have no event to wait
// on (a socket file appearing, a log line arriving).  A timeout error says
// what was awaited and for how long; 'abortIf' ends the wait early with its
// reason (typically "the process exited with code 1").
import { existsSync } from 'fs';

export interface WaitOptions {
  timeoutMs?: number;      // default 10000
  intervalMs?: number;     // default 20
  what: string;            // for the error: "socket /tmp/x/br0.memif"
  abortIf?: () => string | undefined;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Resolves the first value of 'probe' that is not undefined, null or false.
export async function waitFor<T>(probe: () => T | undefined | null | false, opts: WaitOptions): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null && v !== false) return v;
    const abort = opts.abortIf?.();
    if (abort !== undefined) throw new Error(`gave up waiting for ${opts.what}: ${abort}`);
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what}`);
    await sleep(opts.intervalMs ?? 20);
  }
}

// Like waitFor, for a probe that is itself asynchronous (running a
// command, say); it resolves once 'probe' resolves true.
export async function waitForAsync(probe: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    const abort = opts.abortIf?.();
    if (abort !== undefined) throw new Error(`gave up waiting for ${opts.what}: ${abort}`);
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what}`);
    await sleep(opts.intervalMs ?? 100);
  }
}

// Waits for a file, directory or socket to exist at 'path'.
export async function waitForPath(path: string, opts: Partial<WaitOptions> = {}): Promise<void> {
  await waitFor(() => existsSync(path), { what: path, ...opts });
}

// Waits for 'path' to be gone.
export async function waitForNoPath(path: string, opts: Partial<WaitOptions> = {}): Promise<void> {
  await waitFor(() => !existsSync(path), { what: `${path} to disappear`, ...opts });
}
