// A daemon in the test process with its REST API, for the API tests: the
// same Daemon and ApiServer `mswitch start` runs, on a temporary run
// directory, plus the fastify apps for app.inject() and a small HTTP client
// for the real unix socket and TCP listeners.
import { request } from 'http';
import type { OutgoingHttpHeaders } from 'http';

import type { FastifyInstance } from 'fastify';

import { buildApiApp } from '../../../controller-agent/src/api/app';
import { ApiServer, metricsPlugin } from '../../../controller-agent/src/api/server';
import type { ApiServerAddresses } from '../../../controller-agent/src/api/server';
import { buildConfig } from '../../../controller-agent/src/config';
import { Daemon } from '../../../controller-agent/src/daemon';
import { createLogger } from '../../../controller-agent/src/log';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';

export const TOKEN = 'test-token-0123456789abcdef';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;   // the parsed body (any: the tests assert on its shape)
}

export interface Call {
  method: string;
  url: string;
  body?: unknown;           // JSON-encoded unless 'raw' is given
  raw?: string | Buffer;
  headers?: OutgoingHttpHeaders;
}

// One way of reaching the API: app.inject() or a real listener.
export type Transport = (c: Call) => Promise<Answer>;

const parse = (status: number, headers: Answer['headers'], text: string): Answer => {
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
};

const payloadOf = (c: Call): { data?: string | Buffer; headers: OutgoingHttpHeaders } => {
  if (c.raw !== undefined) return { data: c.raw, headers: { ...c.headers } };
  if (c.body === undefined) return { headers: { ...c.headers } };
  return { data: JSON.stringify(c.body), headers: { 'content-type': 'application/json', ...c.headers } };
};

export const viaInject = (app: FastifyInstance): Transport => async (c) => {
  const { data, headers } = payloadOf(c);
  const r = await app.inject({ method: c.method as 'GET', url: c.url, headers: headers as Record<string, string>, ...(data !== undefined && { payload: data }) });
  return parse(r.statusCode, r.headers as Answer['headers'], r.payload);
};

export const viaHttp = (target: { socketPath: string } | { host: string; port: number }, extraHeaders: OutgoingHttpHeaders = {}): Transport =>
  (c) => new Promise((resolve, reject) => {
    const { data, headers } = payloadOf(c);
    const req = request({ ...target, method: c.method, path: c.url, headers: { ...extraHeaders, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => resolve(parse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8'))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });

export interface ApiRig {
  rundir: string;
  daemon: Daemon;
  unixApp: FastifyInstance;        // for app.inject(), unix rules
  tcpApp: FastifyInstance;         // for app.inject(), TCP rules with TOKEN
  server?: ApiServer;              // real listeners, when asked for
  addresses?: ApiServerAddresses;
  close(): Promise<void>;
}

// A daemon with the default switch br0; 'listen' also starts the real
// listeners (unix socket and TCP on a free loopback port, with TOKEN).
export async function makeApiRig(opts: { listen?: boolean; token?: string | null } = {}): Promise<ApiRig> {
  const rundir = makeTempRunDir();
  const log = createLogger({ level: 'silent' });
  const token = opts.token === null ? undefined : opts.token ?? TOKEN;
  const config = buildConfig({ env: { MSWITCH_RUNDIR: rundir, MSWITCH_API_LISTEN: '127.0.0.1:0', ...(token !== undefined && { MSWITCH_API_TOKEN: token }) } });
  const daemon = new Daemon(config, log);
  await daemon.start();
  const apps: FastifyInstance[] = [];
  let server: ApiServer | undefined;
  const rig: ApiRig = {
    rundir,
    daemon,
    unixApp: await buildApiApp({ daemon, log, transport: 'unix', plugins: [metricsPlugin()] }),
    tcpApp: await buildApiApp({ daemon, log, transport: 'tcp', token, plugins: [metricsPlugin()] }),
    async close() {
      for (const a of apps) await a.close();
      if (server !== undefined) await server.stop();
      await daemon.shutdown();
      removeTempDir(rundir);
    },
  };
  apps.push(rig.unixApp, rig.tcpApp);
  if (opts.listen) {
    server = new ApiServer(config, log);
    rig.server = server;
    rig.addresses = await server.start(daemon);
  }
  return rig;
}
