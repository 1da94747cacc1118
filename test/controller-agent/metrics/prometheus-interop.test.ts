// Our metrics against Prometheus itself (Debian's prometheus package):
// `promtool check metrics` lints the exposition, and a real Prometheus
// server, started here on loopback with a temp config and TSDB, scrapes
// the standalone metrics listener and answers for our series over its
// HTTP API.  Pending when the binaries are missing.
import { spawnSync } from 'child_process';
import { accessSync, constants, writeFileSync } from 'fs';
import { createServer } from 'net';
import { delimiter, join } from 'path';

import { expect } from 'chai';

import { MetricsCollector } from '../../../controller-agent/src/metrics/collector';
import { startMetricsServer } from '../../../controller-agent/src/metrics/server';
import type { MetricsServer } from '../../../controller-agent/src/metrics/server';
import type { Rig } from '../../datapath/switch-rig';
import { killTracked, spawnTracked } from '../../support/processes';
import type { TrackedProcess } from '../../support/processes';
import { makeTempDir, removeTempDir } from '../../support/tmp-dir';
import { waitForAsync } from '../../support/wait';
import { SENT, byPort, trafficRig } from './traffic-rig';

function findExecutable(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin']) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

// A TCP port free on loopback a moment ago, for a child to listen on.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

// Runs `promtool check metrics` on 'text'; resolves what it printed.
function promtoolCheck(promtool: string, text: string): { status: number | null; output: string } {
  const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('metrics: Prometheus interop', function () {
  this.timeout(90_000);
  const promtool = findExecutable('promtool');
  const prometheus = findExecutable('prometheus');
  let rig: Rig | undefined;

  afterEach(() => {
    rig?.close();
    rig = undefined;
  });

  it('passes promtool check metrics with no switch and with a busy one', async function () {
    if (!promtool) this.skip();
    const empty = promtoolCheck(promtool!, await new MetricsCollector({ switches: () => [] }).metrics());
    expect(empty, 'no switches').to.deep.equal({ status: 0, output: '' });
    rig = await trafficRig();
    const text = await new MetricsCollector({ switches: () => [rig!.sw] }).metrics();
    expect(text).to.match(/mswitch_port_drops_total\{bridge="br0",port="2",reason="no-space"\} [1-9]/);
    expect(promtoolCheck(promtool!, text), 'a switch with traffic and drops').to.deep.equal({ status: 0, output: '' });
  });

  describe('a Prometheus server scraping the metrics listener', function () {
    let dir: string | undefined;
    let server: MetricsServer | undefined;
    let prom: TrackedProcess | undefined;

    after(async () => {
      if (prom) await killTracked(prom, 'SIGTERM');
      await server?.close();
      removeTempDir(dir);
    });

    it('returns our series with the values the switch counted', async function () {
      if (!prometheus) this.skip();
      rig = await trafficRig();
      const sw = rig.sw;
      server = await startMetricsServer('127.0.0.1', 0, { switches: () => [sw] });
      dir = makeTempDir('msw-prom-');
      const config = join(dir, 'prometheus.yml');
      writeFileSync(config, [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: mswitch',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${server.port}']`,
        '',
      ].join('\n'));
      const webPort = await freePort();
      prom = spawnTracked(prometheus!, [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
      ]);
      await prom.waitForLine('stderr', (l) => l.includes('Server is ready to receive web requests'), { what: 'prometheus ready', timeoutMs: 30_000 });

      const want = byPort(sw);
      const query = async (q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
        const res = await fetch(`http://127.0.0.1:${webPort}/api/v1/query?query=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(5000) });
        const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
        expect(body.status).to.equal('success');
        return body.data.result;
      };
      let got: Awaited<ReturnType<typeof query>> = [];
      await waitForAsync(async () => {
        got = await query('mswitch_port_receive_packets_total');
        return got.length === want.size;
      }, { what: 'prometheus to have scraped every port', timeoutMs: 30_000, intervalMs: 250, abortIf: () => (prom!.exitStatus() ? `prometheus exited\n${prom!.tail()}` : undefined) });
      for (const r of got) {
        expect(r.metric.job).to.equal('mswitch');
        expect(r.metric.bridge).to.equal('br0');
        expect(Number(r.value[1]), `port ${r.metric.port}`).to.equal(want.get(Number(r.metric.port))!.rxPackets);
      }
      expect(Number(got.find((r) => r.metric.port === '1')!.value[1])).to.equal(SENT.a);
      const drops = await query('mswitch_port_drops_total{reason="port-down"}');
      expect(Number(drops.find((r) => r.metric.port === '2')!.value[1])).to.equal(SENT.b);
      const up = await query('up{job="mswitch"}');
      expect(up.map((r) => r.value[1])).to.deep.equal(['1']);
    });
  });
});
