// GET /metrics on a fastify app: the collector's Prometheus text
// exposition.  The REST API mounts it on its own listeners; server.ts
// mounts it alone on a separate metrics address.  Every request reads the
// native counters afresh (collector.ts); there is no cache to go stale.
import type { FastifyInstance } from 'fastify';

import { MetricsCollector } from './collector';
import type { MetricsSource } from './collector';

export interface MetricsRouteOptions {
  path?: string;                 // default '/metrics'
  collector?: MetricsCollector;  // share one (and its registry) between routes
}

// Adds the route to 'app' and returns the collector behind it, whose
// registry other parts may register their own families into.
export function registerMetricsRoute(app: FastifyInstance, source: MetricsSource, opts: MetricsRouteOptions = {}): MetricsCollector {
  const collector = opts.collector ?? new MetricsCollector(source);
  app.get(opts.path ?? '/metrics', async (_request, reply) => {
    const body = await collector.metrics();
    return reply.header('cache-control', 'no-store').type(collector.contentType).send(body);
  });
  return collector;
}
