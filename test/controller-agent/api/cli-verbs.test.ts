// The CLI verbs that talk to a running daemon, each run as a user runs it
// (bin/mswitch VERB ...) against a real `mswitch start` process, plus the
// daemon's API listeners as a process sees them: the socket's mode, its
// removal on exit, TCP with the token from the environment.
import { expect } from 'chai';
import { existsSync, statSync } from 'fs';
import { join } from 'path';

import { packageVersion } from '../../../controller-agent/src/version';
import { startDaemon } from '../../support/daemon-process';
import type { DaemonProcess } from '../../support/daemon-process';
import { mswitchBin } from '../../support/paths';
import { killAllTracked, spawnTracked } from '../../support/processes';
import type { ExitStatus } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { TOKEN, viaHttp } from './api-rig';

interface Run { code: number | null; stdout: string; stderr: string; status: ExitStatus }

describe('mswitch CLI verbs against a running daemon', function () {
  this.timeout(60_000);
  let rundir: string | undefined;
  let daemon: DaemonProcess | undefined;

  // Runs `mswitch ...args` with MSWITCH_RUNDIR pointing at the daemon.
  async function mswitch(...args: string[]): Promise<Run> {
    const p = spawnTracked(process.execPath, [mswitchBin(), ...args], { env: { ...process.env, MSWITCH_RUNDIR: rundir } });
    const status = await p.exited;
    return { code: status.code, stdout: p.stdoutLines().join('\n'), stderr: p.stderrLines().join('\n'), status };
  }

  async function ok(...args: string[]): Promise<string> {
    const r = await mswitch(...args);
    expect(r.code, `mswitch ${args.join(' ')}: ${r.stderr}`).to.equal(0);
    return r.stdout;
  }

  beforeEach(() => { rundir = makeTempRunDir(); });
  afterEach(async () => {
    await killAllTracked();
    daemon = undefined;
    removeTempDir(rundir);
  });

  describe('with a daemon', () => {
    beforeEach(async () => { daemon = await startDaemon({ rundir: rundir as string }); });

    it('list-br, add-br (--may-exist), del-br (--if-exists)', async () => {
      expect(await ok('list-br')).to.equal('br0');
      await ok('add-br', 'br1', '--workers', '2', '--logic', 'static');
      expect(existsSync(join(rundir as string, 'br1.memif'))).to.equal(true);
      expect(await ok('list-br')).to.equal('br0\nbr1');

      const again = await mswitch('add-br', 'br1');
      expect(again.code).to.equal(1);
      expect(again.stderr).to.equal('mswitch add-br: switch br1 already exists (SWITCH_EXISTS)');
      await ok('add-br', 'br1', '--may-exist');

      await ok('del-br', 'br1');
      expect(existsSync(join(rundir as string, 'br1.memif'))).to.equal(false);
      const gone = await mswitch('del-br', 'br1');
      expect(gone.code).to.equal(1);
      expect(gone.stderr).to.equal('mswitch del-br: no switch named br1 (SWITCH_NOT_FOUND)');
      await ok('del-br', 'br1', '--if-exists');
      expect(await ok('list-br')).to.equal('br0');
    });

    it('add-port (--may-exist), list-ports, del-port (--if-exists), dump-ports', async () => {
      expect(await ok('add-port', 'br0', 'memif', 'id=3')).to.equal('1');
      expect(await ok('add-port', 'br0', 'memif', 'id=4', 'port=7', 'name=vm4')).to.equal('7');
      const dup = await mswitch('add-port', 'br0', 'memif', 'id=3');
      expect(dup.code).to.equal(1);
      expect(dup.stderr).to.match(/^mswitch add-port: .*\(PORT_EXISTS\)$/);
      expect(await ok('add-port', 'br0', 'memif', 'id=3', '--may-exist')).to.equal('');
      expect(await ok('list-ports', 'br0')).to.equal('memif3\nvm4');

      expect(await ok('dump-ports', 'br0')).to.equal([
        'OFPST_PORT reply (xid=0x2): 2 ports',
        '  port  1: rx pkts=0, bytes=0, drop=0, errs=0, frame=0, over=0, crc=0',
        '           tx pkts=0, bytes=0, drop=0, errs=0, coll=0',
        '  port  7: rx pkts=0, bytes=0, drop=0, errs=0, frame=0, over=0, crc=0',
        '           tx pkts=0, bytes=0, drop=0, errs=0, coll=0',
      ].join('\n'));

      await ok('del-port', 'br0', 'vm4');
      await ok('del-port', 'br0', '1');
      const missing = await mswitch('del-port', 'br0', 'vm4');
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.equal('mswitch del-port: switch br0 has no port vm4 (PORT_NOT_FOUND)');
      await ok('del-port', 'br0', 'vm4', '--if-exists');
      expect(await ok('list-ports', 'br0')).to.equal('');
      // --if-exists forgives a missing port, not a missing bridge.
      expect((await mswitch('del-port', 'br9', 'vm4', '--if-exists')).code).to.equal(1);
    });

    it('set-logic swaps live; show prints bridges, logic and ports', async () => {
      await ok('add-port', 'br0', 'memif', 'id=0');
      await ok('add-port', 'br0', 'memif', 'id=1');
      await ok('set-logic', 'br0', 'static', '1=2 2=1');
      const bad = await mswitch('set-logic', 'br0', 'nope');
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.equal('mswitch set-logic: no switching logic named \'nope\' (UNKNOWN_LOGIC)');
      const refused = await mswitch('set-logic', 'br0', 'static', 'garbage');
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.match(/\(LOGIC_CONFIG_REFUSED\)$/);

      const show = await ok('show');
      expect(show.split('\n')).to.deep.equal([
        `mswitch ${packageVersion()} (pid ${daemon?.proc.pid})`,
        '    Bridge br0',
        '        logic: static "1=2 2=1"',
        '        fabric: mswitch, workers: 1, batch: 256',
        `        memif socket: "${join(rundir as string, 'br0.memif')}"`,
        '        Port memif0',
        '            Interface memif0',
        '                type: memif',
        '                options: {id="0"}',
        '                ofport: 1',
        '                link_state: down',
        '        Port memif1',
        '            Interface memif1',
        '                type: memif',
        '                options: {id="1"}',
        '                ofport: 2',
        '                link_state: down',
      ]);
    });

    it('usage errors exit 2 and send nothing', async () => {
      for (const args of [
        ['add-br'],
        ['add-br', 'br1', '--workers', 'two'],
        ['add-br', 'br1', '--bogus'],
        ['add-port', 'br0', 'memif', 'port=3'],
        ['add-port', 'br0', 'memif', 'id=x'],
        ['add-port', 'br0', 'memif', 'id=1', 'mtu=9000'],
        ['add-port', 'br0', 'tap', 'id=1'],
        ['del-port', 'br0'],
        ['list-ports'],
      ]) {
        const r = await mswitch(...args);
        expect(r.code, `mswitch ${args.join(' ')}: ${r.stderr}`).to.equal(2);
        expect(r.stderr).to.not.equal('');
      }
      expect(await ok('list-br')).to.equal('br0');
      expect(await ok('list-ports', 'br0')).to.equal('');
    });

    it('the API socket is mode 0600 and is removed when the daemon stops', async () => {
      const socket = join(rundir as string, 'mswitch.sock');
      expect(statSync(socket).mode & 0o777).to.equal(0o600);
      process.kill((daemon as DaemonProcess).proc.pid, 'SIGTERM');
      expect((await (daemon as DaemonProcess).proc.exited).code).to.equal(0);
      expect(existsSync(socket)).to.equal(false);
    });
  });

  it('exits 3 when no daemon runs', async () => {
    for (const verb of [['list-br'], ['show'], ['add-br', 'br1'], ['dump-ports', 'br0']]) {
      const r = await mswitch(...verb);
      expect(r.code, verb.join(' ')).to.equal(3);
      expect(r.stderr).to.include('the daemon is not running');
    }
  });

  it('--help on every verb', async () => {
    for (const verb of ['list-br', 'add-br', 'del-br', 'list-ports', 'add-port', 'del-port', 'dump-ports', 'set-logic', 'show']) {
      const r = await mswitch(verb, '--help');
      expect(r.code, verb).to.equal(0);
      expect(r.stdout).to.include(`Usage: mswitch ${verb}`).and.include('--rundir');
    }
  });

  it('serves TCP at --api-listen with the token from MSWITCH_API_TOKEN', async () => {
    daemon = await startDaemon({ rundir: rundir as string, args: ['--api-listen', '127.0.0.1:0'], env: { MSWITCH_API_TOKEN: TOKEN } });
    const line = daemon.logs().find((l) => l.event === 'api-listen' && l.transport === 'tcp');
    expect(line, daemon.proc.tail()).to.not.equal(undefined);
    const tcp = { host: '127.0.0.1', port: line?.port as number };
    const body = { method: 'POST', url: '/switches', body: { name: 'br5' } };
    expect((await viaHttp(tcp)(body)).status).to.equal(401);
    expect((await viaHttp(tcp, { authorization: 'Bearer not-the-token-at-all' })(body)).status).to.equal(401);
    expect((await viaHttp(tcp, { authorization: `Bearer ${TOKEN}` })(body)).status).to.equal(201);
    expect(await ok('list-br')).to.equal('br0\nbr5');
    // Each request is logged at debug.
    await daemon.waitForLog((l) => l.event === 'api-request' && l.method === 'POST' && l.status === 201, { what: 'the request log line' });
  });
});
