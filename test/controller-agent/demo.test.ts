// `mswitch demo` as a real process (root): without a daemon it runs its
// own switch, the two namespaces ping each other through it, and every
// namespace and veth it made is gone when it exits, also after Ctrl-C in
// the middle.  Needs root and `ip netns`; otherwise skipped (pending).
import { expect } from 'chai';
import { execFileSync } from 'child_process';

import { netnsUnavailable } from '../support/netns';
import { mswitchBin } from '../support/paths';
import { spawnTracked } from '../support/processes';
import { makeTempRunDir, removeTempDir } from '../support/tmp-dir';

// Namespaces and links named for the demo process 'pid'.
function leftovers(pid: number): string[] {
  const tag = `mswd${pid}`;
  const ns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(tag));
  const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(tag));
  return [...ns, ...links];
}

describe('mswitch demo', function () {
  this.timeout(60_000);
  let rundir: string | undefined;

  before(function () {
    const why = netnsUnavailable();
    if (why) {
      // eslint-disable-next-line no-console
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });
  beforeEach(() => { rundir = makeTempRunDir(); });
  afterEach(() => removeTempDir(rundir));

  it('pings across two namespaces on its own switch and leaves nothing behind', async () => {
    const p = spawnTracked(process.execPath, [mswitchBin(), 'demo', '--rundir', rundir as string, '--bridge', 'demo0']);
    const st = await p.exited;
    const out = p.stdoutLines().join('\n');
    expect(st, p.tail()).to.deep.equal({ code: 0, signal: null });
    expect(out).to.include('using a switch inside this process');
    expect(out.match(/3 packets transmitted, 3 received/g) ?? [], out).to.have.length(2);
    expect(out).to.match(/mswd\d+a\s+(afxdp|afpacket)\s+up/);
    expect(out).to.include('the namespaces reached each other through the switch');
    expect(leftovers(p.pid)).to.deep.equal([]);
  });

  it('cleans up on Ctrl-C in the middle of a ping', async () => {
    const p = spawnTracked(process.execPath, [mswitchBin(), 'demo', '--rundir', rundir as string, '--bridge', 'demo1', '--count', '20']);
    await p.waitForLine('stdout', (l) => l.includes('pinging'), { what: 'the first ping', timeoutMs: 20_000 });
    expect(leftovers(p.pid).length, 'the namespaces exist while it runs').to.be.greaterThan(0);
    process.kill(p.pid, 'SIGINT');
    const st = await p.exited;
    expect(st, p.tail()).to.deep.equal({ code: 130, signal: null });
    expect(p.stdoutLines().join('\n')).to.include('interrupted: cleaning up');
    expect(leftovers(p.pid)).to.deep.equal([]);
  });
});
