// mswitch-logic-bench takes the paths its figures are labelled with: the
// `hit` traffic really hits the openflow logic's exact-match cache and the
// `miss` traffic really misses it (by the logic's own counters), every
// frame is accounted for (the executable exits non-zero otherwise), and an
// install leaves every flow in place and forwarding.  Short runs: these
// check the benchmark, not the machine's speed.
import { expect } from 'chai';
import { spawnSync } from 'child_process';

import type { Figure } from './harness';
import { FigureIndex, nativeExe } from './native-exe';

function runBench(args: string[]): { status: number | null; figures: FigureIndex; stderr: string } {
  const r = spawnSync(nativeExe('mswitch-logic-bench'), args, { encoding: 'utf8', timeout: 120000 });
  const figs = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Figure);
  return { status: r.status, figures: new FigureIndex(figs), stderr: r.stderr };
}

describe('logic bench (mswitch-logic-bench)', function () {
  this.timeout(120000);

  it('labels a run hit only when the EMC hit, miss only when it missed, and accounts for every frame', () => {
    const r = runBench(['throughput', '--quick', '--seconds', '0.1', '--reps', '1', '--batch', '64',
      '--case', 'exact', '--flows', '1000']);
    expect(r.status, r.stderr).to.equal(0);
    const f = r.figures;
    for (const k of ['static', 'l2-learning', 'openflow/exact/1000/hit', 'openflow/exact/1000/miss'])
      expect(f.get(`b64/${k}`, 'Mpps'), k).to.be.greaterThan(0);
    expect(f.get('b64/openflow/exact/1000/hit', 'EMC hit rate')).to.be.greaterThan(0.9);
    expect(f.get('b64/openflow/exact/1000/miss', 'EMC hit rate')).to.be.lessThan(0.05);
    // Every EMC look-up of a run is a hit or a miss, one per frame.
    expect(f.get('b64/openflow/exact/1000/miss', 'EMC misses')).to.be.greaterThan(1000);
  });

  it('takes the miss path over 20 wildcard masks too', () => {
    const r = runBench(['throughput', '--quick', '--seconds', '0.1', '--reps', '1', '--batch', '1024',
      '--case', 'wildcard', '--flows', '1000']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.figures.get('b1024/openflow/wildcard/1000/hit', 'EMC hit rate')).to.be.greaterThan(0.8);
    expect(r.figures.get('b1024/openflow/wildcard/1000/miss', 'EMC hit rate')).to.be.lessThan(0.05);
  });

  it('installs every flow and times it', () => {
    const r = runBench(['install', '--flows', '20000', '--reps', '1', '--install-batch', '5000,20000']);
    expect(r.status, r.stderr).to.equal(0);
    for (const b of [5000, 20000]) {
      expect(r.figures.get(`exact/20000/batch${b}`, 'flows/s')).to.be.greaterThan(0);
      expect(r.figures.get(`exact/20000/batch${b}`, 'calls')).to.equal(20000 / b);
    }
  });

  it('refuses unknown arguments and cases', () => {
    expect(runBench(['throughput', '--bogus']).status).to.not.equal(0);
    expect(runBench(['throughput', '--case', 'nonsense']).stderr).to.match(/no case nonsense/);
  });
});
