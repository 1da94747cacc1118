// Runs the packet generator (mswitch-pkt-gen, built beside the addon) and
// returns the JSON object it prints as its last stdout line with --json.
// '--json' is added to 'args' when missing.  A non-zero exit, a timeout or
// a last line that is not JSON is an error quoting the command and the
// end of its output.
import { killTracked, spawnTracked } from './processes';
import { sleep } from './wait';

export type PktGenResult = Record<string, unknown>;

export interface PktGenOptions {
  timeoutMs?: number;              // default 60000
  env?: NodeJS.ProcessEnv;
}

export async function pktGen<T extends object = PktGenResult>(args: string[], opts: PktGenOptions = {}): Promise<T> {
  const argv = args.includes('--json') ? args : [...args, '--json'];
  // Loaded on first use: importing this helper must not need the addon.
  const { pktGenPath } = await import('../../controller-agent/src/datapath');
  const p = spawnTracked(pktGenPath(), argv, { env: opts.env ?? process.env });
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const status = await Promise.race([p.exited, sleep(timeoutMs).then(() => undefined)]);
  if (!status) {
    await killTracked(p);
    throw new Error(`${p.command}: no exit after ${timeoutMs} ms\n${p.tail()}`);
  }
  if (status.code !== 0) {
    throw new Error(`${p.command}: ${status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`}\n${p.tail()}`);
  }
  const last = [...p.stdoutLines()].reverse().find((l) => l.trim() !== '');
  if (last === undefined) throw new Error(`${p.command}: printed nothing on stdout\n${p.tail()}`);
  try {
    return JSON.parse(last) as T;
  } catch (e) {
    throw new Error(`${p.command}: last stdout line is not JSON (${(e as Error).message}): ${last}`);
  }
}
