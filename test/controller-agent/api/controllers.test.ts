// REST controllers routes: GET/PUT/DELETE /switches/{name}/controllers and
// PUT /switches/{name}/fail-mode, through app.inject() and over the real
// unix socket, against a test controller that answers HELLO with our codec.
import { expect } from 'chai';
import * as net from 'node:net';

import { testController } from './test-controller';
import { waitFor, waitForAsync } from '../../support/wait';
import { makeApiRig, viaHttp, viaInject } from './api-rig';
import type { ApiRig, Transport } from './api-rig';

describe('REST API controllers', () => {
  let rig: ApiRig | undefined;
  let ctl: Awaited<ReturnType<typeof testController>> | undefined;
  afterEach(async () => {
    await rig?.close();
    await ctl?.close();
    rig = ctl = undefined;
  });

  const exercise = async (call: Transport): Promise<void> => {
    ctl = await testController();
    let r = await call({ method: 'GET', url: '/switches/br0/controllers' });
    expect(r.status).to.equal(200);
    expect(r.json).to.deep.equal({ targets: [], listeners: [], failMode: 'standalone', protocols: ['OpenFlow10', 'OpenFlow13'], openflow: false, sessions: [], connections: [] });

    r = await call({ method: 'PUT', url: '/switches/br0/controllers', body: { targets: [ctl.target], failMode: 'secure', protocols: ['OpenFlow13'] } });
    expect(r.status).to.equal(200);
    expect(r.json).to.include({ failMode: 'secure', openflow: true });
    expect(r.json.targets).to.deep.equal([ctl.target]);
    expect(r.json.protocols).to.deep.equal(['OpenFlow13']);

    let live: any;   // the GET answer, asserted on below
    await waitForAsync(async () => {
      live = (await call({ method: 'GET', url: '/switches/br0/controllers' })).json;
      return live.sessions[0]?.role === 'master';
    }, { what: 'the controller connected as master', timeoutMs: 5000 });
    expect(live.sessions).to.have.length(1);
    expect(live.sessions[0]).to.include({ target: ctl.target, kind: 'active', connected: true, role: 'master', version: 'OpenFlow13', packetInSent: 0, packetInDropped: 0 });
    expect(Date.parse(live.sessions[0].since)).to.be.a('number').and.not.NaN;
    expect(live.connections).to.deep.equal([{ target: ctl.target, state: 'connected', attempts: 1 }]);
    // The change is recorded in the switch's configuration (what the state store saves).
    expect(rig!.daemon.getControllers('br0').config).to.include({ failMode: 'secure' });

    r = await call({ method: 'PUT', url: '/switches/br0/fail-mode', body: { failMode: 'standalone' } });
    expect(r.status).to.equal(200);
    expect(r.json).to.include({ failMode: 'standalone' });
    expect(r.json.targets).to.deep.equal([ctl.target]);

    r = await call({ method: 'DELETE', url: '/switches/br0/controllers' });
    expect(r.status).to.equal(204);
    await waitFor(() => ctl!.peers[0].socket.destroyed || ctl!.peers[0].socket.readableEnded, { what: 'the switch to hang up' });
    r = await call({ method: 'GET', url: '/switches/br0/controllers' });
    expect(r.json).to.include({ openflow: false });
    expect(r.json.targets).to.deep.equal([]);
    expect(r.json.sessions).to.deep.equal([]);
  };

  it('sets, reads live state, changes fail mode and deletes controllers through app.inject()', async function () {
    this.timeout(10_000);
    rig = await makeApiRig();
    await exercise(viaInject(rig.unixApp));
  });

  it('does the same over the real unix socket', async function () {
    this.timeout(10_000);
    rig = await makeApiRig({ listen: true });
    await exercise(viaHttp({ socketPath: rig.addresses!.socket }));
  });

  it('exports controller metrics: connected, role, connects, disconnects by reason, echo RTT (bounded labels: the configured target)', async function () {
    this.timeout(15_000);
    rig = await makeApiRig();
    const call = viaInject(rig.unixApp);
    ctl = await testController();
    await call({ method: 'PUT', url: '/switches/br0/controllers', body: { targets: [ctl.target] } });
    const metrics = async (): Promise<string> => (await call({ method: 'GET', url: '/metrics' })).text;
    await waitForAsync(async () => (await metrics()).includes(`mswitch_controller_role{bridge="br0",target="${ctl!.target}",role="master"} 1`), { what: 'master in the metrics', timeoutMs: 5000 });
    let m = await metrics();
    expect(m).to.include(`mswitch_controller_connected{bridge="br0",target="${ctl.target}"} 1`);
    expect(m).to.include(`mswitch_controller_role{bridge="br0",target="${ctl.target}",role="slave"} 0`);
    expect(m).to.include(`mswitch_controller_connects_total{bridge="br0",target="${ctl.target}"} 1`);
    expect(m).to.include('# TYPE mswitch_controller_echo_rtt_seconds histogram');
    await call({ method: 'DELETE', url: '/switches/br0/controllers' });
    m = await metrics();
    expect(m).to.include(`mswitch_controller_disconnects_total{bridge="br0",target="${ctl.target}",reason="removed"} 1`);
    expect(m).not.to.include('mswitch_controller_connected{');
  });

  it('refuses wrong targets with CONTROLLER_TARGET naming the field and target, and changes nothing', async () => {
    rig = await makeApiRig();
    const call = viaInject(rig.unixApp);
    const cases: [unknown, string, RegExp][] = [
      [{ targets: ['tcp:127.0.0.1:6653', 'tcp:h:99999'] }, 'body.targets[1]', /'tcp:h:99999': port '99999' is not 1..65535/],
      [{ targets: ['ptcp:6653'] }, 'body.targets[0]', /'ptcp:6653' is a listener/],
      [{ listeners: ['tcp:1.2.3.4'] }, 'body.listeners[0]', /not a listener/],
      [{ targets: ['ssl:1.2.3.4'] }, 'body.targets[0]', /needs the switch's "tls"/],
      [{ targets: ['unix:/tmp/elsewhere.sock'] }, 'body.targets[0]', /outside the run directory/],
      [{ listeners: ['ptcp:6653:not-an-ip'] }, 'body.listeners[0]', /'not-an-ip' is not an IP address/],
    ];
    for (const [body, field, message] of cases) {
      const r = await call({ method: 'PUT', url: '/switches/br0/controllers', body });
      expect(r.status, JSON.stringify(body)).to.equal(400);
      expect(r.json).to.include({ code: 'CONTROLLER_TARGET', field });
      expect(r.json.message).to.match(message);
    }
    expect((await call({ method: 'GET', url: '/switches/br0/controllers' })).json.targets).to.deep.equal([]);
  });

  it('answers LISTEN_FAILED when a listener cannot bind, reporting what runs', async () => {
    rig = await makeApiRig();
    const call = viaInject(rig.unixApp);
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const r = await call({ method: 'PUT', url: '/switches/br0/controllers', body: { listeners: [`ptcp:${port}:127.0.0.1`] } });
      expect(r.status).to.equal(409);
      expect(r.json.code).to.equal('LISTEN_FAILED');
      expect(r.json.message).to.match(/EADDRINUSE/);
      expect((await call({ method: 'GET', url: '/switches/br0/controllers' })).json.listeners).to.deep.equal([]);
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });

  it('validates bodies (unknown field, bad fail mode, empty protocols) and unknown switches', async () => {
    rig = await makeApiRig();
    const call = viaInject(rig.unixApp);
    const bad: [string, string, unknown, number, string][] = [
      ['PUT', '/switches/br0/controllers', { target: [] }, 400, 'VALIDATION_FAILED'],
      ['PUT', '/switches/br0/controllers', { protocols: [] }, 400, 'VALIDATION_FAILED'],
      ['PUT', '/switches/br0/fail-mode', { failMode: 'open' }, 400, 'VALIDATION_FAILED'],
      ['GET', '/switches/nope/controllers', undefined, 404, 'SWITCH_NOT_FOUND'],
      ['PUT', '/switches/nope/controllers', { targets: [] }, 404, 'SWITCH_NOT_FOUND'],
      ['DELETE', '/switches/nope/controllers', undefined, 404, 'SWITCH_NOT_FOUND'],
      ['PUT', '/switches/nope/fail-mode', { failMode: 'secure' }, 404, 'SWITCH_NOT_FOUND'],
    ];
    for (const [method, url, body, status, code] of bad) {
      const r = await call({ method, url, ...(body !== undefined && { body }) });
      expect([r.status, r.json.code], `${method} ${url}`).to.deep.equal([status, code]);
    }
  });
});
