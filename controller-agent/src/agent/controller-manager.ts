// Every OpenFlow connection of one bridge: the configured controller
// targets, the listeners, the management socket, their sessions, the
// bridge's role table, and the fan-out of asynchronous messages.
//
// What?  new ControllerManager(opts) checks the configuration (targets,
// listeners, versions, TLS files needed) and throws on a mistake; start()
// binds the listeners and the <rundir>/<bridge>.mgmt socket and starts
// connecting to the targets; stop() closes everything.  sendAsync() offers
// a PACKET_IN, FLOW_REMOVED or PORT_STATUS to every session, each deciding
// by its role, async config and packet-in budget (an implicit table miss
// only to sessions below OpenFlow 1.3, whose presence the handler hears
// of through tableMissWanted: async-config.ts, table-miss.ts).  status() reports each
// session and target.  reconfigure() changes the targets, listeners and
// protocols of a running manager (the REST API's set-controller).
//
// Design.  The manager owns what is per bridge (the RoleTable, so a new
// master demotes the old one across connections; the count of connected
// controller sessions given to the handler for fail modes) and nothing per
// message: sessions do the protocol (session.ts).  Sessions through the
// management socket are service connections, as Open vSwitch's: they work
// like any other but do not count as a controller for fail modes, and
// their connects and disconnects (one per ovs-ofctl command) are logged at
// debug level.  A reconfiguration is checked whole before anything
// changes; then only the difference is applied: a target or listener that
// stays keeps its sessions, a removed one is stopped and its sessions are
// closed with the reason logged, a session whose version is no longer
// enabled is closed.  Connects, disconnects by reason, packet-ins by
// result and echo round trips go to opts.counts (the bridge's metrics).
//
// Thread-safety: event-loop only.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Socket } from 'node:net';
import type { Logger } from '../log';
import { OFP_VERSION_1_0, OFP_VERSION_1_3 } from '../openflow';
import { disconnectReason } from '../metrics/controller-counts';
import { isPassiveTarget, parseActiveTarget, parsePassiveTarget, TargetError, type ActiveTarget, type PassiveTarget } from './channel-targets';
import { packetInAsSeenBy, wantsImplicitMiss } from './async-config';
import { Connector, type TlsMaterial } from './connector';
import { Listener } from './listener';
import type { PacketInReadiness } from './packet-io';
import { RoleTable } from './roles';
import { Session, type SessionContext } from './session';
import type { AsyncMessage, BridgeHandler, ControllerManagerOptions, ManagerStatus, SendAsyncOptions, TlsFiles } from './types';

/** What reconfigure() may change; a key left out keeps its value. */
export interface ControllerReconfig {
  targets?: string[];
  listeners?: string[];
  protocols?: number[];
}

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
  private activeTargets: ActiveTarget[];
  private passiveTargets: PassiveTarget[];
  private material: TlsMaterial | undefined;
  private nextId = 1;
  private connectedCount = 0;
  private missesWanted = false;
  private running = false;

  constructor(private readonly opts: ControllerManagerOptions) {
    this.bridge = opts.bridge;
    this.handler = opts.handler;
    this.log = opts.log.child({ bridge: opts.bridge });
    const probe = opts.inactivityProbeMs ?? 5000;
    if (!(probe > 0)) throw new Error(`bridge ${opts.bridge}: inactivity probe ${probe} ms is not positive`);
    // Parse now, so that a bad target fails the configuration, not the connection.
    const checked = this.check({ targets: opts.targets, listeners: opts.listeners, protocols: opts.protocols });
    this.activeTargets = checked.active;
    this.passiveTargets = checked.passive;
    const counts = opts.counts;
    this.ctx = {
      handler: opts.handler, roles: this.roles, log: this.log, protocols: checked.protocols, inactivityProbeMs: probe, packetInRate: opts.packetInRate ?? 0,
      ...(counts !== undefined && {
        observer: {
          packetIn: (s, reason, result) => s.controller && counts.packetIn(reason, result),
          echoRtt: (s, ms) => s.controller && counts.echoRtt(s.target, ms),
        },
      }),
    };
  }

  // The targets, listeners and protocols of 'c' parsed and checked; throws
  // naming the first wrong one (a TargetError for target syntax).
  private check(c: Required<ControllerReconfig>): { active: ActiveTarget[]; passive: PassiveTarget[]; protocols: number[] } {
    const bridge = this.opts.bridge;
    if (c.protocols.length === 0) throw new Error(`bridge ${bridge}: no OpenFlow version enabled`);
    for (const v of c.protocols) {
      if (!SUPPORTED_VERSIONS.includes(v)) throw new Error(`bridge ${bridge}: OpenFlow version 0x${v.toString(16)} is not supported (0x01 OpenFlow 1.0, 0x04 OpenFlow 1.3)`);
    }
    for (const t of c.targets) {
      if (isPassiveTarget(t)) throw new TargetError(t, 'is a listener, not a controller target');
    }
    const active = c.targets.map(parseActiveTarget);
    const passive = c.listeners.map(parsePassiveTarget);
    const needsTls = [...active, ...passive].find((t) => t.kind === 'ssl' || t.kind === 'pssl');
    if (needsTls && !this.opts.tls) throw new Error(`bridge ${bridge}: '${needsTls.text}' needs tls { key, cert, ca }`);
    return { active, passive, protocols: [...new Set(c.protocols)].sort() };
  }

  /** The configured active targets, listeners and protocols. */
  get config(): Required<ControllerReconfig> {
    return { targets: this.activeTargets.map((t) => t.text), listeners: this.passiveTargets.map((t) => t.text), protocols: [...this.ctx.protocols] };
  }

  /**
   * Replaces the targets, listeners and/or protocols of the running
   * manager: checked whole first (throws with nothing changed), then only
   * the difference is applied.  A new listener that cannot bind rejects,
   * with the other changes done and that listener left out.
   */
  async reconfigure(c: ControllerReconfig): Promise<void> {
    const next = this.check({ targets: c.targets ?? this.config.targets, listeners: c.listeners ?? this.config.listeners, protocols: c.protocols ?? this.ctx.protocols });
    const keepActive = new Set(next.active.map((t) => t.text));
    const keepPassive = new Set(next.passive.map((t) => t.text));
    this.ctx.protocols = next.protocols;
    this.activeTargets = next.active;
    for (const c of this.connectors.splice(0)) {
      if (keepActive.has(c.target.text)) this.connectors.push(c);
      else this.dropEndpoint(c.target.text, () => c.stop(), 'controller target');
    }
    for (const l of this.listeners.splice(0)) {
      if (!l.counts || keepPassive.has(l.listener.target.text)) this.listeners.push(l);
      else this.dropEndpoint(l.listener.target.text, () => void l.listener.stop(), 'listener');
    }
    for (const { session } of [...this.sessions.values()]) {
      if (session.connected && !next.protocols.includes(session.version)) session.close(`OpenFlow version 0x${session.version.toString(16)} no longer enabled`);
    }
    this.log.info({ event: 'openflow-reconfigured', controllers: this.config.targets, listeners: next.passive.map((t) => t.text), protocols: next.protocols },
      `${this.bridge}: controllers ${this.config.targets.join(' ') || 'none'}, listeners ${next.passive.map((t) => t.text).join(' ') || 'none'}`);
    if (!this.running) {
      this.passiveTargets = next.passive;
      return;
    }
    for (const t of next.active) if (!this.connectors.some((c) => c.target.text === t.text)) this.connect(t);
    const bound = (t: PassiveTarget): boolean => this.listeners.some((l) => l.counts && l.listener.target.text === t.text);
    try {
      for (const t of next.passive) if (!bound(t)) await this.listen(t);
    } finally {
      this.passiveTargets = next.passive.filter(bound);
    }
  }

  // Stops one removed target or listener and closes the sessions that came through it.
  private dropEndpoint(text: string, stop: () => void, what: string): void {
    stop();
    const reason = `${what} ${text} removed by configuration`;
    this.log.info({ event: 'openflow-endpoint-removed', target: text }, `${this.bridge}: ${reason}`);
    for (const { session } of [...this.sessions.values()]) if (session.target === text) session.close(reason);
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
    if (this.opts.counts !== undefined) {
      this.opts.counts.live = () => ({
        targets: [...this.config.targets, ...this.config.listeners],
        sessions: [...this.sessions.values()].map(({ session, counts }) => ({ target: session.target, connected: session.connected, role: session.role, controller: counts })),
      });
    }
    this.material = this.opts.tls ? await readTls(this.opts.tls) : undefined;
    try {
      if (!this.opts.noMgmtSocket) await this.listen(parsePassiveTarget(`punix:${this.mgmtPath}`), false);
      for (const t of this.passiveTargets) await this.listen(t);
    } catch (e) {
      await this.stop();
      throw e;
    }
    for (const t of this.activeTargets) this.connect(t);
  }

  // Binds listener 't'; its sessions count as controllers unless it is the mgmt socket.
  private async listen(t: PassiveTarget, counts = true): Promise<void> {
    const l = new Listener(t, {
      log: this.log, tls: this.material,
      attach: (socket: Socket, target: string, peer: string) => this.attach(socket, target, 'passive', peer, counts, () => undefined),
    });
    try {
      await l.start();
    } catch (e) {
      throw new Error(`bridge ${this.bridge}: ${(e as Error).message}`);
    }
    this.listeners.push({ listener: l, counts });
  }

  private connect(t: ActiveTarget): void {
    const c = new Connector(t, {
      log: this.log, tls: this.material, minBackoffMs: this.opts.minBackoffMs ?? 1000, maxBackoffMs: this.opts.maxBackoffMs ?? 8000,
      attach: (socket, target, peer, closed) => this.attach(socket, target, 'active', peer, true, closed),
    });
    this.connectors.push(c);
    c.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.opts.counts !== undefined) this.opts.counts.live = undefined;
    for (const c of this.connectors) c.stop();
    this.connectors.length = 0;
    for (const { session } of [...this.sessions.values()]) session.close('switch stopping');
    const listeners = this.listeners.splice(0);
    await Promise.all(listeners.map((l) => l.listener.stop()));
  }

  /** Offers 'msg' to every connected session (see SendAsyncOptions for miss_send_len). */
  sendAsync(msg: AsyncMessage, opts: SendAsyncOptions = {}): void {
    if (msg.type === 'OFPT_PACKET_IN' && this.connectedCount === 0) this.opts.counts?.packetIn(msg.reason, 'no_controller');
    for (const { session } of this.sessions.values()) {
      if (opts.tableMiss === true && !wantsImplicitMiss(session.version)) continue;
      session.sendAsync(packetInAsSeenBy(session.version, msg, opts), opts);
    }
  }

  /**
   * 'backlogged' when every session that takes packet-ins has a send
   * backlog: the packet-in pump then leaves frames in the controller queue
   * (whose overflow the workers drop and count) rather than read them only
   * for the sessions to drop.  'none' with no such session: the pump parks
   * until one comes (BridgeAgent.sessionsChanged and its tick resume it).
   */
  packetInReady(): PacketInReadiness {
    let takers = 0;
    for (const { session } of this.sessions.values()) {
      if (!session.takesPacketIns) continue;
      if (!session.packetInBacklogged) return 'ready';
      takers++;
    }
    return takers === 0 ? 'none' : 'backlogged';
  }

  /** Counts a packet-in that no controller could be given (discarded by the pump). */
  packetInDiscarded(reason: number): void {
    this.opts.counts?.packetIn(reason, 'no_controller');
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
      connected: (s) => {
        if (counts) this.opts.counts?.connected(s.target);
        this.recount();
      },
      closed: (s, reason) => {
        this.sessions.delete(s.id);
        if (counts && s.version !== 0) this.opts.counts?.disconnected(s.target, disconnectReason(reason));
        this.recount();
        closed(s.version !== 0, reason);
      },
    });
    this.sessions.set(id, { session, counts });
    session.start();
  }

  // Tells the handler when the number of connected controller sessions
  // changes, and when whether some session wants table misses does.
  private recount(): void {
    let n = 0;
    let misses = false;
    for (const { session, counts } of this.sessions.values()) {
      if (counts && session.connected) n++;
      if (session.connected && wantsImplicitMiss(session.version)) misses = true;
    }
    if (misses !== this.missesWanted) {
      this.missesWanted = misses;
      try {
        this.handler.tableMissWanted?.(misses);
      } catch (e) {
        this.log.error({ err: e }, `bridge handler failed in tableMissWanted(${misses})`);
      }
    }
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
