// One OpenFlow session: a connection to one controller (or ovs-ofctl) over
// TCP, TLS or a unix socket, from the switch's HELLO to the close.
//
// What?  The session sends our HELLO first, negotiates the version from
// the peer's HELLO (version-negotiation.ts), then decodes every message
// and either answers it here (ECHO, BARRIER, FEATURES, ROLE, GET/SET_ASYNC)
// or passes it to the bridge's BridgeHandler; it sends the async messages
// the manager gives it when its role and async config allow, rate-limiting
// packet-ins.  It keeps the peer alive with ECHO_REQUESTs when idle and
// closes when no answer comes.
//
// Design.  Messages are handled strictly one at a time in arrival order
// (a queue drained by one async loop): the next message starts only after
// the handler's promise settled and its replies or error were written.
// That gives BARRIER its meaning for free — when BARRIER_REQUEST reaches
// the head of the queue everything before it is applied and answered —
// and keeps requests sharing one xid in order.  Decode errors enter the
// same queue, so their OFPT_ERROR is ordered like a reply.  Only echo
// requests and replies bypass the queue: they say nothing about state, and
// a keepalive must not wait behind a 10 000-flow batch (nor does a
// barrier on an idle session, which has nothing to wait for).  On a 1.3
// session a FLOW_MOD is queued undecoded: when it reaches the head, it and
// the raw FLOW_MODs behind it go to a handler that decodes them itself
// (handleFlowMods13Raw: the install rate); one the handler leaves alone
// (malformed, buffer_id set) is decoded then and goes the usual way, so
// its OFPT_ERROR is the codec's, in its place.  A slave's, or any for a
// handler without that path, are decoded at the head.  Errors follow the
// spec: a bad message gets OFPT_ERROR with its xid and first 64 bytes and
// the session goes on; a header shorter than 8 bytes or no common version
// (HELLO_FAILED first) closes it.  When the queue grows long, reading is
// paused (TCP backpressure to the controller); when the socket's send
// buffer is full, the loop waits for it to drain, and packet-ins are
// dropped (counted) rather than buffered without bound.
//
// Thread-safety: event-loop only; one Session per socket.

import type { Duplex } from 'node:stream';
import type { Logger } from '../log';
import {
  decodeMessage, encodeMessage, errorName, errorReply, Framer, OFP_ERROR_DATA_LEN, OFP_VERSION_1_0, OFP_VERSION_1_3, OpenFlowError, splitReply,
} from '../openflow';
import type { MessageOf, OfMessage } from '../openflow';
import { allowsAsync, defaultAsyncMasks, type AsyncMasks } from './async-config';
import { PacketInLimiter } from './rate-limit';
import { handlerError, isModification, SWITCH_TO_CONTROLLER, withRequest } from './session-rules';
import type { RoleTable } from './roles';
import type { AsyncMessage, BridgeHandler, SendAsyncOptions, SessionRole, SessionStatus, SessionView } from './types';
import { failureVersion, negotiate, ourHello, peerVersions, versionName } from './version-negotiation';

/** OFPCML_DEFAULT-like initial miss_send_len (1.3.5 section 7.3.2: OFP_DEFAULT_MISS_SEND_LEN). */
export const OFP_DEFAULT_MISS_SEND_LEN = 128;
/** 1.0's ofp_action_type bits 0..10 (OUTPUT .. SET_TP_DST): what a 1.0 FEATURES_REPLY claims unless the handler says. */
const OFPAT10_DEFAULT_BITMAP = 0x7ff;
/** 1.0 capability bits shared with 1.3 (FLOW, TABLE, PORT stats, IP_REASM, QUEUE_STATS); 8 and 0x100 differ. */
const OFPC10_SHARED = 0x1 | 0x2 | 0x4 | 0x20 | 0x40;
/** OFPT_FLOW_MOD's type number in OpenFlow 1.3 (1.3.5 section 7.1). */
const OFPT13_FLOW_MOD = 14;
/** FLOW_MODs (or PACKET_OUTs) queued back to back that the handler gets in one call at most. */
const FLOW_MOD_BATCH = 1024;
const PACKET_OUT_BATCH = 256;
/** Reading pauses above this many queued messages and resumes below half. */
const QUEUE_HIGH = 1024;
/** Packet-ins are dropped while this many bytes wait in the socket. */
const ASYNC_SEND_LIMIT = 1 << 20;
/** Above this many waiting bytes the packet-in pump stops reading for this session (packet-io.ts), well before drops. */
const PACKET_IN_BACKLOG = ASYNC_SEND_LIMIT / 4;

export interface SessionContext {
  handler: BridgeHandler;
  roles: RoleTable;
  log: Logger;
  protocols: number[];
  inactivityProbeMs: number;
  packetInRate: number;
  /** Told of each packet-in offered to a connected session and each echo round trip (the bridge's metrics). */
  observer?: SessionObserver;
}

export interface SessionObserver {
  packetIn(s: Session, reason: number, result: 'sent' | 'rate_limited' | 'queue_full'): void;
  echoRtt(s: Session, ms: number): void;
}

export interface SessionHooks {
  /** The session negotiated a version. */
  connected(s: Session): void;
  /** The session closed ('reason' says why); called once. */
  closed(s: Session, reason: string): void;
}

type MessageItem = { kind: 'message'; msg: OfMessage; raw: Buffer };
/** A 1.3 FLOW_MOD not decoded yet (see the header). */
type RawFlowModItem = { kind: 'raw'; raw: Buffer };
type DecodedItem = MessageItem | { kind: 'error'; err: OpenFlowError };
type Item = DecodedItem | RawFlowModItem;

export class Session implements SessionView {
  version = 0;
  missSendLen = OFP_DEFAULT_MISS_SEND_LEN;
  asyncMasks: AsyncMasks = defaultAsyncMasks();
  readonly limiter: PacketInLimiter;
  private readonly log: Logger;
  private readonly framer = new Framer();
  private state: 'hello' | 'connected' | 'closed' = 'hello';
  private since = new Date();
  private readonly queue: Item[] = [];
  private head = 0;
  private draining = false;
  private drainQueued = false;  // a drain is due in a microtask
  private paused = false;
  private corked = false;
  private lastRx = performance.now();
  private echo: { xid: number; sentAt: number } | undefined;
  private echoRttMs: number | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private nextXid = 1;

  constructor(
    readonly id: string,
    private readonly socket: Duplex,
    readonly target: string,
    readonly kind: 'active' | 'passive',
    readonly peer: string,
    /**
     * False for service connections (the mgmt socket): their life is logged
     * at debug level, not info, and they get no async messages until they
     * set a nonzero miss_send_len.
     */
    readonly controller: boolean,
    private readonly ctx: SessionContext,
    private readonly hooks: SessionHooks,
  ) {
    this.log = ctx.log.child({ session: id, target, peer });
    // As Open vSwitch: a service connection starts with miss_send_len 0.
    if (!controller) this.missSendLen = 0;
    this.limiter = new PacketInLimiter(ctx.packetInRate);
    ctx.roles.add(id);
  }

  private get lifeLevel(): 'info' | 'debug' {
    return this.controller ? 'info' : 'debug';
  }

  get role(): SessionRole {
    return this.ctx.roles.get(this.id);
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Whether async messages go to this session at all: a service connection
   * (the mgmt socket: ovs-ofctl) gets none until it sets a nonzero
   * miss_send_len, as Open vSwitch does (`ovs-ofctl monitor br0 65534`).
   */
  private get receivesAsync(): boolean {
    return this.controller || this.missSendLen !== 0;
  }

  /** Connected, and its version, role and async config take packet-ins of some reason. */
  get takesPacketIns(): boolean {
    if (this.state !== 'connected' || !this.receivesAsync) return false;
    return this.version === OFP_VERSION_1_0 || this.asyncMasks.packetInMask[this.role === 'OFPCR_ROLE_SLAVE' ? 1 : 0] !== 0;
  }

  /** True while enough bytes wait in the socket that packet-ins should stay in the controller queue. */
  get packetInBacklogged(): boolean {
    return this.socket.writableLength > PACKET_IN_BACKLOG;
  }

  /** Sends our HELLO and starts reading; the socket must be connected (TLS: handshake done). */
  start(): void {
    this.log[this.lifeLevel]({ event: 'openflow_connect' }, `OpenFlow connection ${this.kind === 'active' ? 'to' : 'from'} ${this.peer} (${this.target})`);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('end', () => this.close('connection closed by peer'));
    this.socket.on('error', (e: Error) => this.close(`socket error: ${e.message}`));
    this.socket.on('close', () => this.close('connection closed'));
    this.write(ourHello(this.ctx.protocols));
    this.armProbe();
  }

  /** Closes the connection, logging 'reason'; 'flush' lets written bytes (a HELLO_FAILED error) go out first. */
  close(reason: string, flush = false): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.ctx.roles.remove(this.id);
    this.log[this.lifeLevel]({ event: 'openflow_disconnect', reason, version: this.version, connectedMs: Date.now() - this.since.getTime() },
      `OpenFlow session ${wasConnected ? 'closed' : 'failed before negotiation'}: ${reason}`);
    if (flush) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } else {
      this.socket.destroy();
    }
    this.queue.length = 0;
    this.hooks.closed(this, reason);
  }

  /** Sends 'msg' if this session's role and async config want it; packet-ins are rate-limited. */
  sendAsync(msg: AsyncMessage, opts: SendAsyncOptions = {}): void {
    if (this.state !== 'connected' || !this.receivesAsync || !allowsAsync(this.asyncMasks, this.version, this.role, msg)) return;
    if (msg.type === 'OFPT_PACKET_IN') {
      if (this.socket.writableLength > ASYNC_SEND_LIMIT) {
        this.ctx.observer?.packetIn(this, msg.reason, 'queue_full');
        return this.limiter.drop();
      }
      if (!this.limiter.take()) return this.ctx.observer?.packetIn(this, msg.reason, 'rate_limited');
      this.ctx.observer?.packetIn(this, msg.reason, 'sent');
      if (opts.missSendLen && msg.data.length > this.missSendLen) msg = { ...msg, data: msg.data.subarray(0, this.missSendLen) };
    }
    this.send({ ...msg, version: this.version, xid: 0 } as OfMessage);
  }

  status(): SessionStatus {
    return {
      id: this.id, target: this.target, kind: this.kind, connected: this.connected, role: this.role, version: this.version,
      since: this.since.toISOString(), packetInSent: this.limiter.sent, packetInDropped: this.limiter.dropped, echoRttMs: this.echoRttMs,
    };
  }

  // ---- input -------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.lastRx = performance.now();
    let frames;
    try {
      frames = this.framer.push(chunk);
    } catch (e) {
      this.close(`framing: ${(e as Error).message}`);
      return;
    }
    for (const f of frames) {
      if (this.closed) return;
      if (f.kind === 'oversized' && this.state === 'hello') {
        this.helloFailed(f.version, 'OFPHFC_EPERM', `first message of ${f.length} bytes is not a HELLO`);
      } else if (f.kind === 'oversized') {
        const err = new OpenFlowError('OFPBRC_BAD_LEN', `message of ${f.length} bytes exceeds ${this.framer.maxLength}`);
        err.xid = f.xid;
        err.data = f.head;
        this.enqueue({ kind: 'error', err });
      } else if (this.state === 'hello') {
        this.onHello(f.bytes);
      } else {
        this.onMessage(f.bytes);
      }
    }
  }

  // The first message must be the peer's HELLO; anything else, or no common version, fails the session.
  private onHello(raw: Buffer): void {
    let msg: OfMessage | undefined;
    try {
      msg = decodeMessage(raw);
    } catch (e) {
      return this.helloFailed(raw[0], 'OFPHFC_EPERM', `undecodable first message: ${(e as Error).message}`);
    }
    if (msg.type !== 'OFPT_HELLO') return this.helloFailed(msg.version, 'OFPHFC_EPERM', `expected OFPT_HELLO first, got ${msg.type}`);
    const version = negotiate(this.ctx.protocols, msg);
    const offered = msg.versions === undefined ? `up to ${versionName(msg.version)} (no bitmap)` : peerVersions(msg).map(versionName).join(', ');
    if (version === undefined) {
      return this.helloFailed(msg.version, 'OFPHFC_INCOMPATIBLE',
        `no common OpenFlow version: we speak ${this.ctx.protocols.map(versionName).join(', ')}, the peer ${offered}`);
    }
    this.version = version;
    this.state = 'connected';
    this.since = new Date();
    this.log[this.lifeLevel]({ event: 'openflow_negotiated', version, peerHelloVersion: msg.version, peerBitmap: msg.versions ?? null },
      `negotiated ${versionName(version)} (peer offered ${offered})`);
    this.hooks.connected(this);
  }

  private helloFailed(peerVersion: number, name: 'OFPHFC_INCOMPATIBLE' | 'OFPHFC_EPERM', why: string): void {
    const err = new OpenFlowError(name, why);
    err.data = Buffer.from(why, 'ascii');
    this.write(errorReply(err, failureVersion(this.ctx.protocols, peerVersion)));
    this.close(`HELLO failed: ${why}`, true);
  }

  private onMessage(raw: Buffer): void {
    // A 1.3 FLOW_MOD waits undecoded: the switch may decode it itself.
    if (raw[0] === OFP_VERSION_1_3 && raw[1] === OFPT13_FLOW_MOD && this.version === OFP_VERSION_1_3) return this.enqueue({ kind: 'raw', raw });
    const item = this.decodeItem(raw);
    if (item === undefined) return;
    // A barrier on an idle session is answered at once: with nothing queued
    // or being handled, everything before it is applied and answered.
    if (item.kind === 'message' && item.msg.type === 'OFPT_BARRIER_REQUEST' && this.idle()) {
      return this.send({ version: this.version, xid: item.msg.xid, type: 'OFPT_BARRIER_REPLY' });
    }
    this.enqueue(item);
  }

  private idle(): boolean {
    return this.head === this.queue.length && !this.draining && !this.drainQueued;
  }

  // What message 'raw' is queued as, or undefined when it needs no place
  // in the queue (an echo, answered here) or closed the session.
  private decodeItem(raw: Buffer): DecodedItem | undefined {
    let msg: OfMessage;
    try {
      msg = decodeMessage(raw);
    } catch (e) {
      if (!(e instanceof OpenFlowError)) {
        this.log.error({ err: e, head: raw.subarray(0, OFP_ERROR_DATA_LEN).toString('hex') }, 'OpenFlow decoder failed on a message');
        return { kind: 'error', err: withRequest(new OpenFlowError('OFPBRC_EPERM', 'internal decoder failure'), raw) };
      }
      if (e.close) {
        this.close(`protocol error: ${e.message}`);
        return undefined;
      }
      this.log.debug({ error: e.errorName, xid: e.xid }, `refused message: ${e.message}`);
      return { kind: 'error', err: e };
    }
    if (msg.version !== this.version && msg.type !== 'OFPT_HELLO') {
      const err = new OpenFlowError('OFPBRC_BAD_VERSION', `${versionName(msg.version)} message on a ${versionName(this.version)} session`);
      return { kind: 'error', err: withRequest(err, raw) };
    }
    // Echoes bypass the queue (see the header).
    if (msg.type === 'OFPT_ECHO_REQUEST') {
      this.send({ version: this.version, xid: msg.xid, type: 'OFPT_ECHO_REPLY', data: msg.data });
      return undefined;
    }
    if (msg.type === 'OFPT_ECHO_REPLY') {
      this.onEchoReply(msg.xid);
      return undefined;
    }
    return { kind: 'message', msg, raw };
  }

  private enqueue(item: Item): void {
    this.queue.push(item);
    if (!this.paused && this.queue.length - this.head > QUEUE_HIGH) {
      this.paused = true;
      this.socket.pause();
    }
    // The drain starts once the whole chunk is queued (a microtask runs
    // after onData returns), so FLOW_MODs and PACKET_OUTs that arrived
    // together are one batch, not a batch of the first and one of the rest.
    if (!this.draining && !this.drainQueued) {
      this.drainQueued = true;
      queueMicrotask(() => {
        this.drainQueued = false;
        if (!this.draining) void this.drain();
      });
    }
  }

  // The one loop that handles messages, strictly in order.
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.head < this.queue.length && this.state === 'connected') {
        const item = this.queue[this.head++];
        if (this.head > 4096 && this.head * 2 > this.queue.length) {
          this.queue.splice(0, this.head);
          this.head = 0;
        }
        await this.handleItem(item);
        if (this.socket.writableNeedDrain) await this.writable();
        if (this.paused && this.queue.length - this.head < QUEUE_HIGH / 2) {
          this.paused = false;
          this.socket.resume();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async handleItem(queued: Item): Promise<void> {
    let item: DecodedItem | undefined;
    if (queued.kind === 'raw') {
      if (this.takesRaw()) return this.processRawFlowMods(queued);
      item = this.decodeItem(queued.raw);
      if (item === undefined) return;
    } else {
      item = queued;
    }
    if (item.kind === 'error') this.send(errorReply(item.err, this.version));
    else if (this.batchKind(item) !== undefined) await this.processBatch(item);
    else await this.process(item.msg, item.raw);
  }

  // Whether undecoded FLOW_MODs go to the handler as they are (a slave's
  // are decoded, and refused by process()).
  private takesRaw(): boolean {
    return this.role !== 'OFPCR_ROLE_SLAVE' && this.ctx.handler.handleFlowMods13Raw !== undefined;
  }

  // 'first' and the undecoded FLOW_MODs queued directly after it (at most
  // FLOW_MOD_BATCH) in one handler call, answered in order as
  // processBatch() answers.  The message the handler left alone takes the
  // place of its raw item in the queue, decoded, and the loop goes on from
  // there: it is handled the usual way (its OFPT_ERROR if it does not
  // decode), then the ones after it go raw again.
  private async processRawFlowMods(first: RawFlowModItem): Promise<void> {
    const raws: Buffer[] = [first.raw];
    while (raws.length < FLOW_MOD_BATCH && this.head < this.queue.length) {
      const next = this.queue[this.head];
      if (next.kind !== 'raw') break;
      raws.push(next.raw);
      this.head++;
    }
    let answer: { results: (OfMessage[] | OpenFlowError)[]; taken: number };
    try {
      answer = await this.ctx.handler.handleFlowMods13Raw!(this, raws);
    } catch (e) {
      answer = { results: raws.map(() => handlerError(e)), taken: raws.length };
      if (!(e instanceof OpenFlowError)) this.log.error({ err: e }, 'bridge handler failed on a raw OFPT_FLOW_MOD batch');
    }
    if (this.state !== 'connected') return;
    const taken = Math.max(0, Math.min(answer.taken, raws.length));
    for (let i = 0; i < taken; i++) this.answer(raws[i], raws[i].readUInt32BE(4), answer.results[i]);
    if (taken === raws.length) return;
    // Nothing else took items from the queue meanwhile (this loop is the
    // only consumer), so the ones not taken are still right before 'head'.
    this.head -= raws.length - taken;
    const item = this.decodeItem(raws[taken]);
    if (item !== undefined) this.queue[this.head] = item;
    else this.head++;
  }

  // A FLOW_MOD or PACKET_OUT the handler can take with the ones of its
  // type queued right behind it (a slave's go through process(), which
  // refuses them).
  private batchKind(item: Item): 'OFPT_FLOW_MOD' | 'OFPT_PACKET_OUT' | undefined {
    if (item.kind !== 'message' || this.role === 'OFPCR_ROLE_SLAVE') return undefined;
    const h = this.ctx.handler;
    if (item.msg.type === 'OFPT_FLOW_MOD' && h.handleFlowMods !== undefined) return 'OFPT_FLOW_MOD';
    if (item.msg.type === 'OFPT_PACKET_OUT' && h.handlePacketOuts !== undefined) return 'OFPT_PACKET_OUT';
    return undefined;
  }

  // 'first' and every message of its kind queued directly after it (at
  // most FLOW_MOD_BATCH or PACKET_OUT_BATCH), handed over at once; answered
  // one by one in their order, so errors and the replies around them stay
  // where handle() would have put them.
  private async processBatch(first: MessageItem): Promise<void> {
    const kind = this.batchKind(first);
    const max = kind === 'OFPT_FLOW_MOD' ? FLOW_MOD_BATCH : PACKET_OUT_BATCH;
    const items: MessageItem[] = [first];
    while (items.length < max && this.head < this.queue.length) {
      let next = this.queue[this.head];
      if (next.kind === 'raw' && kind === 'OFPT_FLOW_MOD' && !this.takesRaw()) {
        // A handler without the raw path still gets the FLOW_MODs behind it in this batch.
        const decoded = this.decodeItem(next.raw);
        if (decoded === undefined) break;
        this.queue[this.head] = next = decoded;
      }
      if (this.batchKind(next) !== kind) break;
      items.push(next as MessageItem);
      this.head++;
    }
    let results: (OfMessage[] | OpenFlowError)[];
    try {
      const h = this.ctx.handler;
      const msgs = items.map((i) => i.msg);
      results = await (kind === 'OFPT_FLOW_MOD' ? h.handleFlowMods!(this, msgs) : h.handlePacketOuts!(this, msgs));
    } catch (e) {
      // The batch as a whole failed: each message gets the same answer as
      // process() gives a failing handler.
      results = items.map(() => handlerError(e));
      if (!(e instanceof OpenFlowError)) this.log.error({ err: e }, `bridge handler failed on a ${kind} batch`);
    }
    if (this.state !== 'connected') return;
    items.forEach((item, i) => this.answer(item.raw, item.msg.xid, results[i]));
  }

  // One batched message's result: its replies (xid 0 meaning the
  // request's 'xid'), or its error quoting the request 'raw'.
  private answer(raw: Buffer, xid: number, r: OfMessage[] | OpenFlowError | undefined): void {
    if (r instanceof OpenFlowError) {
      this.send(errorReply(withRequest(r, raw), this.version));
    } else {
      for (const m of r ?? []) this.send({ ...m, version: this.version, xid: m.xid === 0 ? xid : m.xid } as OfMessage);
    }
  }

  private async process(msg: OfMessage, raw: Buffer): Promise<void> {
    const reply = (body: Record<string, unknown> & { type: OfMessage['type'] }): void =>
      this.send({ ...body, version: this.version, xid: msg.xid } as OfMessage);
    try {
      switch (msg.type) {
        case 'OFPT_HELLO': return this.log.debug('ignored a HELLO after negotiation');
        case 'OFPT_ERROR': return this.logPeerError(msg);
        case 'OFPT_BARRIER_REQUEST': return reply({ type: 'OFPT_BARRIER_REPLY' });
        case 'OFPT_FEATURES_REQUEST': return reply(this.featuresReply());
        case 'OFPT_ROLE_REQUEST': return reply(this.roleRequest(msg));
        case 'OFPT_GET_ASYNC_REQUEST': return reply({ type: 'OFPT_GET_ASYNC_REPLY', ...this.asyncMasks });
        case 'OFPT_SET_ASYNC':
          this.asyncMasks = { packetInMask: msg.packetInMask, portStatusMask: msg.portStatusMask, flowRemovedMask: msg.flowRemovedMask };
          return;
        case 'OFPT_SET_CONFIG': this.missSendLen = msg.missSendLen; break;
        default: break;
      }
      if (SWITCH_TO_CONTROLLER.has(msg.type)) throw new OpenFlowError('OFPBRC_BAD_TYPE', `${msg.type} is sent by switches, not to them`);
      if (this.role === 'OFPCR_ROLE_SLAVE' && isModification(msg)) throw new OpenFlowError('OFPBRC_IS_SLAVE', `${msg.type} from a slave controller`);
      const replies = await this.ctx.handler.handle(this, msg);
      for (const r of replies) this.send({ ...r, version: this.version, xid: r.xid === 0 ? msg.xid : r.xid } as OfMessage);
    } catch (e) {
      if (this.state !== 'connected') return;
      if (!(e instanceof OpenFlowError)) this.log.error({ err: e, type: msg.type, xid: msg.xid }, `bridge handler failed on ${msg.type}`);
      this.send(errorReply(withRequest(handlerError(e), raw), this.version));
    }
  }

  private featuresReply(): Omit<MessageOf<'OFPT_FEATURES_REPLY'>, 'version' | 'xid'> {
    const f = this.ctx.handler.features();
    const base = { type: 'OFPT_FEATURES_REPLY' as const, datapathId: f.datapathId, nBuffers: f.nBuffers, nTables: f.nTables, auxiliaryId: f.auxiliaryId };
    if (this.version !== OFP_VERSION_1_0) return { ...base, capabilities: f.capabilities };
    return { ...base, capabilities: f.capabilities & OFPC10_SHARED, actions10: f.actions10 ?? OFPAT10_DEFAULT_BITMAP, ports10: this.ctx.handler.portDescs() };
  }

  private roleRequest(msg: MessageOf<'OFPT_ROLE_REQUEST'>): Omit<MessageOf<'OFPT_ROLE_REPLY'>, 'version' | 'xid'> {
    const before = this.role;
    const r = this.ctx.roles.request(this.id, msg.role, msg.generationId);
    if (r.role !== before) this.log.info({ event: 'openflow_role', role: r.role, generationId: String(r.generationId) }, `role ${before} -> ${r.role}`);
    for (const id of r.demoted) this.log.info({ event: 'openflow_role', demoted: id }, `session ${id} demoted to OFPCR_ROLE_SLAVE`);
    return { type: 'OFPT_ROLE_REPLY', role: r.role, generationId: r.generationId };
  }

  private logPeerError(msg: MessageOf<'OFPT_ERROR'>): void {
    const name = errorName(msg.errType, msg.code, this.version) ?? `type ${msg.errType} code ${msg.code}`;
    this.log.warn({ event: 'openflow_peer_error', errType: msg.errType, code: msg.code, xid: msg.xid }, `peer sent OFPT_ERROR ${name}`);
  }

  // ---- output ------------------------------------------------------------

  /** Encodes and writes 'msg' (a long multipart reply as REPLY_MORE parts); an encoding failure is our bug: logged, answered with EPERM. */
  private send(msg: OfMessage): void {
    if (this.state === 'closed') return;
    this.corkForTick();
    try {
      const parts = msg.type === 'OFPT_MULTIPART_REPLY' ? splitReply(msg) : [msg];
      for (const p of parts) this.socket.write(encodeMessage(p));
    } catch (e) {
      this.log.error({ err: e, type: msg.type, xid: msg.xid }, `cannot encode ${msg.type} for ${versionName(this.version)}`);
      if (msg.type !== 'OFPT_ERROR') {
        const err = new OpenFlowError('OFPBRC_EPERM', `cannot encode the ${msg.type} reply`);
        err.xid = msg.xid;
        this.send(errorReply(err, this.version));
      }
    }
  }

  private write(msg: OfMessage): void {
    this.socket.write(encodeMessage(msg));
  }

  // What one synchronous run writes (a batch of packet-ins, a multipart
  // reply's parts) leaves in one writev at the end of the tick, not a system call each.
  private corkForTick(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  private writable(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  // ---- keepalive (inactivity probe) --------------------------------------

  // One timer, due when the peer has been idle for the probe interval: then
  // an ECHO_REQUEST goes out, and if another interval passes without any
  // message the session closes.  Before negotiation the first interval
  // without a HELLO closes it.
  private armProbe(): void {
    if (this.state === 'closed') return;
    const probe = this.ctx.inactivityProbeMs;
    const deadline = this.lastRx + (this.echoOutstanding() ? 2 * probe : probe);
    this.probeTimer = setTimeout(() => this.onProbe(), Math.max(1, deadline - performance.now()));
    this.probeTimer.unref();
  }

  // An echo is outstanding until its reply or any other message arrives.
  private echoOutstanding(): boolean {
    return this.echo !== undefined && this.echo.sentAt >= this.lastRx;
  }

  private onProbe(): void {
    if (this.state === 'closed') return;
    const probe = this.ctx.inactivityProbeMs;
    const idle = performance.now() - this.lastRx;
    if (this.state === 'hello') {
      if (idle >= probe) return this.close(`no HELLO within ${probe} ms`);
    } else if (this.echoOutstanding()) {
      if (idle >= 2 * probe) return this.close(`inactivity probe: no message for ${Math.round(idle)} ms, echo request ${this.echo?.xid} unanswered`);
    } else if (idle >= probe) {
      this.echo = { xid: this.nextXid++, sentAt: performance.now() };
      this.log.debug({ xid: this.echo.xid }, `idle for ${Math.round(idle)} ms: sending ECHO_REQUEST`);
      this.send({ version: this.version, xid: this.echo.xid, type: 'OFPT_ECHO_REQUEST', data: Buffer.alloc(0) });
    }
    this.armProbe();
  }

  private onEchoReply(xid: number): void {
    if (this.echo && this.echo.xid === xid) {
      this.echoRttMs = performance.now() - this.echo.sentAt;
      this.echo = undefined;
      this.ctx.observer?.echoRtt(this, this.echoRttMs);
    }
  }
}
