// DPDK's testpmd as a real memif client of the daemon: it attaches with
// net_memif (role=client) to <rundir>/br0.memif as the README says, echoes
// frames back with its macswap forwarding, and our generator measures
// round trips through the switch.  Needs dpdk-testpmd and its memif driver
// (Debian: dpdk-dev, librte-net-memif23; .ci/run installs them) and the
// native addon.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { rmSync } from 'fs';

import { startDaemon } from '../support/daemon-process';
import { pktGen } from '../support/pkt-gen';
import { killAllTracked, killTracked, spawnTracked } from '../support/processes';
import { makeTempRunDir, removeTempDir } from '../support/tmp-dir';
import { waitForAsync } from '../support/wait';

interface PingResult { ping: { sent: number; lost: number; rtt_us: { median: number } } }

const testpmdPath = (): string | undefined => {
  try {
    return execFileSync('sh', ['-c', 'command -v dpdk-testpmd'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

describe('dpdk-testpmd as a memif client of mswitch start', function () {
  let rundir: string | undefined;
  const filePrefix = `msw-test-${process.pid}`;

  before(function () {
    if (testpmdPath() === undefined) {
      // Reported as pending, never as passed.
      this.skip();
    }
  });
  beforeEach(() => { rundir = makeTempRunDir(); });
  afterEach(async () => {
    await killAllTracked();
    removeTempDir(rundir);
    rmSync(`/var/run/dpdk/${filePrefix}`, { recursive: true, force: true });
  });

  it('attaches over the file socket, echoes frames through the switch, and detaches cleanly', async () => {
    const d = await startDaemon({ rundir: rundir as string });
    const testpmd = spawnTracked('dpdk-testpmd', [
      '-l', '0-1', '--no-huge', '-m', '512', '--no-pci', `--file-prefix=${filePrefix}`,
      `--vdev=net_memif,role=client,socket=${d.socket()},socket-abstract=no,id=0`,
      '--', '--total-num-mbufs=16384', '--forward-mode=macswap', '--stats-period', '1',
    ]);
    const up = await d.waitForLog((l) => l.event === 'port-up' && l.memifId === 0,
      { what: 'testpmd\'s port-up log line', timeoutMs: 45_000, abortIf: () => (testpmd.exitStatus() ? `testpmd exited:\n${testpmd.tail()}` : undefined) });
    expect(up.client).to.be.a('string').and.match(/DPDK/);

    // Unknown destination: flooded to testpmd, which swaps the MACs and
    // sends it back to the generator's (now learned) address.  testpmd
    // starts forwarding a moment after its link is up: wait for a first
    // echo before counting.
    const ping = (n: number) => pktGen<PingResult>(['-f', 'ping', '-i', d.socket(), '--id', '1', '-n', String(n),
      '--dst-mac', '02:00:00:00:00:02']);
    await waitForAsync(async () => (await ping(1)).ping.lost === 0, { what: 'a first echo from testpmd', timeoutMs: 20_000 });
    const r = await ping(200);
    expect(r.ping.sent).to.equal(200);
    expect(r.ping.lost).to.equal(0);

    await killTracked(testpmd, 'SIGINT', 15_000);
    const down = await d.waitForLog((l) => l.event === 'port-down' && l.memifId === 0, { what: 'testpmd\'s port-down log line' });
    expect(down.reason).to.be.a('string').and.not.equal('');

    process.kill(d.proc.pid, 'SIGTERM');
    expect((await d.proc.exited).code).to.equal(0);
  });
});
