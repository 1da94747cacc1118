// The metrics part of the agent: collector (families, read at scrape time),
// route (GET /metrics on any fastify app) and an optional own listener.
export { DROP_SIDES, MetricsCollector, expectedSeries, seriesPerPort, SERIES_PER_SWITCH, SERIES_PER_WORKER } from './collector';
export type { DropSide, MetricsCollectorOptions, MetricsSource } from './collector';
export { registerMetricsRoute } from './route';
export type { MetricsRouteOptions } from './route';
export { startMetricsServer } from './server';
export type { MetricsServer } from './server';
