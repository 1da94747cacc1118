// daemonNodeArgs (test/bench/peers.ts): benchmarks start the daemon with
// the node flags bin/mswitch's own `#!/usr/bin/env -S node ...` line gives
// it, so what is measured is what `mswitch start` runs with.
import { expect } from 'chai';
import { spawnSync } from 'child_process';

import { daemonNodeArgs, mswitchBin } from './peers';

describe('bench: the daemon runs with bin/mswitch\'s node flags', () => {
  it('reads the flags from the launcher\'s first line, then the profiling flags, then the launcher', () => {
    const before = process.env.MSWITCH_BENCH_NODE_FLAGS;
    process.env.MSWITCH_BENCH_NODE_FLAGS = ' --cpu-prof  --cpu-prof-dir=/tmp/x ';
    try {
      const args = daemonNodeArgs();
      expect(args.slice(-3)).to.deep.equal(['--cpu-prof', '--cpu-prof-dir=/tmp/x', mswitchBin()]);
      expect(args).to.include('--max-semi-space-size=64');
    } finally {
      if (before === undefined) delete process.env.MSWITCH_BENCH_NODE_FLAGS;
      else process.env.MSWITCH_BENCH_NODE_FLAGS = before;
    }
  });

  it('the launcher runs as a command with those flags in force', () => {
    // node accepts the flags (a typo would make every `mswitch` fail to start).
    const r = spawnSync(mswitchBin(), ['--version'], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const flags = daemonNodeArgs().slice(0, -1).filter((f) => f.startsWith('--'));
    const check = spawnSync(process.execPath, [...flags, '-e', 'process.stdout.write(String(require("v8").getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size))'], { encoding: 'utf8' });
    expect(check.status, check.stderr).to.equal(0);
    // --min-semi-space-size=16: the young generation starts at 16 MiB or more per semi-space.
    expect(Number(check.stdout)).to.be.at.least(16 * 1024 * 1024);
  });
});
