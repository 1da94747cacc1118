// REST request metrics through the daemon's real listeners: requests are
// counted per transport, method, route template and status code, timed
// per route template, never labelled with a URL a client chose, and
// promtool accepts the families.
import { spawnSync } from 'child_process';

import { expect } from 'chai';

import { DURATION_BUCKETS, routeTemplate } from '../../../controller-agent/src/metrics/api-requests';
import { TOKEN, makeApiRig, viaHttp } from '../api/api-rig';
import type { ApiRig, Transport } from '../api/api-rig';
import { parseExposition } from './exposition';

describe('metrics: REST API requests', function () {
  this.timeout(30_000);
  let rig: ApiRig | undefined;

  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('writes fastify route URLs as the spec\'s path templates', () => {
    expect(routeTemplate('/switches/:name/ports/:port')).to.equal('/switches/{name}/ports/{port}');
    expect(routeTemplate('/health')).to.equal('/health');
    expect(routeTemplate(undefined)).to.equal('unmatched');
  });

  it('counts and times requests by transport, method, route template and code', async () => {
    rig = await makeApiRig({ listen: true });
    const unix: Transport = viaHttp({ socketPath: rig.addresses!.socket });
    const tcp: Transport = viaHttp(rig.addresses!.tcp!, { authorization: `Bearer ${TOKEN}` });
    for (let i = 0; i < 3; i++) expect((await unix({ method: 'GET', url: '/health' })).status).to.equal(200);
    expect((await unix({ method: 'GET', url: '/switches/br0' })).status).to.equal(200);
    expect((await unix({ method: 'GET', url: '/switches/nosuch' })).status).to.equal(404);
    expect((await unix({ method: 'GET', url: '/no/such/route?x=1' })).status).to.equal(404);
    expect((await tcp({ method: 'POST', url: '/switches', body: { name: 'br9', bogus: 1 } })).status).to.equal(400);
    expect((await tcp({ method: 'GET', url: '/switches/br0/ports' })).status).to.equal(200);

    const res = await unix({ method: 'GET', url: '/metrics' });
    const m = parseExposition(res.text);
    const count = (labels: Record<string, string>): number => m.value('mswitch_api_requests_total', labels);
    expect(count({ transport: 'unix', method: 'GET', route: '/health', code: '200' })).to.equal(3);
    expect(count({ transport: 'unix', method: 'GET', route: '/switches/{name}', code: '200' })).to.equal(1);
    expect(count({ transport: 'unix', method: 'GET', route: '/switches/{name}', code: '404' })).to.equal(1);
    expect(count({ transport: 'unix', method: 'GET', route: 'unmatched', code: '404' })).to.equal(1);
    expect(count({ transport: 'tcp', method: 'POST', route: '/switches', code: '400' })).to.equal(1);
    expect(count({ transport: 'tcp', method: 'GET', route: '/switches/{name}/ports', code: '200' })).to.equal(1);
    // No label holds what the client wrote in the URL.
    const values = m.samples.filter((s) => s.name.startsWith('mswitch_api_')).flatMap((s) => Object.values(s.labels));
    for (const v of ['br0', 'nosuch', '/no/such/route', 'x=1', 'br9']) expect(values.some((x) => x.includes(v)), v).to.equal(false);

    const h = { transport: 'unix', method: 'GET', route: '/health' };
    expect(m.types.get('mswitch_api_request_duration_seconds')).to.equal('histogram');
    expect(m.value('mswitch_api_request_duration_seconds_count', h)).to.equal(3);
    expect(m.value('mswitch_api_request_duration_seconds_sum', h)).to.be.greaterThan(0).and.below(30);
    expect(m.find('mswitch_api_request_duration_seconds_bucket', h)).to.have.length(DURATION_BUCKETS.length + 1);
    expect(m.value('mswitch_api_request_duration_seconds_bucket', { ...h, le: '+Inf' })).to.equal(3);
  });

  it('passes promtool check metrics with the request families', async function () {
    if (spawnSync('sh', ['-c', 'command -v promtool']).status !== 0) this.skip();
    rig = await makeApiRig({ listen: true });
    const unix: Transport = viaHttp({ socketPath: rig.addresses!.socket });
    await unix({ method: 'GET', url: '/health' });
    await unix({ method: 'GET', url: '/nope' });
    const text = (await unix({ method: 'GET', url: '/metrics' })).text;
    expect(text).to.include('mswitch_api_requests_total{');
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: r.status, output: `${r.stdout}${r.stderr}` }).to.deep.equal({ status: 0, output: '' });
  });
});
