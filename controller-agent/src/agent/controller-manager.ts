// Every OpenFlow connection of one bridge: the configured controller
// targets, the listeners, the management socket, their sessions, the
// bridge's role table, and the fan-out of asynchronous messages.
//
// What?  new ControllerManager(opts) checks the configuration (targets,
// listeners, versions, TLS files needed) and throws on a mistake; start()
// binds the listeners and the <rundir>/<bridge>.mgmt socket and starts
// connecting to the targets; stop() closes everything.  sendAsync() offers
// a PACKET_IN, FLOW_REMOVED or PORT_STATUS to every session, each deciding
// by its role, async config and packet-in budget.  status() reports each
// session and target.
//
// Design.  The manager owns what is per bridge (the RoleTable, so a new
// master demotes the old one across connections; the count of connected
// controller sessions given to the handler for fail modes) and nothing per
// message: sessions do the protocol (session.ts).  Sessions through the
// management socket are service connections, as Open vSwitch's: they work
// like any other but do not count as a controller for fail modes, and
// their connects and disconnects (one per ovs-ofctl command) are logged at
// debug level.
//
// Thread-safety: event-loop only.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Socket } from 'node:net';
import type { Logger } from '../log';
import { OFP_VERSION_1_0, OFP_VERSION_1_3 } from '../openflow';
import { isPassiveTarget, parseActiveTarget, parsePassiveTarget, type ActiveTarget, type PassiveTarget } from './channel-targets';
import { Connector, type TlsMaterial } from './connector';
import { Listener } from './listener';
import { RoleTable } from './roles';
import { Session, type SessionContext } from './session';
import type { AsyncMessage, BridgeHandler, ControllerManagerOptions, ManagerStatus, SendAsyncOptions, TlsFiles } from './types';

const SUPPORTED_VERSIONS = [OFP_VERSION_1_0, OFP_VERSION_1_3];

export class ControllerManager {
  readonly bridge: string;
  private readonly log: Logger;
  private readonly handler: BridgeHandler;
  private readonly roles = new RoleTable();
  private readonly sessions = new Map<string, { session: Session; counts: boolean }>();
  private readonly connectors: Connector[] = [];
  private readonly listeners: { listener: Listener; counts: boolean }[] = [];
  private readonly ctx: SessionContext;
  private readonly activeTargets: ActiveTarget[];
  private readonly passiveTargets: PassiveTarget[];
  private nextId = 1;
  private connectedCount = 0;
  private running = false;

  constructor(private readonly opts: ControllerManagerOptions) {
    this.bridge = opts.bridge;
    this.handler = opts.handler;
    this.log = opts.log.child({ bridge: opts.bridge });
    if (opts.protocols.length === 0) throw new Error(`bridge ${opts.bridge}: no OpenFlow version enabled`);
    for (const v of opts.protocols) {
      if (!SUPPORTED_VERSIONS.includes(v)) throw new Error(`bridge ${opts.bridge}: OpenFlow version 0x${v.toString(16)} is not supported (0x01 OpenFlow 1.0, 0x04 OpenFlow 1.3)`);
    }
    for (const t of opts.targets) {
      if (isPassiveTarget(t)) throw new Error(`bridge ${opts.bridge}: '${t}' is a listener, not a controller target`);
    }
    const probe = opts.inactivityProbeMs ?? 5000;
    if (!(probe > 0)) throw new Error(`bridge ${opts.bridge}: inactivity probe ${probe} ms is not positive`);
    this.ctx = { handler: opts.handler, roles: this.roles, log: this.log, protocols: [...opts.protocols], inactivityProbeMs: probe, packetInRate: opts.packetInRate ?? 0 };
    // Parse now, so that a bad target fails the configuration, not the connection.
    this.activeTargets = opts.targets.map(parseActiveTarget);
    this.passiveTargets = opts.listeners.map(parsePassiveTarget);
    const needsTls = [...this.activeTargets, ...this.passiveTargets].find((t) => t.kind === 'ssl' || t.kind === 'pssl');
    if (needsTls && !opts.tls) throw new Error(`bridge ${opts.bridge}: '${needsTls.text}' needs tls { key, cert, ca }`);
  }

  /** The management socket's path. */
  get mgmtPath(): string {
    return path.join(this.opts.rundir, `${this.bridge}.mgmt`);
  }

  /** The TCP port each listener is bound to, in the order of opts.listeners (undefined for punix). */
  get listenerPorts(): (number | undefined)[] {
    return this.listeners.filter((l) => l.counts).map((l) => l.listener.port);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const material = this.opts.tls ? await readTls(this.opts.tls) : undefined;
    const attach = (counts: boolean) => (socket: Socket, target: string, peer: string): void => {
      this.attach(socket, target, 'passive', peer, counts, () => undefined);
    };
    try {
      if (!this.opts.noMgmtSocket) {
        const mgmt = new Listener(parsePassiveTarget(`punix:${this.mgmtPath}`), { log: this.log, attach: attach(false) });
        await mgmt.start();
        this.listeners.push({ listener: mgmt, counts: false });
      }
      for (const t of this.passiveTargets) {
        const l = new Listener(t, { log: this.log, tls: material, attach: attach(true) });
        await l.start();
        this.listeners.push({ listener: l, counts: true });
      }
    } catch (e) {
      await this.stop();
      throw new Error(`bridge ${this.bridge}: ${(e as Error).message}`);
    }
    for (const t of this.activeTargets) {
      const c = new Connector(t, {
        log: this.log, tls: material, minBackoffMs: this.opts.minBackoffMs ?? 1000, maxBackoffMs: this.opts.maxBackoffMs ?? 8000,
        attach: (socket, target, peer, closed) => this.attach(socket, target, 'active', peer, true, closed),
      });
      this.connectors.push(c);
      c.start();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const c of this.connectors) c.stop();
    this.connectors.length = 0;
    for (const { session } of [...this.sessions.values()]) session.close('switch stopping');
    const listeners = this.listeners.splice(0);
    await Promise.all(listeners.map((l) => l.listener.stop()));
  }

  /** Offers 'msg' to every connected session (see SendAsyncOptions for miss_send_len). */
  sendAsync(msg: AsyncMessage, opts: SendAsyncOptions = {}): void {
    for (const { session } of this.sessions.values()) session.sendAsync(msg, opts);
  }

  status(): ManagerStatus {
    return {
      bridge: this.bridge,
      sessions: [...this.sessions.values()].map(({ session }) => session.status()),
      targets: this.connectors.map((c) => c.status()),
      listeners: this.listeners.map((l) => l.listener.target.text),
    };
  }

  private attach(socket: Socket, target: string, kind: 'active' | 'passive', peer: string, counts: boolean,
    closed: (negotiated: boolean, reason: string) => void): void {
    if (!this.running) {
      socket.destroy();
      return;
    }
    const id = `${this.bridge}#${this.nextId++}`;
    socket.setNoDelay?.(true);
    const session = new Session(id, socket, target, kind, peer, counts, this.ctx, {
      connected: () => this.recount(),
      closed: (s, reason) => {
        this.sessions.delete(s.id);
        this.recount();
        closed(s.version !== 0, reason);
      },
    });
    this.sessions.set(id, { session, counts });
    session.start();
  }

  // Tells the handler when the number of connected controller sessions changes.
  private recount(): void {
    let n = 0;
    for (const { session, counts } of this.sessions.values()) if (counts && session.connected) n++;
    if (n === this.connectedCount) return;
    this.connectedCount = n;
    try {
      this.handler.sessionsChanged(n);
    } catch (e) {
      this.log.error({ err: e }, `bridge handler failed in sessionsChanged(${n})`);
    }
  }
}

async function readTls(files: TlsFiles): Promise<TlsMaterial> {
  const read = (what: string, file: string): Promise<Buffer> =>
    fs.readFile(file).catch((e: Error) => {
      throw new Error(`cannot read the TLS ${what} '${file}': ${e.message}`);
    });
  const [key, cert, ca] = await Promise.all([read('key', files.key), read('certificate', files.cert), read('CA certificate', files.ca)]);
  return { key, cert, ca };
}
