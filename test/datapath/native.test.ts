// The native datapath tests (test/datapath/native/*.cc: the fabric against
// a per-packet reference, incast, sleeping and waking workers, port churn,
// logic swaps, the built-in logics), run as mocha tests.  They are one
// executable, mswitch-native-test, built beside the addon by binding.gyp;
// its case list becomes one `it` per case, each running `--run NAME` and
// failing with the reason the executable printed.
import { execFile, execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { dirname, join } from 'path';

import bindings from 'bindings';

function nativeTestPath(): string {
  const addon = bindings({ bindings: 'mswitch', path: true } as never) as unknown as string;
  return join(dirname(addon), 'mswitch-native-test');
}

function listCases(exe: string): string[] {
  return execFileSync(exe, ['--list'], { encoding: 'utf8', timeout: 10000 })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCase(exe: string, name: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(exe, ['--run', name], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout,
          stderr,
        });
      });
  });
}

const tail = (s: string, n = 20): string => s.split('\n').slice(-n).join('\n');

describe('native datapath tests (mswitch-native-test)', function () {
  this.timeout(150000);
  let exe: string | undefined;
  let cases: string[] = [];
  let problem: string | undefined;
  try {
    exe = nativeTestPath();
    if (!existsSync(exe)) problem = `${exe} is missing: build it with npm run build:native`;
    else cases = listCases(exe);
  } catch (e) {
    problem = `cannot find or list mswitch-native-test: ${(e as Error).message}`;
  }

  if (problem !== undefined || cases.length === 0) {
    it('lists its cases', () => {
      throw new Error(problem ?? 'mswitch-native-test --list printed no cases');
    });
    return;
  }

  for (const name of cases) {
    it(name, async function () {
      const r = await runCase(exe as string, name, 140000);
      const lines = r.stdout.split('\n');
      if (lines.some((l) => l.startsWith(`PASS ${name}`)) && r.code === 0) return;
      const skip = lines.find((l) => l.startsWith(`SKIP ${name}`));
      if (skip && r.code === 0) {
        console.log(`      ${skip}`);
        this.skip();  // pending, never passed
      }
      const fail = lines.find((l) => l.startsWith(`FAIL ${name}`));
      const how = r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
      throw new Error(`${fail ?? `${name}: no PASS line (${how})`}\n` +
        `reproduce: ${exe} --run ${name}\n${tail(r.stdout)}\n${tail(r.stderr)}`);
    });
  }
});
