// Channels: target strings, active targets reconnecting with exponential
// backoff to a controller that comes up late (real TCP on 127.0.0.1), the
// management socket, and which sessions count as controllers.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';

import { parseActiveTarget, parsePassiveTarget } from '../../../controller-agent/src/agent/channel-targets';
import { ControllerManager } from '../../../controller-agent/src/agent/controller-manager';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { waitFor } from '../../support/wait';
import { captureLog, FakeHandler, negotiatedVersion, OfPeer, startRig, type Rig } from './session-rig';

describe('agent channels: target strings', () => {
  it('parses active targets with the 6653 default and bracketed IPv6', () => {
    expect(parseActiveTarget('tcp:10.0.0.1:6633')).to.deep.include({ kind: 'tcp', host: '10.0.0.1', port: 6633 });
    expect(parseActiveTarget('tcp:ctl.example')).to.deep.include({ kind: 'tcp', host: 'ctl.example', port: 6653 });
    expect(parseActiveTarget('ssl:[::1]:6654')).to.deep.include({ kind: 'ssl', host: '::1', port: 6654 });
    expect(parseActiveTarget('unix:/run/ctl.sock')).to.deep.include({ kind: 'unix', path: '/run/ctl.sock' });
  });

  it('parses passive targets: port first, then the address', () => {
    expect(parsePassiveTarget('ptcp:')).to.deep.include({ kind: 'ptcp', port: 6653, host: undefined });
    expect(parsePassiveTarget('ptcp:6633:127.0.0.1')).to.deep.include({ kind: 'ptcp', port: 6633, host: '127.0.0.1' });
    expect(parsePassiveTarget('pssl:0:[::1]')).to.deep.include({ kind: 'pssl', port: 0, host: '::1' });
    expect(parsePassiveTarget('punix:/run/x.mgmt')).to.deep.include({ kind: 'punix', path: '/run/x.mgmt' });
  });

  const bad: [string, RegExp][] = [
    ['tcp', /no scheme/],
    ['http:1.2.3.4:80', /expected tcp:HOST\[:PORT\]/],
    ['tcp::6653', /no host/],
    ['tcp:1.2.3.4:0', /port '0' is not 1..65535/],
    ['tcp:1.2.3.4:70000', /port '70000'/],
    ['tcp:::1:6653', /an IPv6 host must be written in brackets/],
    ['unix:', /no socket path/],
  ];
  for (const [text, why] of bad) {
    it(`refuses '${text}' saying why`, () => {
      expect(() => parseActiveTarget(text)).to.throw(new RegExp(`OpenFlow target '${text.replace(/[[\]]/g, '\\$&')}': ${why.source}`));
    });
  }

  it('refuses a passive target with a bad address or port', () => {
    expect(() => parsePassiveTarget('ptcp:6653:nothost')).to.throw(/'nothost' is not an IP address/);
    expect(() => parsePassiveTarget('ptcp:x')).to.throw(/port 'x'/);
    expect(() => parsePassiveTarget('tcp:1.2.3.4')).to.throw(/expected ptcp:/);
  });

  it('refuses a configuration that cannot work before connecting anything', () => {
    const { log } = captureLog();
    const base = { bridge: 'br9', rundir: '/nonexistent', handler: new FakeHandler(), log, targets: [], listeners: [], protocols: [4] };
    expect(() => new ControllerManager({ ...base, protocols: [2] })).to.throw(/version 0x2 is not supported/);
    expect(() => new ControllerManager({ ...base, protocols: [] })).to.throw(/no OpenFlow version/);
    expect(() => new ControllerManager({ ...base, targets: ['ptcp:6653'] })).to.throw(/is a listener, not a controller target/);
    expect(() => new ControllerManager({ ...base, targets: ['ssl:1.2.3.4'] })).to.throw(/'ssl:1.2.3.4' needs tls/);
    expect(() => new ControllerManager({ ...base, listeners: ['ptcp:99999'] })).to.throw(/port '99999'/);
  });
});

// A free TCP port on 127.0.0.1: bound then released.
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('agent channels: active targets', () => {
  let manager: ControllerManager | undefined;
  let server: net.Server | undefined;
  let rundir: string | undefined;
  afterEach(async () => {
    await manager?.stop();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    removeTempDir(rundir);
    manager = server = rundir = undefined;
  });

  it('reconnects with exponential backoff to a controller that comes up late, and again after it drops the connection', async function () {
    this.timeout(10_000);
    const port = await freePort();
    rundir = makeTempRunDir();
    const { log, records } = captureLog();
    const handler = new FakeHandler();
    manager = new ControllerManager({
      bridge: 'br0', rundir, handler, log, targets: [`tcp:127.0.0.1:${port}`], listeners: [], protocols: [4], noMgmtSocket: true,
      minBackoffMs: 50, maxBackoffMs: 400,
    });
    await manager.start();
    // Refused attempts, delays doubling up to the cap: 50, 100, 200, 400, 400, ...
    // An attempt counts when it starts, so wait for the sixth to have failed and its backoff to be running.
    await waitFor(() => (manager?.status().targets[0].attempts ?? 0) >= 6 && manager?.status().targets[0].state === 'backoff', { what: 'six failed connect attempts', timeoutMs: 4000 });
    const delays = records.filter((r) => r.event === 'openflow_reconnect').map((r) => r.delayMs);
    expect(delays.slice(0, 5)).to.deep.equal([50, 100, 200, 400, 400]);
    expect(records.find((r) => r.event === 'openflow_reconnect')?.reason).to.match(/connection failed: connect ECONNREFUSED 127.0.0.1:\d+/);

    // The controller comes up: the switch connects within the cap and sends its HELLO first.
    const accepted: OfPeer[] = [];
    server = net.createServer((s) => accepted.push(new OfPeer(s)));
    await new Promise<void>((r) => server?.listen(port, '127.0.0.1', r));
    const first = await waitFor(() => accepted[0], { what: 'the switch to connect', timeoutMs: 2000 });
    expect((await first.nextRaw()).toString('hex')).to.equal('0400001000000000000100080000001' + '0');
    first.send({ version: 4, xid: 1, type: 'OFPT_HELLO', versions: [4] });
    await waitFor(() => manager?.status().sessions[0]?.connected, { what: 'negotiation' });
    expect(manager.status().targets[0]).to.include({ state: 'connected' });
    expect(manager.status().sessions[0]).to.include({ target: `tcp:127.0.0.1:${port}`, kind: 'active', version: 4, role: 'OFPCR_ROLE_EQUAL' });
    expect(handler.connectedCounts).to.deep.equal([1]);

    // The controller drops us: after a negotiated session the backoff starts over at 50 ms.
    const before = records.filter((r) => r.event === 'openflow_reconnect').length;
    first.end();
    const second = await waitFor(() => accepted[1], { what: 'the reconnect', timeoutMs: 2000 });
    expect(records.filter((r) => r.event === 'openflow_reconnect').slice(before).map((r) => r.delayMs)).to.deep.equal([50]);
    expect(records.some((r) => r.event === 'openflow_disconnect' && r.reason === 'connection closed by peer')).to.equal(true);
    await second.expect('OFPT_HELLO');
    second.send({ version: 4, xid: 1, type: 'OFPT_HELLO' });
    await waitFor(() => manager?.status().sessions[0]?.connected, { what: 'negotiation again' });
    expect(handler.connectedCounts).to.deep.equal([1, 0, 1]);
    second.end();
  });

  it('stops reconnecting when stopped', async () => {
    const port = await freePort();
    rundir = makeTempRunDir();
    const { log } = captureLog();
    manager = new ControllerManager({
      bridge: 'br0', rundir, handler: new FakeHandler(), log, targets: [`tcp:127.0.0.1:${port}`], listeners: [], protocols: [4], noMgmtSocket: true,
      minBackoffMs: 20, maxBackoffMs: 20,
    });
    await manager.start();
    await waitFor(() => (manager?.status().targets[0].attempts ?? 0) >= 2, { what: 'two attempts' });
    await manager.stop();
    const accepted: net.Socket[] = [];
    server = net.createServer((s) => accepted.push(s));
    await new Promise<void>((r) => server?.listen(port, '127.0.0.1', r));
    await new Promise((r) => setTimeout(r, 150));
    expect(accepted).to.have.length(0);
    for (const s of accepted) s.destroy();
  });
});

describe('agent channels: the management socket', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('serves <rundir>/<bridge>.mgmt; its sessions are not controllers for fail modes, ptcp ones are', async () => {
    rig = await startRig();
    const path = join(rig.rundir, 'br0.mgmt');
    expect(rig.manager.mgmtPath).to.equal(path);
    const ofctl = await OfPeer.connect({ path });
    await ofctl.expect('OFPT_HELLO');
    ofctl.send({ version: 4, xid: 1, type: 'OFPT_HELLO', versions: [4] });
    ofctl.send({ version: 4, xid: 2, type: 'OFPT_FEATURES_REQUEST' });
    expect(await ofctl.expect('OFPT_FEATURES_REPLY')).to.include({ xid: 2, datapathId: 0xabn });
    expect(rig.handler.connectedCounts).to.deep.equal([]);
    const ctl = await OfPeer.connect({ host: '127.0.0.1', port: rig.port });
    await ctl.expect('OFPT_HELLO');
    ctl.send({ version: 4, xid: 1, type: 'OFPT_HELLO' });
    await negotiatedVersion(rig, 2);
    expect(rig.handler.connectedCounts).to.deep.equal([1]);
    expect(rig.manager.status().sessions.map((s) => s.target).sort()).to.deep.equal([`ptcp:0:127.0.0.1`, `unix:${path}`.replace('unix:', 'punix:')]);
    ctl.end();
    ofctl.end();
    await waitFor(() => rig?.handler.connectedCounts.length === 2, { what: 'the count to drop' });
    expect(rig.handler.connectedCounts).to.deep.equal([1, 0]);
    await rig.manager.stop();
    expect(existsSync(path)).to.equal(false);
  });

  it('replaces a stale socket file but never a live one, nor a regular file', async () => {
    const rundir = makeTempRunDir();
    const mgmt = join(rundir, 'br0.mgmt');
    const { log } = captureLog();
    const make = (): ControllerManager => new ControllerManager({ bridge: 'br0', rundir, handler: new FakeHandler(), log, targets: [], listeners: [], protocols: [4] });
    try {
      // A live socket of another process: refused, left alone.
      const live = net.createServer();
      await new Promise<void>((r) => live.listen(mgmt, r));
      let err = '';
      await make().start().catch((e: Error) => (err = e.message));
      expect(err).to.match(/bridge br0: punix:.*br0.mgmt: another process is listening on it/);
      await new Promise<void>((r) => live.close(() => r()));

      // A socket file nobody listens on, as a crashed daemon leaves: bound by a process that exits without unlinking.
      execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', mgmt]);
      expect(existsSync(mgmt)).to.equal(true);
      const m = make();
      await m.start();
      const peer = await OfPeer.connect({ path: mgmt });
      await peer.expect('OFPT_HELLO');
      peer.end();
      await m.stop();

      writeFileSync(mgmt, 'not a socket');
      err = '';
      await make().start().catch((e: Error) => (err = e.message));
      expect(err).to.match(/the path exists and is not a socket/);
    } finally {
      removeTempDir(rundir);
    }
  });
});
