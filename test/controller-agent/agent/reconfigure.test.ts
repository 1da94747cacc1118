// ControllerManager.reconfigure(): targets, listeners and protocols changed
// on a running manager; what stays keeps its session, what goes is closed
// with the reason logged and counted; a wrong target changes nothing.
import { expect } from 'chai';
import * as net from 'node:net';

import { ControllerManager } from '../../../controller-agent/src/agent/controller-manager';
import { ControllerCounts } from '../../../controller-agent/src/metrics/controller-counts';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { waitFor } from '../../support/wait';
import { freePort } from './peers';
import { captureLog, FakeHandler, OfPeer } from './session-rig';

describe('agent controller manager: reconfigure', () => {
  let manager: ControllerManager | undefined;
  const servers: net.Server[] = [];
  const peers: OfPeer[] = [];
  let rundir: string | undefined;
  afterEach(async () => {
    await manager?.stop();
    for (const p of peers.splice(0)) p.end();
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
    removeTempDir(rundir);
    manager = rundir = undefined;
  });

  // A controller on a free port that answers the switch's HELLO.
  async function controller(): Promise<{ target: string; accepted: OfPeer[] }> {
    const accepted: OfPeer[] = [];
    const server = net.createServer((s) => {
      const p = new OfPeer(s);
      accepted.push(p);
      peers.push(p);
      void p.expect('OFPT_HELLO').then(() => p.send({ version: 4, xid: 1, type: 'OFPT_HELLO', versions: [4] }));
    });
    servers.push(server);
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    return { target: `tcp:127.0.0.1:${port}`, accepted };
  }

  it('adds and removes targets live: a kept one keeps its session, a removed one is closed, logged and counted', async function () {
    this.timeout(10_000);
    const a = await controller();
    const b = await controller();
    rundir = makeTempRunDir();
    const { log, records } = captureLog();
    const counts = new ControllerCounts();
    const handler = new FakeHandler();
    manager = new ControllerManager({ bridge: 'br0', rundir, handler, log, targets: [a.target], listeners: [], protocols: [4], noMgmtSocket: true, minBackoffMs: 50, counts });
    await manager.start();
    await waitFor(() => manager?.status().sessions[0]?.connected, { what: 'the first controller' });
    const firstId = manager.status().sessions[0].id;

    await manager.reconfigure({ targets: [a.target, b.target] });
    await waitFor(() => manager?.status().sessions.filter((s) => s.connected).length === 2, { what: 'both controllers' });
    expect(manager.status().sessions.map((s) => s.id)).to.include(firstId);
    expect(manager.config.targets).to.deep.equal([a.target, b.target]);
    expect(counts.connects.get(a.target)).to.equal(1);
    expect(counts.connects.get(b.target)).to.equal(1);

    await manager.reconfigure({ targets: [b.target] });
    await waitFor(() => manager?.status().sessions.length === 1, { what: 'the removed target\'s session to close' });
    expect(manager.status().sessions[0].target).to.equal(b.target);
    expect(manager.status().targets.map((t) => t.target)).to.deep.equal([b.target]);
    const closed = records.find((r) => r.event === 'openflow_disconnect' && r.target === a.target);
    expect(closed?.reason).to.equal(`controller target ${a.target} removed by configuration`);
    expect(counts.disconnects.get(`${a.target}\nremoved`)).to.equal(1);
    // The removed target is not dialled again.
    await new Promise((r) => setTimeout(r, 200));
    expect(a.accepted).to.have.length(1);
    expect(handler.connectedCounts).to.deep.equal([1, 2, 1]);
  });

  it('refuses a wrong target naming it, with nothing changed', async () => {
    rundir = makeTempRunDir();
    const { log } = captureLog();
    manager = new ControllerManager({ bridge: 'br0', rundir, handler: new FakeHandler(), log, targets: [], listeners: [], protocols: [4], noMgmtSocket: true });
    await manager.start();
    const failure = (p: Promise<void>): Promise<Error | undefined> => p.then(() => undefined, (e: Error) => e);
    expect((await failure(manager.reconfigure({ targets: ['tcp:127.0.0.1:6653', 'tcp:host:99999'] })))?.message)
      .to.equal("OpenFlow target 'tcp:host:99999': port '99999' is not 1..65535");
    expect((await failure(manager.reconfigure({ targets: ['ptcp:6653'] })))?.message).to.match(/'ptcp:6653': is a listener/);
    expect(manager.config).to.deep.equal({ targets: [], listeners: [], protocols: [4] });
    expect(manager.status().targets).to.deep.equal([]);
  });

  it('binds a new listener and closes a removed one with its sessions; a version no longer enabled closes its sessions', async function () {
    this.timeout(10_000);
    rundir = makeTempRunDir();
    const { log } = captureLog();
    manager = new ControllerManager({ bridge: 'br0', rundir, handler: new FakeHandler(), log, targets: [], listeners: [], protocols: [1, 4], noMgmtSocket: true });
    await manager.start();
    await manager.reconfigure({ listeners: ['ptcp:0:127.0.0.1'] });
    const port = manager.listenerPorts[0];
    expect(port).to.be.a('number');
    const ctl = await OfPeer.connect({ host: '127.0.0.1', port: port! });
    peers.push(ctl);
    await ctl.expect('OFPT_HELLO');
    ctl.send({ version: 1, xid: 1, type: 'OFPT_HELLO' });
    await waitFor(() => manager?.status().sessions[0]?.connected, { what: 'the 1.0 session' });
    expect(manager.status().sessions[0]).to.include({ version: 1, target: 'ptcp:0:127.0.0.1' });

    await manager.reconfigure({ protocols: [4] });
    await waitFor(() => manager?.status().sessions.length === 0, { what: 'the 1.0 session to close' });
    expect(manager.config.protocols).to.deep.equal([4]);

    await manager.reconfigure({ listeners: [] });
    expect(manager.listenerPorts).to.deep.equal([]);
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: port! });
      s.once('connect', () => { s.destroy(); resolve('connected'); });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).to.equal('ECONNREFUSED');
  });
});
