// Restart of the real daemon with Linux ports, in a network namespace of
// its own: a TAP host-stack port from the config file and a veth added
// through the REST API come back after kill -9 at the same port numbers,
// the TAP with the same MAC, so the OpenFlow datapath id (derived from the
// LOCAL port's address) does not change either.  Needs root and `ip netns`.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { ApiClient } from '../../../controller-agent/src/cli/client';
import { parseLogLine } from '../../support/daemon-process';
import { ip, netnsUnavailable, runName } from '../../support/netns';
import { mswitchBin } from '../../support/paths';
import { killAllTracked, spawnTracked } from '../../support/processes';
import type { TrackedProcess } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';

describe('state: daemon restart with TAP and veth ports (network namespace)', function () {
  this.timeout(60_000);
  const ns = runName('nst');
  const bridge = runName('bs');
  const veth = runName('vs');
  let rundir: string | undefined;
  let madeNs = false;

  before(function () {
    if (netnsUnavailable() !== undefined) this.skip();
  });
  afterEach(async () => {
    await killAllTracked();
    if (madeNs) {
      try { ip('netns', 'del', ns); } catch { /* gone */ }
      madeNs = false;
    }
    removeTempDir(rundir);
  });

  async function start(config: string): Promise<TrackedProcess> {
    const d = spawnTracked('ip', ['netns', 'exec', ns, process.execPath, mswitchBin(), 'start', '--config', config], {
      env: { ...process.env, MSWITCH_RUNDIR: rundir, MSWITCH_STATEDIR: join(rundir!, 'state'), MSWITCH_LOG_LEVEL: 'debug', MSWITCH_API_LISTEN: 'none' },
    });
    await d.waitForLine('stderr', (t) => parseLogLine(t)?.event === 'started', { what: 'the daemon\'s started line', timeoutMs: 20_000 });
    return d;
  }

  const macOf = (ifname: string): string => ip('-n', ns, '-j', 'link', 'show', ifname).match(/"address":"([0-9a-f:]{17})"/)![1];

  it('brings the TAP and the veth back at their numbers, with the same MAC and datapath id', async () => {
    rundir = makeTempRunDir();
    ip('netns', 'add', ns);
    madeNs = true;
    ip('-n', ns, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`);
    ip('-n', ns, 'link', 'set', veth, 'up');
    ip('-n', ns, 'link', 'set', `${veth}p`, 'up');
    const config = join(rundir, 'mswitch.json');
    writeFileSync(config, JSON.stringify({ switches: [{ name: bridge, logic: 'openflow', failMode: 'secure', ports: [{ type: 'tap' }] }] }));

    const d1 = await start(config);
    const api = new ApiClient(join(rundir, 'mswitch.sock'));
    await api.call('POST', `/switches/${bridge}/ports`, { ifname: veth, type: 'afpacket', port: 40 });
    const ports = async (): Promise<string[]> =>
      (await api.call<{ ports: { port: number; name: string; type: string }[] }>('GET', `/switches/${bridge}/ports`)).ports.map((p) => `${p.port} ${p.name} ${p.type}`);
    const before = await ports();
    expect(before).to.have.length(2);
    expect(before).to.include(`40 ${veth} afpacket`);
    const mac = macOf(bridge);
    const dpid = d1.stderrLines().map(parseLogLine).find((l) => l?.event === 'openflow-started')?.datapathId;
    expect(dpid).to.equal(`0x0000${mac.replace(/:/g, '')}`);

    process.kill(d1.pid, 'SIGKILL');
    await d1.exited;
    const d2 = await start(config);
    expect(await ports()).to.deep.equal(before);
    expect(macOf(bridge)).to.equal(mac);
    expect(d2.stderrLines().map(parseLogLine).find((l) => l?.event === 'openflow-started')?.datapathId).to.equal(dpid);
    expect(readFileSync(join(rundir, 'state', 'state.pb')).subarray(0, 8).toString()).to.equal('MSWSTATE');
  });
});
