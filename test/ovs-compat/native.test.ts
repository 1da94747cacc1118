// The native ovs-compat tests (test/ovs-compat/native/*.cc: the classifier
// against a linear scan, flow key extraction on golden frames, the
// `openflow` logic through its ABI), run as mocha tests.  They are one
// executable, mswitch-ovs-compat-test, built beside the addon by
// binding.gyp with the datapath tests' runner: `--list` names the cases,
// each becomes one `it` running `--run NAME`.
import { execFile, execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { dirname, join } from 'path';

import bindings from 'bindings';

const exeName = 'mswitch-ovs-compat-test';

function exePath(): string {
  const addon = bindings({ bindings: 'mswitch', path: true } as never) as unknown as string;
  return join(dirname(addon), exeName);
}

function runCase(exe: string, name: string): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(exe, ['--run', name], { encoding: 'utf8', timeout: 140000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const passed = !err && stdout.split('\n').some((l) => l.startsWith(`PASS ${name}`));
        resolve({ ok: passed, out: `${stdout}\n${stderr}${err ? `\n${err.message}` : ''}` });
      });
  });
}

describe(`native ovs-compat tests (${exeName})`, function () {
  this.timeout(150000);
  let exe = '';
  let cases: string[] = [];
  let problem: string | undefined;
  try {
    exe = exePath();
    if (!existsSync(exe)) problem = `${exe} is missing: build it with npm run build:native`;
    else cases = execFileSync(exe, ['--list'], { encoding: 'utf8', timeout: 10000 })
      .split('\n').map((l) => l.trim()).filter((l) => l !== '');
  } catch (e) {
    problem = `cannot find or list ${exeName}: ${(e as Error).message}`;
  }
  if (problem !== undefined || cases.length === 0) {
    it('lists its cases', () => {
      throw new Error(problem ?? `${exeName} --list printed no cases`);
    });
    return;
  }
  for (const name of cases) {
    it(name, async () => {
      const r = await runCase(exe, name);
      if (!r.ok) {
        const fail = r.out.split('\n').find((l) => l.startsWith(`FAIL ${name}`));
        throw new Error(`${fail ?? `${name}: no PASS line`}\nreproduce: ${exe} --run ${name}\n` +
          r.out.split('\n').slice(-20).join('\n'));
      }
    });
  }
});
