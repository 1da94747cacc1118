// Every route of the REST API, with a daemon in this process: the same
// walk through the resources over app.inject(), the real unix socket and
// real TCP (with the token), then each error code and validation rule.
import { expect } from 'chai';
import { existsSync, statSync } from 'fs';
import { join } from 'path';

import { API_ERRORS } from '../../../controller-agent/src/api/errors';
import type { ApiErrorCode } from '../../../controller-agent/src/api/errors';
import { loadSpec } from '../../../controller-agent/src/api/spec';
import { killTracked, spawnTracked } from '../../support/processes';
import { TOKEN, makeApiRig, viaHttp, viaInject } from './api-rig';
import type { Answer, ApiRig, Call, Transport } from './api-rig';

const post = (url: string, body: unknown): Call => ({ method: 'POST', url, body });
const put = (url: string, body: unknown): Call => ({ method: 'PUT', url, body });
const get = (url: string): Call => ({ method: 'GET', url });
const del = (url: string): Call => ({ method: 'DELETE', url });

function expectError(a: Answer, code: ApiErrorCode, field?: string): void {
  expect(a.status, a.text).to.equal(API_ERRORS[code].status);
  expect(a.json, a.text).to.include({ code, statusCode: API_ERRORS[code].status });
  expect(a.json.message).to.be.a('string').and.not.equal('');
  if (field !== undefined) expect(a.json.field, a.text).to.equal(field);
}

// The walk: every operation once, in an order where each finds what the
// previous ones made.
async function walk(call: Transport, rundir: string): Promise<void> {
  let a = await call(get('/health'));
  expect(a.status, a.text).to.equal(200);
  expect(a.json).to.include({ status: 'ok', pid: process.pid, switches: 1 });

  a = await call(get('/switches'));
  expect(a.json.switches.map((s: { name: string }) => s.name)).to.deep.equal(['br0']);

  a = await call(post('/switches', { name: 'br1', workers: 2, batchSize: 64, mode: 'vale', logic: 'static', logicConfig: '1=2 2=1' }));
  expect(a.status, a.text).to.equal(201);
  expect(a.json).to.deep.equal({
    name: 'br1', workers: 2, batchSize: 64, mode: 'vale', logic: 'static', logicConfig: '1=2 2=1',
    memifSocket: join(rundir, 'br1.memif'), ports: 0,
  });
  expect(statSync(join(rundir, 'br1.memif')).isSocket()).to.equal(true);

  a = await call(get('/switches/br1'));
  expect(a.json).to.include({ name: 'br1', logic: 'static' });

  a = await call(post('/switches/br1/ports', { type: 'memif', id: 7, port: 3, name: 'vm1', worker: 1 }));
  expect(a.status, a.text).to.equal(201);
  expect(a.json).to.include({ port: 3, name: 'vm1', type: 'memif', up: false, memifId: 7 });
  expect(a.json.stats).to.deep.equal({ rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, rxDropped: 0, rxErrors: 0, txDropped: 0, txErrors: 0, drops: 0 });
  expect(a.json.drops).to.include({ 'logic-drop': 0, 'no-space': 0 });

  a = await call(post('/switches/br1/ports', { type: 'memif', id: 8 }));
  expect(a.json).to.include({ port: 1, name: 'memif8' });

  a = await call(get('/switches/br1/ports'));
  expect(a.json.ports.map((p: { port: number }) => p.port)).to.deep.equal([1, 3]);
  expect((await call(get('/switches/br1/ports/3'))).json).to.include({ name: 'vm1' });
  expect((await call(get('/switches/br1/ports/vm1'))).json).to.include({ port: 3 });

  a = await call(get('/logics'));
  expect(a.json.logics.map((l: { name: string }) => l.name)).to.include.members(['l2-learning', 'static']);

  a = await call(put('/switches/br1/logic', { name: 'l2-learning' }));
  expect(a.status, a.text).to.equal(200);
  expect(a.json.logic).to.equal('l2-learning');
  expect(a.json).to.not.have.property('logicConfig');

  a = await call(post('/switches/br1/logic/control', { command: 'show' }));
  expect(a.status, a.text).to.equal(200);
  expect(a.json.reply).to.be.a('string');

  a = await call(put('/switches/br1/mode', { mode: 'mswitch' }));
  expect(a.json.mode).to.equal('mswitch');

  a = await call(get('/switches/br1/stats'));
  expect(a.json).to.include({ name: 'br1', mode: 'mswitch', logic: 'l2-learning' });
  expect(a.json.workers).to.have.length(2);
  expect(a.json.workers[0]).to.have.all.keys('index', 'queues', 'batches', 'frames', 'busySeconds', 'idleSeconds', 'wakeups');

  a = await call(del('/switches/br1/ports/vm1'));
  expect(a.status, a.text).to.equal(204);
  expect(a.text).to.equal('');
  expect((await call(get('/switches/br1/ports'))).json.ports).to.have.length(1);

  a = await call(del('/switches/br1'));
  expect(a.status, a.text).to.equal(204);
  expect(existsSync(join(rundir, 'br1.memif'))).to.equal(false);
  expectError(await call(get('/switches/br1')), 'SWITCH_NOT_FOUND', 'params.name');
}

describe('REST API routes', () => {
  let rig: ApiRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  describe('every route, three ways', () => {
    it('through app.inject()', async () => {
      rig = await makeApiRig();
      await walk(viaInject(rig.unixApp), rig.rundir);
    });

    it('over the real unix socket <rundir>/mswitch.sock (mode 0600, no token)', async () => {
      rig = await makeApiRig({ listen: true });
      const socket = join(rig.rundir, 'mswitch.sock');
      expect(rig.addresses?.socket).to.equal(socket);
      expect(statSync(socket).mode & 0o777).to.equal(0o600);
      await walk(viaHttp({ socketPath: socket }), rig.rundir);
    });

    it('over real TCP on loopback with the bearer token', async () => {
      rig = await makeApiRig({ listen: true });
      const tcp = rig.addresses?.tcp as { host: string; port: number };
      expect(tcp.host).to.equal('127.0.0.1');
      await walk(viaHttp(tcp, { authorization: `Bearer ${TOKEN}` }), rig.rundir);
    });

    it('validates over real sockets too: unknown field 400 naming it, oversized body 413, unknown switch 404', async () => {
      rig = await makeApiRig({ listen: true });
      const ways: [string, Transport][] = [
        ['unix', viaHttp({ socketPath: join(rig.rundir, 'mswitch.sock') })],
        ['tcp', viaHttp(rig.addresses?.tcp as { host: string; port: number }, { authorization: `Bearer ${TOKEN}` })],
      ];
      for (const [, call] of ways) {
        expectError(await call(post('/switches', { name: 'br3', wokers: 2 })), 'VALIDATION_FAILED', 'body.wokers');
        expectError(await call(post('/switches', { name: 'br3', logicConfig: 'x'.repeat(64 * 1024) })), 'BODY_TOO_LARGE');
        expectError(await call(get('/switches/br9/ports')), 'SWITCH_NOT_FOUND', 'params.name');
        expectError(await call(del('/switches/br0/ports/42')), 'PORT_NOT_FOUND', 'params.port');
      }
      expect((await ways[0][1](get('/switches'))).json.switches).to.have.length(1);
    });

    it('removes the socket when the server stops, and replaces a stale one', async () => {
      rig = await makeApiRig({ listen: true });
      const socket = join(rig.rundir, 'mswitch.sock');
      await rig.server?.stop();
      expect(existsSync(socket)).to.equal(false);
      // A socket file nobody listens on, as a crashed daemon leaves it.
      const holder = spawnTracked(process.execPath, ['-e',
        `require('net').createServer().listen(${JSON.stringify(socket)}, () => console.log('listening'))`]);
      await holder.waitForLine('stdout', (l) => l === 'listening', { what: 'the socket holder' });
      await killTracked(holder, 'SIGKILL');
      expect(statSync(socket).isSocket()).to.equal(true);
      await rig.server?.start(rig.daemon);
      const a = await viaHttp({ socketPath: socket })(get('/health'));
      expect(a.status).to.equal(200);
    });
  });

  describe('over TCP, mutating calls need the token', () => {
    const create = (headers: Record<string, string> = {}): Call => ({ ...post('/switches', { name: 'br2' }), headers });

    it('401 without a token or with a wrong one, 201 with the right one; reads need none (app.inject)', async () => {
      rig = await makeApiRig();
      const call = viaInject(rig.tcpApp);
      expectError(await call(create()), 'UNAUTHORIZED');
      expectError(await call(create({ authorization: `Bearer ${TOKEN}x` })), 'UNAUTHORIZED');
      expectError(await call(create({ authorization: 'Bearer short' })), 'UNAUTHORIZED');
      expectError(await call(create({ authorization: `Basic ${TOKEN}` })), 'UNAUTHORIZED');
      // Checked before the body is read: a bad body without a token is a 401, not a 400.
      expectError(await call({ ...post('/switches', { bogus: 1 }) }), 'UNAUTHORIZED');
      expectError(await call(del('/switches/br0')), 'UNAUTHORIZED');
      expect((await call(get('/switches'))).status).to.equal(200);
      expect((await call(create({ authorization: `Bearer ${TOKEN}` }))).status).to.equal(201);
    });

    it('401 without or with a wrong token over a real TCP socket, ok with the right one', async () => {
      rig = await makeApiRig({ listen: true });
      const tcp = rig.addresses?.tcp as { host: string; port: number };
      expectError(await viaHttp(tcp)(create()), 'UNAUTHORIZED');
      expectError(await viaHttp(tcp, { authorization: 'Bearer wrong-token-wrong-token' })(create()), 'UNAUTHORIZED');
      expect((await viaHttp(tcp, { authorization: `Bearer ${TOKEN}` })(create())).status).to.equal(201);
      expect((await viaHttp(tcp)(get('/switches/br2'))).status).to.equal(200);
    });

    it('refuses every mutating TCP call when no token is configured, naming the fix', async () => {
      rig = await makeApiRig({ token: null });
      const call = viaInject(rig.tcpApp);
      const a = await call(create({ authorization: 'Bearer anything-at-all-here' }));
      expectError(a, 'TOKEN_NOT_CONFIGURED');
      expect(a.json.message).to.include('MSWITCH_API_TOKEN');
      expect((await call(get('/health'))).status).to.equal(200);
      // The unix socket needs none.
      expect((await viaInject(rig.unixApp)(create())).status).to.equal(201);
    });
  });

  describe('validation and errors', () => {
    let call: Transport;
    beforeEach(async () => {
      rig = await makeApiRig();
      call = viaInject(rig.unixApp);
    });

    const refusals: [string, Call, ApiErrorCode, string | undefined][] = [
      ['an unknown field, named', post('/switches', { name: 'br3', wokers: 2 }), 'VALIDATION_FAILED', 'body.wokers'],
      ['an unknown nested-free field on a port', post('/switches/br0/ports', { type: 'memif', id: 1, speed: 10 }), 'VALIDATION_FAILED', 'body.speed'],
      ['a tap option on a memif port', post('/switches/br0/ports', { type: 'memif', id: 1, mtu: 9000 }), 'INVALID_ARGUMENT', 'body.mtu'],
      ['a memif id on a Linux port', post('/switches/br0/ports', { type: 'afpacket', ifname: 'lo', id: 1 }), 'INVALID_ARGUMENT', 'body.id'],
      ['a Linux port on no interface', post('/switches/br0/ports', { ifname: 'msw-none0' }), 'INVALID_ARGUMENT', 'body.ifname'],
      ['a missing required field', post('/switches', { workers: 2 }), 'VALIDATION_FAILED', 'body.name'],
      ['a string for a number', post('/switches', { name: 'br3', workers: '2' }), 'VALIDATION_FAILED', 'body.workers'],
      ['a number out of range', post('/switches', { name: 'br3', workers: 17 }), 'VALIDATION_FAILED', 'body.workers'],
      ['a bad bridge name', post('/switches', { name: 'a/b' }), 'VALIDATION_FAILED', 'body.name'],
      ['a bridge name too long', post('/switches', { name: 'b'.repeat(16) }), 'VALIDATION_FAILED', 'body.name'],
      ['an unknown enum value', put('/switches/br0/mode', { mode: 'fast' }), 'VALIDATION_FAILED', 'body.mode'],
      ['an unknown port type', post('/switches/br0/ports', { type: 'vhost', id: 1 }), 'VALIDATION_FAILED', 'body.type'],
      ['a port number out of range', post('/switches/br0/ports', { type: 'memif', id: 1, port: 4096 }), 'VALIDATION_FAILED', 'body.port'],
      ['a bad switch name in the url', get('/switches/a..%2Fb'), 'VALIDATION_FAILED', 'params.name'],
      ['a body that is not an object', { method: 'POST', url: '/switches', raw: '[1]', headers: { 'content-type': 'application/json' } }, 'VALIDATION_FAILED', 'body'],
      ['invalid JSON', { method: 'POST', url: '/switches', raw: '{"name":', headers: { 'content-type': 'application/json' } }, 'INVALID_JSON', undefined],
      ['a body that is not JSON', { method: 'POST', url: '/switches', raw: 'name=br3', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 'UNSUPPORTED_MEDIA_TYPE', undefined],
      ['a body over 16 KiB', post('/switches', { name: 'br3', logicConfig: 'x'.repeat(17 * 1024) }), 'BODY_TOO_LARGE', undefined],
      ['an unknown switch', get('/switches/br9'), 'SWITCH_NOT_FOUND', 'params.name'],
      ['an unknown switch for ports', post('/switches/br9/ports', { type: 'memif', id: 1 }), 'SWITCH_NOT_FOUND', 'params.name'],
      ['an unknown port number', get('/switches/br0/ports/99'), 'PORT_NOT_FOUND', 'params.port'],
      ['an unknown port name', del('/switches/br0/ports/nope'), 'PORT_NOT_FOUND', 'params.port'],
      ['an existing switch', post('/switches', { name: 'br0' }), 'SWITCH_EXISTS', 'body.name'],
      ['an unknown logic at creation', post('/switches', { name: 'br3', logic: 'nope' }), 'UNKNOWN_LOGIC', undefined],
      ['a logic config the logic refuses', post('/switches', { name: 'br3', logic: 'static', logicConfig: 'garbage' }), 'LOGIC_CONFIG_REFUSED', undefined],
      ['an unknown logic on a swap', put('/switches/br0/logic', { name: 'nope' }), 'UNKNOWN_LOGIC', undefined],
      ['a command the logic refuses', post('/switches/br0/logic/control', { command: 'bogus' }), 'LOGIC_COMMAND_FAILED', undefined],
      ['a worker the switch does not have', post('/switches/br0/ports', { type: 'memif', id: 1, worker: 5 }), 'INVALID_ARGUMENT', undefined],
      ['an unknown route', get('/bridges'), 'ROUTE_NOT_FOUND', undefined],
    ];
    for (const [what, c, code, field] of refusals) {
      it(`${code} for ${what}`, async () => {
        expectError(await call(c), code, field);
        // Nothing was half-made.
        const sw = (await call(get('/switches'))).json.switches;
        expect(sw.map((s: { name: string }) => s.name)).to.deep.equal(['br0']);
        expect(existsSync(join((rig as ApiRig).rundir, 'br3.memif'))).to.equal(false);
      });
    }

    it('PORT_EXISTS for a taken memif id, port number or port name', async () => {
      expect((await call(post('/switches/br0/ports', { type: 'memif', id: 1, port: 5, name: 'a' }))).status).to.equal(201);
      expectError(await call(post('/switches/br0/ports', { type: 'memif', id: 1 })), 'PORT_EXISTS');
      expectError(await call(post('/switches/br0/ports', { type: 'memif', id: 2, port: 5 })), 'PORT_EXISTS');
      expectError(await call(post('/switches/br0/ports', { type: 'memif', id: 3, name: 'a' })), 'PORT_EXISTS', 'body.name');
      expect((await call(get('/switches/br0/ports'))).json.ports).to.have.length(1);
    });

    it('serves the spec itself at /docs/json and the UI at /docs', async () => {
      const a = await call(get('/docs/json'));
      expect(a.status).to.equal(200);
      const spec = loadSpec();
      expect(a.json.info).to.deep.equal(spec.info);
      expect(Object.keys(a.json.paths)).to.deep.equal(Object.keys(spec.paths));
      const ui = await call(get('/docs/'));
      expect(ui.status).to.equal(200);
      expect(ui.headers['content-type']).to.match(/text\/html/);
    });

    it('serves /metrics beside the API', async () => {
      const a = await call(get('/metrics'));
      expect(a.status).to.equal(200);
      expect(a.text).to.match(/^# HELP mswitch_/m);
    });
  });
});
