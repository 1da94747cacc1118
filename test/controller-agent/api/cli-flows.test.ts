// The CLI's flow verbs (add-flow, add-flows, mod-flows, del-flows,
// dump-flows) run as a user runs them, against a real `mswitch start`
// process whose bridge runs the openflow logic.  dump-flows must print
// ovs-ofctl's dump-flows lines (the printer itself is checked against real
// ovs-ofctl in test/ovs-compat/dump-flows.test.ts).
import { expect } from 'chai';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { chunks, flowLines } from '../../../controller-agent/src/cli/flow-verbs';
import { startDaemon } from '../../support/daemon-process';
import { mswitchBin } from '../../support/paths';
import { killAllTracked, spawnTracked } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';

interface Run { code: number | null; stdout: string; stderr: string }

// Durations differ run to run; everything else of a line must not.
const stable = (dump: string): string => dump.replace(/duration=\d+\.\d+s/g, 'duration=Ds');

describe('mswitch flow verbs', function () {
  this.timeout(60_000);
  let rundir: string;

  async function sh(command: string): Promise<Run> {
    const p = spawnTracked('/bin/sh', ['-c', command], { env: { ...process.env, MSWITCH_RUNDIR: rundir } });
    const status = await p.exited;
    return { code: status.code, stdout: p.stdoutLines().join('\n'), stderr: p.stderrLines().join('\n') };
  }
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const mswitch = (...args: string[]): Promise<Run> => sh([process.execPath, mswitchBin(), ...args].map(quote).join(' '));
  async function ok(...args: string[]): Promise<string> {
    const r = await mswitch(...args);
    expect(r.code, `mswitch ${args.join(' ')}: ${r.stderr}`).to.equal(0);
    return r.stdout;
  }

  beforeEach(async () => {
    rundir = makeTempRunDir();
    await startDaemon({ rundir });
    await ok('add-br', 'of0', '--logic', 'openflow');
  });
  afterEach(async () => {
    await killAllTracked();
    removeTempDir(rundir);
  });

  it('add-flow, mod-flows, del-flows and dump-flows in ovs-ofctl\'s words and format', async () => {
    await ok('add-flow', 'of0', 'priority=10,in_port=1,actions=output:2');
    await ok('add-flow', 'of0', 'table=1,cookie=0x5,idle_timeout=10,priority=20,ip,nw_dst=10.0.0.1,actions=drop');
    expect(stable(await ok('dump-flows', 'of0'))).to.equal([
      ' cookie=0x0, duration=Ds, table=0, n_packets=0, n_bytes=0, priority=10,in_port=1 actions=output:2',
      ' cookie=0x5, duration=Ds, table=1, n_packets=0, n_bytes=0, idle_timeout=10, priority=20,ip,nw_dst=10.0.0.1 actions=drop',
    ].join('\n'));
    expect(stable(await ok('dump-flows', 'of0', 'table=1'))).to.match(/^ cookie=0x5, .* actions=drop$/);

    await ok('mod-flows', 'of0', 'in_port=1,actions=output:3');
    expect(await ok('dump-flows', 'of0', 'in_port=1')).to.match(/priority=10,in_port=1 actions=output:3$/);
    await ok('mod-flows', 'of0', '--strict', 'priority=11,in_port=1,actions=output:4');
    expect(await ok('dump-flows', 'of0', 'in_port=1')).to.match(/actions=output:3$/);

    const bad = await mswitch('add-flow', 'of0', 'priority=10,tp_dst=80,actions=output:2');
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/^mswitch add-flow: body\.flow: tp_dst: prerequisites not met .*\(FLOW_SYNTAX\)$/);

    await ok('del-flows', 'of0', '--strict', 'priority=11,in_port=1');
    expect((await ok('dump-flows', 'of0')).split('\n')).to.have.length(2);
    await ok('del-flows', 'of0', 'in_port=1');
    expect(await ok('dump-flows', 'of0')).to.match(/^ cookie=0x5, .*actions=drop$/);
    await ok('del-flows', 'of0');
    expect(await ok('dump-flows', 'of0')).to.equal('');

    const l2 = await mswitch('dump-flows', 'br0');
    expect(l2.code).to.equal(1);
    expect(l2.stderr).to.match(/\(NOT_OPENFLOW\)$/);
  });

  it('add-flows FILE (and - for stdin): comments skipped, refused flows reported by line, the others added', async () => {
    const file = join(rundir, 'flows.txt');
    writeFileSync(file, [
      '# a comment',
      'priority=10,ip,actions=output:1',
      '',
      'check_overlap,priority=10,ip,nw_dst=10.0.0.1,actions=output:2',
      '  priority=5,actions=drop  ',
    ].join('\n'));
    const r = await mswitch('add-flows', 'of0', file);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/^mswitch add-flows: 1 of 3 flows refused \(the others were added\):\nline 4: flow_mod_failed\.overlap: .+ \(FLOW_REFUSED\)$/);
    expect((await ok('dump-flows', 'of0')).split('\n')).to.have.length(2);

    const stdinFile = join(rundir, 'more.txt');
    writeFileSync(stdinFile, 'priority=1,in_port=2,actions=output:3\npriority=2,in_port=3,actions=output:2\n');
    const viaStdin = await sh(`${quote(process.execPath)} ${quote(mswitchBin())} add-flows of0 - < ${quote(stdinFile)}`);
    expect(viaStdin.code, viaStdin.stderr).to.equal(0);
    expect((await ok('dump-flows', 'of0')).split('\n')).to.have.length(4);
  });

  it('add-flows refuses a file with a syntax error before sending anything (exit 2, with the line)', async () => {
    const file = join(rundir, 'bad.txt');
    writeFileSync(file, 'priority=1,actions=drop\npriority=2,frobnicate=1,actions=drop\n');
    const r = await mswitch('add-flows', 'of0', file);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`mswitch add-flows: ${file}: line 2: unknown keyword frobnicate`);
    expect(await ok('dump-flows', 'of0')).to.equal('');
  });

  it('add-flows sends a large file in requests under the API\'s limits', async () => {
    const lines = Array.from({ length: 1500 }, (_, i) => `priority=${i + 1},ip,nw_dst=10.${(i >> 8) & 255}.${i & 255}.1,actions=output:2`);
    const parts = chunks(flowLines(lines.join('\n')));
    expect(parts.length).to.be.greaterThan(2);
    for (const p of parts) {
      expect(p.length).to.be.at.most(500);
      expect(Buffer.byteLength(JSON.stringify({ flows: p.map((x) => x.flow) }))).to.be.below(16 * 1024);
    }
    expect(parts.flat().map((p) => p.line)).to.deep.equal(lines.map((_, i) => i + 1));
    const file = join(rundir, 'many.txt');
    writeFileSync(file, lines.join('\n'));
    await ok('add-flows', 'of0', file);
    expect((await ok('dump-flows', 'of0')).split('\n')).to.have.length(1500);
  });

  it('add-group, mod-group, dump-groups and del-groups', async () => {
    await ok('add-group', 'of0', 'group_id=1,type=all,bucket=output:1,bucket=output:2');
    await ok('add-group', 'of0', 'group_id=2,type=select,bucket=weight:2,actions=output:3');
    expect(await ok('dump-groups', 'of0')).to.equal([
      'OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):',
      ' group_id=1,type=all,bucket=actions=output:1,bucket=actions=output:2',
      ' group_id=2,type=select,bucket=weight:2,actions=output:3',
    ].join('\n'));
    const dup = await mswitch('add-group', 'of0', 'group_id=1,type=all');
    expect(dup.code).to.equal(1);
    expect(dup.stderr).to.match(/group_mod_failed\.group_exists: .*\(GROUP_EXISTS\)$/);
    await ok('mod-group', 'of0', 'group_id=1,type=indirect,bucket=output:4');
    expect(await ok('dump-groups', 'of0', 'group_id=1')).to.equal('OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):\n group_id=1,type=indirect,bucket=actions=output:4');
    await ok('del-groups', 'of0', 'group_id=1');
    expect((await ok('dump-groups', 'of0')).split('\n')).to.have.length(2);
    await ok('del-groups', 'of0');
    expect(await ok('dump-groups', 'of0')).to.equal('OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):');
    const usage = await mswitch('del-groups', 'of0', '7');
    expect(usage.code).to.equal(2);
  });

  it('add-meter, mod-meter, dump-meters and del-meters', async () => {
    await ok('add-meter', 'of0', 'meter=1,kbps,band=type=drop,rate=1000');
    await ok('add-meter', 'of0', 'meter=2 pktps burst bands=type=drop rate=10 burst_size=3');
    expect(await ok('dump-meters', 'of0')).to.equal([
      'OFPST_METER_CONFIG reply (OF1.3) (xid=0x2):',
      'meter=1 kbps bands=',
      'type=drop rate=1000',
      'meter=2 pktps burst bands=',
      'type=drop rate=10 burst_size=3',
    ].join('\n'));
    const dup = await mswitch('add-meter', 'of0', 'meter=1,kbps,band=type=drop,rate=5');
    expect(dup.code).to.equal(1);
    expect(dup.stderr).to.match(/meter_mod_failed\.meter_exists: .*\(METER_EXISTS\)$/);
    await ok('mod-meter', 'of0', 'meter=1,kbps,band=type=drop,rate=2000');
    expect(await ok('dump-meters', 'of0', 'meter=1')).to.equal('OFPST_METER_CONFIG reply (OF1.3) (xid=0x2):\nmeter=1 kbps bands=\ntype=drop rate=2000');
    await ok('del-meters', 'of0', 'meter=1');
    await ok('del-meters', 'of0');
    expect(await ok('dump-meters', 'of0')).to.equal('OFPST_METER_CONFIG reply (OF1.3) (xid=0x2):');
    expect((await mswitch('dump-meters', 'of0', 'meter=0')).code).to.equal(2);
  });

  it('trace prints the flows a frame hits and what leaves', async () => {
    await ok('add-flow', 'of0', 'priority=10,in_port=1,actions=output:2');
    const hex = '020000000002' + '020000000001' + '88b5' + '00'.repeat(46);
    expect(await ok('trace', 'of0', 'in_port=1', hex)).to.equal([
      'table 0: priority=10,in_port=1,actions=output:2',
      `output 2: 60 bytes ${hex}`,
      'Final: 2',
    ].join('\n'));
    expect(await ok('trace', 'of0', 'in_port=3', hex)).to.equal('table 0: no match (table miss)\nFinal: drop');
    expect((await mswitch('trace', 'of0', 'port1', hex)).code).to.equal(2);
    expect((await mswitch('trace', 'of0', 'in_port=1', 'zz')).code).to.equal(2);
  });
});
