// Prometheus families of the REST API's own traffic: requests by
// transport, method, route template and status code, and their durations
// by transport, method and route template.
//
// Design: the route label is the spec's path template
// (`/switches/{name}/flows`), never the URL a client sent, so a series
// exists per operation and not per switch name or query string; a
// request no route matched counts under route="unmatched".  The status
// code is a label of the counter only: the histogram's buckets times every
// code would multiply the series for nothing a dashboard asks.  Series:
// per (transport, method, route) used, 1 counter per status code seen and
// DURATION_BUCKETS.length + 3 histogram lines.
//
// Thread-safety: JS thread only (fastify's onResponse hook).
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';

export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface ApiRequestMetrics {
  // Adds the hook that counts 'app''s requests under the transport
  // 'transport' names (unix, tcp, inject), asked per request.
  instrument(app: FastifyInstance, transport: () => string): void;
}

// fastify's '/switches/:name/flows' as the spec writes it, '/switches/{name}/flows'.
export const routeTemplate = (url: string | undefined): string =>
  url === undefined || url === '' ? 'unmatched' : url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

// Registers the two families in 'registry' once; instrument() each app.
export function registerApiRequestFamilies(registry: Registry): ApiRequestMetrics {
  const requests = new Counter({
    name: 'mswitch_api_requests_total',
    help: 'REST API requests answered, by transport, method, route template and HTTP status code.',
    labelNames: ['transport', 'method', 'route', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'mswitch_api_request_duration_seconds',
    help: 'Seconds from a REST API request\'s arrival to its answer, by transport, method and route template.',
    labelNames: ['transport', 'method', 'route'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    instrument(app, transport) {
      app.addHook('onResponse', async (req, reply) => {
        const via = transport();
        const route = req.is404 ? 'unmatched' : routeTemplate(req.routeOptions.url);
        requests.inc({ transport: via, method: req.method, route, code: String(reply.statusCode) });
        duration.observe({ transport: via, method: req.method, route }, reply.elapsedTime / 1000);
      });
    },
  };
}
