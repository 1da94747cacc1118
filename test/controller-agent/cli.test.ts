// The command line, run as a user runs it (bin/mswitch), for what needs
// no native addon: version, help, and refusals of bad flags and files.
import { expect } from 'chai';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { mswitchBin, repoRoot } from '../support/paths';
import { killAllTracked, spawnTracked } from '../support/processes';
import type { ExitStatus, TrackedProcess } from '../support/processes';
import { makeTempDir, removeTempDir } from '../support/tmp-dir';

interface Run { status: ExitStatus; stdout: string; stderr: string; proc: TrackedProcess }

async function mswitch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const proc = spawnTracked(process.execPath, [mswitchBin(), ...args], { env: { ...process.env, ...env } });
  const status = await proc.exited;
  return { status, stdout: proc.stdoutLines().join('\n'), stderr: proc.stderrLines().join('\n'), proc };
}

describe('mswitch command line', () => {
  let dir: string | undefined;
  beforeEach(() => { dir = makeTempDir(); });
  afterEach(async () => {
    await killAllTracked();
    removeTempDir(dir);
  });

  it('`version` prints the package version', async () => {
    const { version } = require(join(repoRoot(), 'package.json')) as { version: string };
    const r = await mswitch(['version']);
    expect(r.status.code).to.equal(0);
    expect(r.stdout).to.equal(`mswitch ${version}`);
  });

  it('`start --help` lists every start option', async () => {
    const r = await mswitch(['start', '--help']);
    expect(r.status.code).to.equal(0);
    for (const flag of ['--config', '--rundir', '--workers', '--batch', '--mode', '--logic', '--memif-ports', '--bridge']) {
      expect(r.stdout).to.include(flag);
    }
  });

  it('refuses an unknown verb with the usage exit code', async () => {
    const r = await mswitch(['no-such-verb', 'br0']);
    expect(r.status.code).to.equal(2);
    expect(r.stderr).to.match(/unknown command 'no-such-verb'/);
  });

  const refusals: [string[], number, RegExp][] = [
    [['start', '--workers', '0'], 2, /--workers: must be an integer in 1\.\.16, got 0/],
    [['start', '--workers', 'two'], 2, /--workers.*must be a non-negative integer/],
    [['start', '--batch', '5000'], 2, /--batch: must be an integer in 1\.\.1024/],
    [['start', '--mode', 'fast'], 2, /--mode.*mswitch, vale/],
    [['start', '--bridge', 'a/b'], 2, /--bridge: must be a bridge name/],
    [['start', '--memif-ports', '99999'], 2, /--memif-ports: must be an integer in 0\.\.4095/],
  ];
  for (const [args, code, message] of refusals) {
    it(`\`${args.join(' ')}\` exits ${code} naming the flag`, async () => {
      const r = await mswitch(args, { MSWITCH_RUNDIR: dir });
      expect(r.status.code, r.proc.tail()).to.equal(code);
      expect(r.stderr).to.match(message);
    });
  }

  it('`start --config` with a bad key exits 2 naming the file and the key', async () => {
    const file = join(dir as string, 'bad.json');
    writeFileSync(file, JSON.stringify({ switches: [{ name: 'br0', logik: 'static' }] }));
    const r = await mswitch(['start', '--config', file], { MSWITCH_RUNDIR: dir });
    expect(r.status.code).to.equal(2);
    expect(r.stderr).to.include(`${file}: switches[0].logik: unknown key`);
  });

  it('`start` refuses an unknown MSWITCH_LOG_LEVEL', async () => {
    const r = await mswitch(['start'], { MSWITCH_RUNDIR: dir, MSWITCH_LOG_LEVEL: 'chatty' });
    expect(r.status.code).to.equal(2);
    expect(r.stderr).to.include('MSWITCH_LOG_LEVEL: unknown level "chatty"');
  });
});
