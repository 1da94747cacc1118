// A passive OpenFlow endpoint: a ptcp:/pssl: listener that controllers
// connect to, or a punix: socket, of which the bridge's management socket
// <rundir>/<bridge>.mgmt (where `ovs-ofctl show br0` connects when
// OVS_RUNDIR names our run directory) is one.
//
// What?  start() listens and resolves once the endpoint is bound (or
// rejects saying which target failed and why); each accepted connection is
// handed to a new session.  stop() closes the endpoint and removes a unix
// socket file it created.
//
// Design.  pssl: is mutual TLS 1.2+: a client must present a certificate
// signed by the configured CA or the handshake fails (logged with the
// reason, the connection never reaches a session).  A unix socket path
// left behind by a crashed daemon is removed before binding, but only
// after a connect attempt shows nobody is listening there: a live socket
// of another process is never stolen.
//
// Thread-safety: event-loop only.

import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { Logger } from '../log';
import type { PassiveTarget } from './channel-targets';
import type { TlsMaterial } from './connector';

export interface ListenerOptions {
  log: Logger;
  tls?: TlsMaterial;
  /** Gives an accepted socket (TLS: after the handshake) to a new session. */
  attach(socket: net.Socket, target: string, peer: string): void;
}

export class Listener {
  private server: net.Server | undefined;
  private readonly log: Logger;

  constructor(readonly target: PassiveTarget, private readonly opts: ListenerOptions) {
    if (target.kind === 'pssl' && !opts.tls) throw new Error(`${target.text}: a pssl: listener needs the TLS key, certificate and CA`);
    this.log = opts.log.child({ listener: target.text });
  }

  /** The bound TCP port (useful with ptcp:0), or undefined for a unix socket. */
  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  async start(): Promise<void> {
    const t = this.target;
    const server = this.createServer();
    if (t.kind === 'punix') await clearStaleSocket(t.path);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new Error(`${t.text}: cannot listen: ${e.message}`)));
      if (t.kind === 'punix') server.listen(t.path, resolve);
      else server.listen({ port: t.port, host: t.host }, resolve);
    });
    server.on('error', (e) => this.log.error({ err: e }, `${t.text}: listener error: ${e.message}`));
    this.server = server;
    this.log.info({ event: 'openflow_listen', port: this.port }, `listening for OpenFlow connections on ${t.text}${t.kind !== 'punix' ? ` (port ${this.port})` : ''}`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // close() waits for open connections, which the manager closes through their sessions.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.target.kind === 'punix') await fs.rm(this.target.path, { force: true });
  }

  private createServer(): net.Server {
    const t = this.target;
    const accept = (socket: net.Socket): void => {
      const peer = t.kind === 'punix' ? t.path : `${socket.remoteAddress}:${socket.remotePort}`;
      this.opts.attach(socket, t.text, peer);
    };
    if (t.kind !== 'pssl') return net.createServer(accept);
    const m = this.opts.tls as TlsMaterial;
    const server = tls.createServer(
      { key: m.key, cert: m.cert, ca: m.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
      accept,
    );
    server.on('tlsClientError', (e, socket) => {
      this.log.warn({ event: 'openflow_tls_refused', reason: e.message, peer: `${socket.remoteAddress}:${socket.remotePort}` },
        `${t.text}: TLS handshake with ${socket.remoteAddress}:${socket.remotePort} failed: ${e.message}`);
    });
    return server;
  }
}

// Removes 'file' if it is a socket nobody listens on; throws if someone does.
async function clearStaleSocket(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const st = await fs.lstat(file).catch(() => undefined);
  if (!st) return;
  if (!st.isSocket()) throw new Error(`punix:${file}: the path exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const c = net.connect({ path: file });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
  if (live) throw new Error(`punix:${file}: another process is listening on it`);
  await fs.rm(file, { force: true });
}
