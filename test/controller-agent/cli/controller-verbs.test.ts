// mswitch set-controller / get-controller / del-controller / set-fail-mode /
// get-fail-mode against a running daemon and a listening test controller:
// the controller gets connected with its role, del-controller drops it,
// and the exit codes (1 daemon refusal, 2 usage, 3 no daemon).
import { expect } from 'chai';

import { startDaemon } from '../../support/daemon-process';
import { mswitchBin } from '../../support/paths';
import { killAllTracked, spawnTracked } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { waitForAsync } from '../../support/wait';
import { testController } from '../api/test-controller';

describe('mswitch controller verbs', function () {
  this.timeout(60_000);
  let rundir: string | undefined;
  let ctl: Awaited<ReturnType<typeof testController>> | undefined;

  const mswitch = async (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => {
    const p = spawnTracked(process.execPath, [mswitchBin(), ...args], { env: { ...process.env, MSWITCH_RUNDIR: rundir } });
    const st = await p.exited;
    return { code: st.code, stdout: p.stdoutLines().join('\n'), stderr: p.stderrLines().join('\n') };
  };

  beforeEach(() => { rundir = makeTempRunDir(); });
  afterEach(async () => {
    await killAllTracked();
    await ctl?.close();
    ctl = undefined;
    removeTempDir(rundir);
  });

  it('set-controller connects the bridge to the controller, get-controller shows it connected as master, del-controller drops it', async () => {
    expect((await mswitch('get-controller', 'br0')).code).to.equal(3);
    ctl = await testController();
    await startDaemon({ rundir: rundir as string });
    let r = await mswitch('set-controller', 'br0', ctl.target, 'ptcp:0:127.0.0.1');
    expect(r.code, r.stderr).to.equal(0);
    await waitForAsync(async () => /role: master/.test((await mswitch('get-controller', 'br0')).stdout), { what: 'the controller as master', timeoutMs: 10_000 });
    r = await mswitch('get-controller', 'br0');
    expect(r.code).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 4)).to.deep.equal([ctl.target, '    is_connected: true', '    role: master', '    version: OpenFlow13']);
    expect(lines.slice(-2)).to.deep.equal(['ptcp:0:127.0.0.1', '    is_connected: false']);

    expect((await mswitch('get-fail-mode', 'br0')).stdout).to.equal('standalone');
    expect((await mswitch('set-fail-mode', 'br0', 'secure')).code).to.equal(0);
    expect((await mswitch('get-fail-mode', 'br0')).stdout).to.equal('secure');

    expect((await mswitch('del-controller', 'br0')).code).to.equal(0);
    await waitForAsync(async () => ctl!.peers[0].socket.destroyed || ctl!.peers[0].socket.readableEnded, { what: 'the switch to hang up' });
    r = await mswitch('get-controller', 'br0');
    expect([r.code, r.stdout]).to.deep.equal([0, '']);
  });

  it('exits 1 for a target the daemon refuses or a missing bridge, 2 for usage errors', async () => {
    await startDaemon({ rundir: rundir as string });
    const bad = await mswitch('set-controller', 'br0', 'tcp:127.0.0.1:99999');
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/port '99999' is not 1..65535 \(CONTROLLER_TARGET\)/);
    expect((await mswitch('get-controller', 'nosuch')).code).to.equal(1);
    expect((await mswitch('set-controller', 'br0', 'http://x')).code).to.equal(2);
    expect((await mswitch('set-controller', 'br0')).code).to.equal(2);
    expect((await mswitch('set-fail-mode', 'br0', 'open')).code).to.equal(2);
    const help = await mswitch('set-controller', '--help');
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/replacing the old ones/);
  });
});
