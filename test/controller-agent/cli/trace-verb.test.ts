// `mswitch trace BR DESCRIPTION` run as a user runs it, against a real
// `mswitch start` whose bridge runs the openflow logic: the frame the
// description names (packet-builder.ts) goes through the tables, and the
// output is headed like ovs-appctl ofproto/trace's (Flow:, the tables,
// Final:).  A description naming what is not one packet exits 2 naming
// the token, and nothing is asked of the daemon.
import { expect } from 'chai';

import { startDaemon } from '../../support/daemon-process';
import { mswitchBin } from '../../support/paths';
import { killAllTracked, spawnTracked } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';

interface Run { code: number | null; stdout: string; stderr: string }

describe('mswitch trace from a flow description', function () {
  this.timeout(60_000);
  let rundir: string;

  async function mswitch(...args: string[]): Promise<Run> {
    const p = spawnTracked(process.execPath, [mswitchBin(), ...args], { env: { ...process.env, MSWITCH_RUNDIR: rundir } });
    const status = await p.exited;
    return { code: status.code, stdout: p.stdoutLines().join('\n'), stderr: p.stderrLines().join('\n') };
  }
  async function ok(...args: string[]): Promise<string> {
    const r = await mswitch(...args);
    expect(r.code, `mswitch ${args.join(' ')}: ${r.stderr}`).to.equal(0);
    return r.stdout;
  }

  before(async () => {
    rundir = makeTempRunDir();
    await startDaemon({ rundir });
    await ok('add-br', 'of0', '--logic', 'openflow');
    await ok('add-flow', 'of0', 'priority=100,in_port=1,tcp,nw_dst=10.0.0.2,tp_dst=80,actions=mod_nw_tos:32,goto_table:1');
    await ok('add-flow', 'of0', 'priority=50,in_port=1,ip,actions=CONTROLLER:128');
    await ok('add-flow', 'of0', 'table=1,priority=5,ip,nw_tos=32,actions=output:2');
  });
  after(async () => {
    await killAllTracked();
    removeTempDir(rundir);
  });

  it('a tcp description: each table with the flow hit, the frame leaving with its rewritten TOS, Final', async () => {
    const description = 'in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=80';
    const lines = (await ok('trace', 'of0', description)).split('\n');
    expect(lines[0]).to.equal(`Flow: ${description}`);
    const sent = /^Packet: 60 bytes ([0-9a-f]{120})$/.exec(lines[1]);
    expect(sent, lines[1]).to.not.equal(null);
    expect(lines[2]).to.equal('');
    expect(lines[3]).to.match(/^table 0: priority=100,tcp,in_port=1,nw_dst=10\.0\.0\.2,tp_dst=80,actions=.*goto_table:1$/);
    expect(lines[4]).to.equal('table 1: table=1,priority=5,ip,nw_tos=32,actions=output:2');
    const out = /^output 2: 60 bytes ([0-9a-f]+)$/.exec(lines[5]);
    expect(out, lines[5]).to.not.equal(null);
    // Only the TOS byte (offset 15) and the IPv4 header checksum (24..25) differ from what was traced.
    const a = Buffer.from(sent![1], 'hex');
    const b = Buffer.from(out![1], 'hex');
    expect(b[15]).to.equal(32);
    expect([...a.keys()].filter((i) => a[i] !== b[i]).filter((i) => i !== 15 && i !== 24 && i !== 25)).to.deep.equal([]);
    expect(lines[6]).to.equal('Final: 2');
  });

  it('another port of the same packet misses; a udp one goes to the controller', async () => {
    expect((await ok('trace', 'of0', 'in_port=2,tcp,nw_dst=10.0.0.2,tp_dst=80')).split('\n').slice(3)).to.deep.equal([
      'table 0: no match (table miss)', 'Final: drop',
    ]);
    const udp = (await ok('trace', 'of0', 'in_port=1,udp,nw_dst=10.0.0.2,tp_dst=80')).split('\n').slice(3);
    expect(udp[0]).to.equal('table 0: priority=50,ip,in_port=1,actions=CONTROLLER:128');
    expect(udp[1]).to.match(/^packet-in reason=action table=0 cookie=0x0: 60 bytes [0-9a-f]{120}$/);
    expect(udp[2]).to.equal('Final: CONTROLLER');
  });

  it('a description that is not one packet exits 2 naming the token', async () => {
    const masked = await mswitch('trace', 'of0', 'in_port=1,ip,nw_dst=10.0.0.0/8');
    expect(masked.code).to.equal(2);
    expect(masked.stderr).to.include('nw_dst=10.0.0.0/8');
    const noPort = await mswitch('trace', 'of0', 'tcp,tp_dst=80');
    expect(noPort.code).to.equal(2);
    expect(noPort.stderr).to.include('in_port');
  });
});
