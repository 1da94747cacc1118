// A minimal OpenFlow 1.3 controller for the control-plane benchmarks
// (openflow-control.ts): it drives a switch as fast as it can and counts
// what comes back, using the agent's own codec (controller-agent/src/openflow).
//
// What?
//   BenchController.listen(path) waits on a unix socket for one switch to
//   connect (ours with `--controller unix:PATH`, Open vSwitch with
//   `ovs-vsctl set-controller br0 unix:PATH`; a unix socket reaches the
//   OVS daemons inside their network namespace).  ready() completes the
//   HELLO exchange and a first barrier.  send() writes one message that
//   has no reply (FLOW_MOD); sendAll() writes pre-encoded messages back to
//   back (pipelined, no waiting between them);
//   request() sends one message and resolves with its reply (every part of
//   a multipart reply, a BARRIER_REPLY), or rejects with the OFPT_ERROR the
//   switch answered with; roundTrips() times n requests sent one after the
//   other's reply (BARRIER, ECHO).  Packet-ins are counted, not kept.
//
// Design
//   The switch under test must be the bottleneck, not this process, so the
//   hot case - a PACKET_IN - is recognised from its header byte and only
//   counted; one in kDecodeEvery is fully decoded to prove the stream
//   carries real packet-ins (a decode failure is kept in 'errors').  Every
//   other message is decoded.  ECHO_REQUESTs are answered at once: Open
//   vSwitch probes an idle-looking controller while it is busy installing.
//   An OFPT_ERROR with no pending request (an error for one of the
//   pipelined flow mods) is kept in 'errors', which the benchmark checks.
//
// Thread-safety: event-loop only; one switch connection per controller.
import { createServer } from 'net';
import type { Server, Socket } from 'net';

import { Framer, OFP_VERSION_1_3, OFPMPF_REPLY_MORE, decodeMessage, encodeMessage } from '../../controller-agent/src/openflow';
import type { OfMessage } from '../../controller-agent/src/openflow';

const OFPT_PACKET_IN = 10;
const kDecodeEvery = 1024;

interface Pending {
  parts: OfMessage[];
  resolve: (m: OfMessage[]) => void;
  reject: (e: Error) => void;
}

// What one switch connection delivered as packet-ins.
export interface PacketInCount {
  count: number;
  bytes: number;            // frame bytes carried (OpenFlow message bytes, headers included)
  lastAtNs: bigint;         // process.hrtime of the latest one
}

export class BenchController {
  readonly errors: string[] = [];
  readonly packetIns: PacketInCount = { count: 0, bytes: 0, lastAtNs: 0n };
  private conn: Socket | undefined;
  private framer = new Framer();
  private helloSeen = false;
  private xid = 0x1000;
  private readonly pending = new Map<number, Pending>();
  private connWaiters: (() => void)[] = [];

  private constructor(private readonly server: Server, readonly path: string) {
    server.on('connection', (s) => this.onConnection(s));
  }

  static listen(path: string): Promise<BenchController> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', (e) => reject(new Error(`bench controller: cannot listen on ${path}: ${e.message}`)));
      server.listen(path, () => resolve(new BenchController(server, path)));
    });
  }

  connected(): boolean {
    return this.conn !== undefined && !this.conn.destroyed && this.helloSeen;
  }

  // Waits for the switch to connect and say HELLO, then for a barrier:
  // after it the switch handles whatever we send.
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.connected()) {
      if (Date.now() > deadline) throw new Error(`bench controller: no switch connected to ${this.path} within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        this.connWaiters.push(r);
        setTimeout(r, 100);
      });
    }
    await this.request({ version: OFP_VERSION_1_3, xid: 0, type: 'OFPT_BARRIER_REQUEST' }, deadline - Date.now());
  }

  nextXid(): number {
    this.xid = this.xid >= 0x7fffffff ? 0x1000 : this.xid + 1;
    return this.xid;
  }

  // Writes 'chunks' (each one or more encoded messages) back to back and
  // resolves once the socket took them all: the kernel buffer may still
  // hold some, as a controller's pipelined writes would.
  async sendAll(chunks: Buffer[]): Promise<void> {
    const s = this.socket();
    for (const c of chunks) {
      if (!s.write(c)) await new Promise<void>((r) => s.once('drain', () => r()));
      if (s.destroyed) throw new Error('bench controller: the switch closed the connection while we were sending');
    }
  }

  // Sends 'msg', which has no reply (a FLOW_MOD), with a fresh xid unless
  // it has one; a barrier after it says when it was applied.
  send(msg: OfMessage): void {
    this.socket().write(encodeMessage({ ...msg, xid: msg.xid || this.nextXid() }));
  }

  // Sends 'msg' with a fresh xid (unless it has one) and resolves with
  // every message of its reply; rejects on an OFPT_ERROR for it, on a
  // closed connection or after 'timeoutMs'.
  request(msg: OfMessage, timeoutMs = 60000): Promise<OfMessage[]> {
    const s = this.socket();
    const xid = msg.xid || this.nextXid();
    const reply = this.awaitReply(xid, msg.type, timeoutMs);
    s.write(encodeMessage({ ...msg, xid }));
    return reply;
  }

  // Sends 'msg' 'n' times, each copy once the reply to the one before has
  // come, and returns every round trip in ns: from the write of the
  // request (encoded beforehand, fresh xids) to the decoded reply, which
  // must be of type 'replyType'.  What this process adds (decode, a
  // promise, a timer) is the same for every switch.
  async roundTrips(msg: OfMessage, replyType: OfMessage['type'], n: number, timeoutMs = 5000): Promise<number[]> {
    const xids = Array.from({ length: n }, () => this.nextXid());
    const bytes = xids.map((xid) => encodeMessage({ ...msg, xid }));
    const s = this.socket();
    const ns: number[] = [];
    for (let i = 0; i < n; i++) {
      const reply = this.awaitReply(xids[i], msg.type, timeoutMs);
      const t0 = process.hrtime.bigint();
      s.write(bytes[i]);
      const parts = await reply;
      ns.push(Number(process.hrtime.bigint() - t0));
      if (parts[0]?.type !== replyType) throw new Error(`bench controller: ${msg.type} xid ${xids[i]} answered with ${parts[0]?.type}, not ${replyType}`);
    }
    return ns;
  }

  // The reply to 'xid' (every part of a multipart one); rejects on an
  // OFPT_ERROR for it, on a closed connection or after 'timeoutMs'.
  private awaitReply(xid: number, what: string, timeoutMs: number): Promise<OfMessage[]> {
    return new Promise<OfMessage[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(xid);
        reject(new Error(`bench controller: no reply to ${what} (xid ${xid}) within ${timeoutMs} ms`));
      }, Math.max(1, timeoutMs));
      this.pending.set(xid, {
        parts: [],
        resolve: (m) => { clearTimeout(timer); resolve(m); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
    });
  }

  close(): Promise<void> {
    this.conn?.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }

  private socket(): Socket {
    if (!this.conn || this.conn.destroyed) throw new Error('bench controller: no switch is connected');
    return this.conn;
  }

  private onConnection(s: Socket): void {
    if (this.conn && !this.conn.destroyed) {
      this.errors.push('a second switch connection was refused');
      s.destroy();
      return;
    }
    this.conn = s;
    this.framer = new Framer();
    this.helloSeen = false;
    s.setNoDelay?.(true);
    s.write(encodeMessage({ version: OFP_VERSION_1_3, xid: 1, type: 'OFPT_HELLO', versions: [OFP_VERSION_1_3] }));
    s.on('data', (chunk: Buffer) => this.onData(s, chunk));
    s.on('error', () => { /* 'close' follows */ });
    s.on('close', () => {
      if (this.conn !== s) return;
      this.conn = undefined;
      for (const [xid, p] of this.pending) p.reject(new Error(`bench controller: the switch disconnected before replying to xid ${xid}`));
      this.pending.clear();
    });
  }

  private onData(s: Socket, chunk: Buffer): void {
    let frames;
    try {
      frames = this.framer.push(chunk);
    } catch (e) {
      this.errors.push(`framing: ${(e as Error).message}`);
      s.destroy();
      return;
    }
    for (const f of frames) {
      if (f.kind !== 'message') {
        this.errors.push(`oversized message type ${f.type} of ${f.length} bytes`);
        continue;
      }
      const b = f.bytes;
      if (b[1] === OFPT_PACKET_IN) {
        const pin = this.packetIns;
        pin.count++;
        pin.bytes += b.length;
        pin.lastAtNs = process.hrtime.bigint();
        if (pin.count % kDecodeEvery === 1) this.check(b);
        continue;
      }
      let m: OfMessage;
      try {
        m = decodeMessage(b);
      } catch (e) {
        this.errors.push(`undecodable message type ${b[1]}: ${(e as Error).message}`);
        continue;
      }
      this.onMessage(s, m);
    }
  }

  // A sampled packet-in must decode as one (the codec checks its layout).
  private check(b: Buffer): void {
    try {
      const m = decodeMessage(b);
      if (m.type !== 'OFPT_PACKET_IN' || m.data.length === 0) this.errors.push(`a sampled packet-in decoded as ${m.type} with no frame`);
    } catch (e) {
      this.errors.push(`a sampled packet-in does not decode: ${(e as Error).message}`);
    }
  }

  private onMessage(s: Socket, m: OfMessage): void {
    switch (m.type) {
      case 'OFPT_HELLO':
        this.helloSeen = true;
        for (const w of this.connWaiters.splice(0)) w();
        return;
      case 'OFPT_ECHO_REQUEST':
        s.write(encodeMessage({ version: m.version, xid: m.xid, type: 'OFPT_ECHO_REPLY', data: m.data }));
        return;
      default:
        break;
    }
    const p = this.pending.get(m.xid);
    if (m.type === 'OFPT_ERROR') {
      const what = `OFPT_ERROR type ${m.errType} code ${m.code} for xid ${m.xid}`;
      if (p) {
        this.pending.delete(m.xid);
        p.reject(new Error(what));
      } else {
        this.errors.push(what);
      }
      return;
    }
    if (!p) return;   // unsolicited: PORT_STATUS, FLOW_REMOVED, ...
    p.parts.push(m);
    if (m.type === 'OFPT_MULTIPART_REPLY' && (m.flags & OFPMPF_REPLY_MORE) !== 0) return;
    this.pending.delete(m.xid);
    p.resolve(p.parts);
  }
}
