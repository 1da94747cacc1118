// Test rig for the OpenFlow session layer: a ControllerManager on a ptcp
// listener of 127.0.0.1 (ephemeral port) with a scriptable BridgeHandler,
// its log captured as JSON records, and OfPeer, a raw OpenFlow peer that
// plays the controller over a real socket.
//
// OfPeer reads with the codec's framer and decoder (both tested on their
// own against golden bytes); what the session sends first (our HELLO) is
// checked byte for byte in the tests.
import * as net from 'node:net';
import { Writable } from 'node:stream';

import { ControllerManager } from '../../../controller-agent/src/agent/controller-manager';
import type { BridgeHandler, ControllerManagerOptions, Message, SessionView, SwitchInfo } from '../../../controller-agent/src/agent/types';
import { createLogger } from '../../../controller-agent/src/log';
import { decodeMessage, encodeMessage, Framer } from '../../../controller-agent/src/openflow';
import type { MessageOf, OfMessage, Port } from '../../../controller-agent/src/openflow';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';

export type LogRecord = Record<string, unknown> & { msg: string };

export function captureLog(): { log: ReturnType<typeof createLogger>; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l !== '') records.push(JSON.parse(l) as LogRecord);
      done();
    },
  });
  return { log: createLogger({ level: 'debug', destination: sink }), records };
}

export const TEST_PORTS: Port[] = [
  { portNo: 1, hwAddr: 0x020000000001n, name: 'p1', config: 0, state: 4, curr: 0x820, advertised: 0, supported: 0, peer: 0, currSpeed: 10_000_000, maxSpeed: 10_000_000 },
  { portNo: 2, hwAddr: 0x020000000002n, name: 'p2', config: 0, state: 0, curr: 0x820, advertised: 0, supported: 0, peer: 0, currSpeed: 10_000_000, maxSpeed: 10_000_000 },
];

/** A BridgeHandler double: records calls, answers by a replaceable function. */
export class FakeHandler implements BridgeHandler {
  calls: { session: string; role: string; type: string; xid: number; at: number }[] = [];
  connectedCounts: number[] = [];
  info: SwitchInfo = { datapathId: 0xabn, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f };
  answer: (s: SessionView, m: Message) => Promise<Message[]> | Message[] = () => [];

  features(): SwitchInfo {
    return this.info;
  }

  portDescs(): Port[] {
    return TEST_PORTS;
  }

  async handle(session: SessionView, msg: Message): Promise<Message[]> {
    this.calls.push({ session: session.id, role: session.role, type: msg.type, xid: msg.xid, at: performance.now() });
    return this.answer(session, msg);
  }

  sessionsChanged(connected: number): void {
    this.connectedCounts.push(connected);
  }
}

export interface Rig {
  manager: ControllerManager;
  handler: FakeHandler;
  records: LogRecord[];
  rundir: string;
  port: number;
  close(): Promise<void>;
}

export async function startRig(over: Partial<ControllerManagerOptions> = {}): Promise<Rig> {
  const rundir = makeTempRunDir();
  const handler = new FakeHandler();
  const { log, records } = captureLog();
  const manager = new ControllerManager({
    bridge: 'br0', rundir, handler, log, targets: [], listeners: ['ptcp:0:127.0.0.1'], protocols: [0x01, 0x04],
    inactivityProbeMs: 5000, ...over,
  });
  await manager.start();
  const port = manager.listenerPorts[0] ?? 0;
  return {
    manager, handler, records, rundir, port,
    async close() {
      await manager.stop();
      removeTempDir(rundir);
    },
  };
}

/** A raw OpenFlow peer on a real socket. */
export class OfPeer {
  private readonly framer = new Framer();
  private readonly inbox: Buffer[] = [];
  private waiter: (() => void) | undefined;
  closed = false;
  readonly closedP: Promise<void>;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.framer.push(chunk)) if (f.kind === 'message') this.inbox.push(f.bytes);
      this.waiter?.();
    });
    this.closedP = new Promise((resolve) => socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
      resolve();
    }));
    socket.on('error', () => undefined);
  }

  static connect(opts: net.NetConnectOpts): Promise<OfPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect(opts);
      s.once('connect', () => resolve(new OfPeer(s)));
      s.once('error', reject);
    });
  }

  sendRaw(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes.replace(/\s+/g, ''), 'hex') : bytes);
  }

  send(...msgs: OfMessage[]): void {
    this.socket.write(Buffer.concat(msgs.map(encodeMessage)));
  }

  /** The next message's bytes; rejects after 'timeoutMs' or when the connection closes first. */
  async nextRaw(timeoutMs = 2000): Promise<Buffer> {
    const deadline = performance.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.closed) throw new Error('connection closed while waiting for a message');
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.inbox.shift() as Buffer;
  }

  async next(timeoutMs = 2000): Promise<OfMessage> {
    return decodeMessage(await this.nextRaw(timeoutMs));
  }

  /** The next message, which must be of 'type'. */
  async expect<T extends OfMessage['type']>(type: T, timeoutMs = 2000): Promise<MessageOf<T>> {
    const m = await this.next(timeoutMs);
    if (m.type !== type) throw new Error(`expected ${type}, got ${m.type} ${JSON.stringify(m, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    return m as MessageOf<T>;
  }

  /** Nothing arrives within 'ms'. */
  async quiet(ms: number): Promise<OfMessage | undefined> {
    try {
      return await this.next(ms);
    } catch {
      return undefined;
    }
  }

  async waitClosed(timeoutMs = 2000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.closedP, new Promise((_r, reject) => (t = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs)))]);
    clearTimeout(t);
  }

  end(): void {
    this.socket.destroy();
  }
}

/** Connects to the rig, reads our HELLO, sends 'hello' (hex or message) and returns the peer. */
export async function handshake(rig: Rig, hello: OfMessage | string = { version: 4, xid: 1, type: 'OFPT_HELLO', versions: [1, 4] }): Promise<OfPeer> {
  const peer = await OfPeer.connect({ host: '127.0.0.1', port: rig.port });
  await peer.expect('OFPT_HELLO');
  if (typeof hello === 'string') peer.sendRaw(hello);
  else peer.send(hello);
  return peer;
}

/** The session's negotiated version as the manager reports it, once it has one. */
export async function negotiatedVersion(rig: Rig, peers = 1): Promise<number[]> {
  for (let i = 0; i < 100; i++) {
    const s = rig.manager.status().sessions;
    if (s.length >= peers && s.every((x) => x.connected)) return s.map((x) => x.version);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`sessions not negotiated: ${JSON.stringify(rig.manager.status().sessions)}`);
}
