// An active controller target (tcp:, ssl:, unix:) kept connected: connect,
// hand the socket to a session, and when it fails or closes, try again
// after an exponentially growing delay.
//
// What?  One Connector per configured target.  It is always in one state:
// connecting, connected (a session owns the socket), backoff (waiting to
// retry) or stopped.  Each failed attempt or lost session doubles the
// delay, from minBackoffMs up to maxBackoffMs; a session that negotiated a
// version resets it, so a controller restart is noticed within a second
// while a dead address is not hammered.  Every attempt that fails and every
// reconnect is logged with its reason.
//
// Design.  ssl: is mutual TLS 1.2+: we present our certificate and accept
// only a peer certificate signed by the configured CA.  As Open vSwitch,
// the peer's host name is not checked against its certificate (controllers
// are addressed by IP and their certificates rarely name it): the CA is
// the trust anchor.  A connect attempt that takes longer than the backoff
// cap (at least 5 s) is abandoned, so an unroutable address is retried.
//
// Thread-safety: event-loop only.

import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Logger } from '../log';
import type { ActiveTarget } from './channel-targets';
import type { TargetStatus } from './types';

export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
  ca: Buffer;
}

export interface ConnectorOptions {
  log: Logger;
  minBackoffMs: number;
  maxBackoffMs: number;
  tls?: TlsMaterial;
  /**
   * Gives the connected socket to a new session; 'closed' must be called
   * once when that session ends, with whether it had negotiated a version.
   */
  attach(socket: net.Socket, target: string, peer: string, closed: (negotiated: boolean, reason: string) => void): void;
}

export class Connector {
  private state: TargetStatus['state'] = 'stopped';
  private backoff: number;
  private attempts = 0;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private socket: net.Socket | undefined;
  private readonly log: Logger;

  constructor(readonly target: ActiveTarget, private readonly opts: ConnectorOptions) {
    if (target.kind === 'ssl' && !opts.tls) throw new Error(`${target.text}: an ssl: target needs the TLS key, certificate and CA`);
    this.backoff = opts.minBackoffMs;
    this.log = opts.log.child({ target: target.text });
  }

  start(): void {
    if (this.state !== 'stopped') return;
    this.connect();
  }

  stop(): void {
    this.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // A socket still connecting is ours; a connected one belongs to its session, which the manager closes.
    if (this.socket && this.socket.connecting) this.socket.destroy();
    this.socket = undefined;
  }

  status(): TargetStatus {
    return { target: this.target.text, state: this.state, lastError: this.lastError, attempts: this.attempts };
  }

  private connect(): void {
    this.state = 'connecting';
    this.attempts++;
    const t = this.target;
    const ready = t.kind === 'ssl' ? 'secureConnect' : 'connect';
    const socket = this.open();
    this.socket = socket;
    socket.setTimeout(Math.max(5000, this.opts.maxBackoffMs), () => socket.destroy(new Error('connect timed out')));
    const onError = (e: Error): void => this.failed(`connection failed: ${e.message}`);
    socket.once('error', onError);
    socket.once(ready, () => {
      socket.off('error', onError);
      socket.setTimeout(0);
      if (this.state === 'stopped') {
        socket.destroy();
        return;
      }
      this.state = 'connected';
      const peer = t.kind === 'unix' ? t.path : `${socket.remoteAddress}:${socket.remotePort}`;
      this.opts.attach(socket, t.text, peer, (negotiated, reason) => this.sessionClosed(negotiated, reason));
    });
  }

  private open(): net.Socket {
    const t = this.target;
    if (t.kind === 'unix') return net.connect({ path: t.path });
    if (t.kind === 'tcp') return net.connect({ host: t.host, port: t.port });
    const m = this.opts.tls as TlsMaterial;
    return tls.connect({
      host: t.host, port: t.port, key: m.key, cert: m.cert, ca: m.ca, minVersion: 'TLSv1.2', rejectUnauthorized: true,
      servername: net.isIP(t.host) ? undefined : t.host,
      // Trust is the CA's signature, not the name (see the header).
      checkServerIdentity: () => undefined,
    });
  }

  private failed(reason: string): void {
    this.socket = undefined;
    if (this.state === 'stopped') return;
    this.lastError = reason;
    this.retry(reason);
  }

  private sessionClosed(negotiated: boolean, reason: string): void {
    this.socket = undefined;
    if (this.state === 'stopped') return;
    this.lastError = reason;
    if (negotiated) this.backoff = this.opts.minBackoffMs;
    this.retry(reason);
  }

  private retry(reason: string): void {
    const delay = this.backoff;
    this.backoff = Math.min(this.opts.maxBackoffMs, this.backoff * 2);
    this.state = 'backoff';
    this.log.info({ event: 'openflow_reconnect', reason, delayMs: delay, attempts: this.attempts }, `${this.target.text}: ${reason}; retrying in ${delay} ms`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === 'backoff') this.connect();
    }, delay);
    this.timer.unref();
  }
}
