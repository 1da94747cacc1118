// A listener that serves only GET /metrics, for operators who scrape on a
// separate address (a management network, a port the REST API does not
// share).  It has no authentication: the metrics hold counters and the
// names the configuration gave, nothing a client chose freely, and it
// listens where it is told (loopback unless configured otherwise).
import Fastify from 'fastify';

import type { MetricsCollector, MetricsSource } from './collector';
import { registerMetricsRoute } from './route';

export interface MetricsServer {
  readonly host: string;
  readonly port: number;        // the bound one, also when asked for 0
  readonly url: string;         // http://host:port/metrics
  readonly collector: MetricsCollector;
  close(): Promise<void>;
}

// Listens on 'host':'port' (0: any free port); resolves once listening.
export async function startMetricsServer(host: string, port: number, source: MetricsSource): Promise<MetricsServer> {
  const app = Fastify({ logger: false });
  const collector = registerMetricsRoute(app, source);
  await app.listen({ host, port });
  const addr = app.server.address();
  const bound = addr !== null && typeof addr === 'object' ? addr.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port: bound,
    url: `http://${urlHost}:${bound}/metrics`,
    collector,
    close: () => app.close(),
  };
}
