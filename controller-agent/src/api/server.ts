// Serves the REST API for the daemon: on the unix socket
// <rundir>/mswitch.sock and, unless disabled, on TCP (127.0.0.1:8080 by
// default).
//
// The unix socket is created with mode 0600 (umask 0177 around the bind,
// then an explicit chmod): whoever can open it is the daemon's owner, so
// no token is asked there; this is what the CLI uses.  A stale socket left
// by a crashed daemon is replaced (the daemon holds the run directory's
// pid file before this runs, so no live daemon owns it); the socket is
// removed on shutdown.  TCP calls that change something need the bearer
// token (app.ts).  Each transport gets its own fastify instance built from
// the same spec; both also serve the Prometheus /metrics route (metrics/).
import { chmodSync } from 'fs';

import type { FastifyInstance } from 'fastify';

import { apiSocketPath } from '../config';
import type { Config } from '../config';
import type { Daemon, DaemonService } from '../daemon';
import { removeSocketFile } from '../daemon';
import type { Logger } from '../log';
import { registerApiRequestFamilies } from '../metrics/api-requests';
import type { ApiRequestMetrics } from '../metrics/api-requests';
import { registerMetricsRoute } from '../metrics/route';
import type { MetricsCollector } from '../metrics/collector';
import { buildApiApp } from './app';
import type { ApiAppOptions } from './app';

// GET /metrics on every API listener, one collector (and registry) shared
// between them, which also counts and times every API request
// (metrics/api-requests.ts), labelled with the transport it came by.
export function metricsPlugin(): NonNullable<ApiAppOptions['plugins']>[number] {
  let collector: MetricsCollector | undefined;
  let requests: ApiRequestMetrics | undefined;
  return (app, daemon) => {
    collector = registerMetricsRoute(app, { switches: () => daemon.switches().map((r) => r.sw) }, { collector });
    requests ??= registerApiRequestFamilies(collector.registry);
    requests.instrument(app, () => {
      // A listening app's address is its socket path (unix) or an object
      // (tcp); an app that never listened answers inject() only.
      const addr = app.server.address();
      return addr === null ? 'inject' : typeof addr === 'string' ? 'unix' : 'tcp';
    });
  };
}

export interface ApiServerAddresses {
  socket: string;
  tcp?: { host: string; port: number };   // the bound port (useful with port 0)
}

export class ApiServer {
  private apps: FastifyInstance[] = [];
  private socketPath: string | undefined;
  addresses: ApiServerAddresses | undefined;

  constructor(private readonly config: Config, private readonly log: Logger) {}

  async start(daemon: Daemon): Promise<ApiServerAddresses> {
    const plugins = [metricsPlugin()];
    const socket = apiSocketPath(this.config.rundir);
    try {
      if (removeSocketFile(socket)) {
        this.log.info({ event: 'stale-socket', socket }, `removed stale API socket ${socket}`);
      }
      const unixApp = await buildApiApp({ daemon, log: this.log, transport: 'unix', plugins });
      this.apps.push(unixApp);
      const oldMask = process.umask(0o177);
      try {
        await unixApp.listen({ path: socket });
      } finally {
        process.umask(oldMask);
      }
      this.socketPath = socket;
      chmodSync(socket, 0o600);
      this.addresses = { socket };
      this.log.info({ event: 'api-listen', transport: 'unix', socket }, `REST API on ${socket}`);

      const listen = this.config.api.listen;
      if (listen !== undefined) {
        const tcpApp = await buildApiApp({ daemon, log: this.log, transport: 'tcp', token: this.config.api.token, plugins });
        this.apps.push(tcpApp);
        await tcpApp.listen({ host: listen.host, port: listen.port });
        const addr = tcpApp.server.address();
        const port = typeof addr === 'object' && addr !== null ? addr.port : listen.port;
        this.addresses.tcp = { host: listen.host, port };
        this.log.info(
          { event: 'api-listen', transport: 'tcp', host: listen.host, port, token: this.config.api.token !== undefined },
          `REST API on http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}` +
          (this.config.api.token === undefined ? ' (no token configured: read-only over TCP)' : ''));
      }
      return this.addresses;
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  // Closes the listeners and removes the socket; never throws.
  async stop(): Promise<void> {
    for (const app of this.apps.splice(0).reverse()) {
      try {
        await app.close();
      } catch (e) {
        this.log.error({ event: 'stop-error', err: e }, `closing the REST API: ${(e as Error).message}`);
      }
    }
    if (this.socketPath !== undefined) {
      try {
        removeSocketFile(this.socketPath);
      } catch (e) {
        this.log.error({ event: 'stop-error', err: e }, `removing ${this.socketPath}: ${(e as Error).message}`);
      }
      this.socketPath = undefined;
    }
  }
}

// The API as a daemon service (see Daemon.addService).
export function apiService(config: Config, log: Logger): DaemonService & { server: ApiServer } {
  const server = new ApiServer(config, log);
  return {
    name: 'REST API',
    server,
    start: async (daemon) => { await server.start(daemon); },
    stop: () => server.stop(),
  };
}
