// `mswitch start` as a real process: memif socket, a client's port coming
// up in the log, the pid file, clean shutdown on SIGTERM and SIGINT, and
// the refusals (a second daemon, an unknown logic).  Needs the native
// addon (npm run build:native).
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import type * as Datapath from '../../controller-agent/src/datapath';
import type { NativeMemifClient } from '../../controller-agent/src/datapath';
import { startDaemon } from '../support/daemon-process';
import type { DaemonProcess } from '../support/daemon-process';
import { killAllTracked, spawnTracked } from '../support/processes';
import { makeTempRunDir, removeTempDir } from '../support/tmp-dir';
import { waitForPath } from '../support/wait';

describe('mswitch start (daemon process)', function () {
  let datapath: typeof Datapath;
  let rundir: string | undefined;
  const clients: NativeMemifClient[] = [];

  before(async () => {
    // Loaded here so that a missing addon fails these tests, not the run.
    datapath = await import('../../controller-agent/src/datapath');
  });
  beforeEach(() => { rundir = makeTempRunDir(); });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await killAllTracked();
    removeTempDir(rundir);
  });

  const connect = (opts: Datapath.MemifClientOptions): NativeMemifClient => {
    const c = new datapath.MemifClient(opts);
    clients.push(c);
    return c;
  };

  async function stopWith(d: DaemonProcess, signal: NodeJS.Signals): Promise<void> {
    process.kill(d.proc.pid, signal);
    const status = await d.proc.exited;
    expect(status, d.proc.tail()).to.deep.equal({ code: 0, signal: null });
    expect(existsSync(d.socket()), 'memif socket left behind').to.equal(false);
    expect(existsSync(d.pidFile), 'pid file left behind').to.equal(false);
    expect(d.logs().some((l) => l.event === 'stopped' && l.clean === true)).to.equal(true);
  }

  it('serves a memif client on <rundir>/br0.memif, logs its port up and down, exits 0 on SIGTERM', async () => {
    const d = await startDaemon({ rundir: rundir as string });
    await waitForPath(d.socket());
    expect(readFileSync(d.pidFile, 'utf8')).to.equal(`${d.proc.pid}\n`);

    const client = connect({ socket: d.socket(), id: 0, name: 'daemon-test' });
    const up = await d.waitForLog((l) => l.event === 'port-up', { what: 'a port-up log line' });
    expect(up).to.include({ switch: 'br0', memifId: 0 });
    expect(up.client).to.be.a('string').and.include('daemon-test');
    expect(up.port).to.be.a('number').and.at.least(1);
    expect(client.connected()).to.equal(true);

    client.close();
    const down = await d.waitForLog((l) => l.event === 'port-down', { what: 'a port-down log line' });
    expect(down).to.include({ switch: 'br0', memifId: 0, port: up.port });
    expect(down.reason).to.be.a('string').and.not.equal('');

    await stopWith(d, 'SIGTERM');
  });

  it('also listens on the abstract socket name, as DPDK clients dial by default', async () => {
    const d = await startDaemon({ rundir: rundir as string });
    connect({ socket: d.socket(), abstract: true, id: 4, name: 'abstract-client' });
    const up = await d.waitForLog((l) => l.event === 'port-up', { what: 'a port-up log line' });
    expect(up).to.include({ memifId: 4 });
    expect(up.client).to.be.a('string').and.include('abstract-client');
    await stopWith(d, 'SIGINT');
  });

  it('pre-creates interfaces 0..N-1 with --memif-ports N and takes --bridge, --workers, --logic', async () => {
    const d = await startDaemon({
      rundir: rundir as string,
      args: ['--memif-ports', '3', '--bridge', 'edge1', '--workers', '2', '--logic', 'static', '--mode', 'vale'],
    });
    const added = d.logs().filter((l) => l.event === 'port-added');
    expect(added.map((l) => l.memifId)).to.deep.equal([0, 1, 2]);
    expect(added.every((l) => l.switch === 'edge1')).to.equal(true);
    expect(existsSync(d.socket('edge1'))).to.equal(true);
    connect({ socket: d.socket('edge1'), id: 2 });
    const up = await d.waitForLog((l) => l.event === 'port-up', { what: 'a port-up log line' });
    expect(up.port).to.equal(added[2].port);
    process.kill(d.proc.pid, 'SIGTERM');
    expect((await d.proc.exited).code).to.equal(0);
    expect(existsSync(d.socket('edge1'))).to.equal(false);
  });

  it('refuses to start while another daemon holds the run directory', async () => {
    const first = await startDaemon({ rundir: rundir as string });
    const second = await startDaemon({ rundir: rundir as string, waitStarted: false });
    const status = await second.proc.exited;
    expect(status.code, second.proc.tail()).to.equal(1);
    const fatal = second.logs().find((l) => l.event === 'start-failed');
    expect(fatal?.msg).to.include(`pid ${first.proc.pid}`);
    // The first daemon is untouched.
    expect(readFileSync(first.pidFile, 'utf8')).to.equal(`${first.proc.pid}\n`);
    expect(existsSync(first.socket())).to.equal(true);
    await stopWith(first, 'SIGTERM');
  });

  it('replaces a stale pid file and a stale socket left by a crashed daemon', async () => {
    const dir = rundir as string;
    const dead = spawnTracked(process.execPath, ['-e', '0']);
    await dead.exited;
    writeFileSync(join(dir, 'mswitch.pid'), `${dead.pid}\n`);
    // A socket file with no listener: its owner was killed before unlinking it.
    const holder = spawnTracked(process.execPath, ['-e',
      `require('net').createServer().listen(${JSON.stringify(join(dir, 'br0.memif'))}, () => console.log('listening'))`]);
    await holder.waitForLine('stdout', (l) => l === 'listening', { what: 'the socket holder' });
    process.kill(holder.pid, 'SIGKILL');
    await holder.exited;
    expect(existsSync(join(dir, 'br0.memif'))).to.equal(true);

    const d = await startDaemon({ rundir: dir });
    expect(d.logs().some((l) => l.event === 'stale-socket')).to.equal(true);
    connect({ socket: d.socket(), id: 0 });
    await d.waitForLog((l) => l.event === 'port-up', { what: 'a port-up log line' });
    await stopWith(d, 'SIGTERM');
  });

  it('fails with exit 1 on an unknown logic and leaves nothing behind', async () => {
    const d = await startDaemon({ rundir: rundir as string, args: ['--logic', 'no-such-logic'], waitStarted: false });
    const status = await d.proc.exited;
    expect(status.code, d.proc.tail()).to.equal(1);
    const fatal = d.logs().find((l) => l.event === 'start-failed');
    expect(fatal?.msg).to.include('no-such-logic');
    expect(existsSync(d.socket())).to.equal(false);
    expect(existsSync(d.pidFile)).to.equal(false);
  });
});
