// mswitch dump-ports-desc against a running daemon: the OFPST_PORT_DESC
// layout ovs-ofctl prints, ports in number order with their state, and
// the CLI's exit codes for a missing bridge, a missing argument and a
// daemon that is not running.
import { expect } from 'chai';

import { formatPortsDesc } from '../../../controller-agent/src/cli/port-desc-verbs';
import { startDaemon } from '../../support/daemon-process';
import { mswitchBin } from '../../support/paths';
import { killAllTracked, spawnTracked } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';

describe('mswitch dump-ports-desc', function () {
  this.timeout(60_000);
  let rundir: string | undefined;

  const mswitch = async (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => {
    const p = spawnTracked(process.execPath, [mswitchBin(), ...args], { env: { ...process.env, MSWITCH_RUNDIR: rundir } });
    const st = await p.exited;
    return { code: st.code, stdout: p.stdoutLines().join('\n'), stderr: p.stderrLines().join('\n') };
  };

  beforeEach(() => { rundir = makeTempRunDir(); });
  afterEach(async () => {
    await killAllTracked();
    removeTempDir(rundir);
  });

  it('formats ports in number order, a down port as LINK_DOWN, an unknown speed as 0', () => {
    const port = (n: number, name: string, up: boolean, speedMbps?: number) => ({
      port: n, name, type: 'memif' as const, up, rxQueues: 1, txQueues: 1, drops: {}, ...(speedMbps !== undefined && { speedMbps }),
      stats: { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, rxDropped: 0, rxErrors: 0, txDropped: 0, txErrors: 0, drops: 0 },
    });
    expect(formatPortsDesc([port(10, 'veth0', true, 10000), port(2, 'memif1', false)])).to.equal([
      'OFPST_PORT_DESC reply (xid=0x2):',
      ' 2(memif1):',
      '     config:     0',
      '     state:      LINK_DOWN',
      '     speed: 0 Mbps now, 0 Mbps max',
      ' 10(veth0):',
      '     config:     0',
      '     state:      0',
      '     speed: 10000 Mbps now, 0 Mbps max',
      '',
    ].join('\n'));
  });

  it('prints the daemon\'s ports and exits 0; 1 for a missing bridge, 2 without one, 3 with no daemon', async () => {
    const none = await mswitch('dump-ports-desc', 'br0');
    expect(none.code).to.equal(3);
    await startDaemon({ rundir: rundir as string, args: ['--memif-ports', '2'] });
    const r = await mswitch('dump-ports-desc', 'br0');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.split('\n')).to.deep.equal([
      'OFPST_PORT_DESC reply (xid=0x2):',
      ' 1(memif0):', '     config:     0', '     state:      LINK_DOWN', '     speed: 0 Mbps now, 0 Mbps max',
      ' 2(memif1):', '     config:     0', '     state:      LINK_DOWN', '     speed: 0 Mbps now, 0 Mbps max',
    ]);
    const missing = await mswitch('dump-ports-desc', 'nosuch');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/^mswitch dump-ports-desc: .*\(SWITCH_NOT_FOUND\)$/);
    expect((await mswitch('dump-ports-desc')).code).to.equal(2);
    const help = await mswitch('dump-ports-desc', '--help');
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/--rundir/);
  });
});
