// GET /metrics through fastify's inject() and over a real socket from the
// standalone metrics listener.
import { expect } from 'chai';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';

import { Switch } from '../../../controller-agent/src/datapath';
import type { NativeSwitch } from '../../../controller-agent/src/datapath';
import { MetricsCollector } from '../../../controller-agent/src/metrics/collector';
import { registerMetricsRoute } from '../../../controller-agent/src/metrics/route';
import { startMetricsServer } from '../../../controller-agent/src/metrics/server';
import type { MetricsServer } from '../../../controller-agent/src/metrics/server';
import { parseExposition } from './exposition';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

describe('metrics: route and server', function () {
  let sw: NativeSwitch | undefined;
  let app: FastifyInstance | undefined;
  let server: MetricsServer | undefined;

  beforeEach(() => {
    sw = new Switch({ name: 'br0', workers: 1 });
  });

  afterEach(async () => {
    await app?.close();
    await server?.close();
    sw?.close();
    app = server = sw = undefined;
  });

  it('serves the exposition at GET /metrics with the Prometheus text content type', async () => {
    app = Fastify();
    const collector = registerMetricsRoute(app, { switches: () => [sw!] });
    expect(collector).to.be.instanceOf(MetricsCollector);
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).to.equal(200);
    expect(res.headers['content-type']).to.equal(PROMETHEUS_TEXT);
    const m = parseExposition(res.body);
    expect(m.value('mswitch_bridge_info', { bridge: 'br0' })).to.equal(1);
    expect(m.value('mswitch_bridge_ports', { bridge: 'br0' })).to.equal(0);
    expect(m.types.get('mswitch_port_receive_packets_total')).to.equal('counter');
    expect((await app.inject({ method: 'POST', url: '/metrics' })).statusCode).to.equal(404);
  });

  it('mounts on another path and shares a collector', async () => {
    app = Fastify();
    const shared = new MetricsCollector({ switches: () => [sw!] });
    expect(registerMetricsRoute(app, { switches: () => [] }, { path: '/prom', collector: shared })).to.equal(shared);
    const res = await app.inject({ method: 'GET', url: '/prom' });
    expect(parseExposition(res.body).value('mswitch_bridge_info', { bridge: 'br0' })).to.equal(1);
  });

  it('listens on its own address and serves only /metrics', async () => {
    server = await startMetricsServer('127.0.0.1', 0, { switches: () => [sw!] });
    expect(server.port).to.be.greaterThan(0);
    expect(server.url).to.equal(`http://127.0.0.1:${server.port}/metrics`);
    const res = await fetch(server.url, { signal: AbortSignal.timeout(5000) });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal(PROMETHEUS_TEXT);
    expect(parseExposition(await res.text()).value('mswitch_bridge_info', { bridge: 'br0' })).to.equal(1);
    const other = await fetch(`http://127.0.0.1:${server.port}/`, { signal: AbortSignal.timeout(5000) });
    expect(other.status).to.equal(404);
  });
});
