// A minimal OpenFlow 1.3 controller that only collects packet-ins: the
// differential test's view of what a real Open vSwitch sends to its
// controller.
//
// What?
//   A unix-socket listener; the OVS bridge gets `unix:<path>` as its
//   controller and connects to it (unix sockets work across the network
//   namespace the OVS daemons run in).  It answers HELLO and ECHO, enables
//   every packet-in reason with OFPT_SET_ASYNC (OpenFlow 1.3 §7.3.10: by
//   default a controller is not sent OFPR_INVALID_TTL packet-ins), and
//   decodes each OFPT_PACKET_IN into reason, table, cookie and data.
//
// Design
//   Written from the OpenFlow 1.3.5 spec layouts, independently of the
//   agent's codec so that a codec bug cannot hide a logic bug.  Messages
//   other than the four above are ignored except OFPT_ERROR, which is kept
//   for the test's failure messages.
import { createServer } from 'net';
import type { Server, Socket } from 'net';

const OFP13_VERSION = 4;
const OFPT_HELLO = 0;
const OFPT_ERROR = 1;
const OFPT_ECHO_REQUEST = 2;
const OFPT_ECHO_REPLY = 3;
const OFPT_PACKET_IN = 10;
const OFPT_SET_ASYNC = 28;

// ofp_packet_in_reason (§7.4.1), as the differential test prints them.
export const PACKET_IN_REASONS = ['no_match', 'action', 'invalid_ttl'] as const;

export interface PacketIn {
  reason: string;       // 'no_match' | 'action' | 'invalid_ttl' | 'reason<N>'
  table: number;
  cookie: bigint;
  totalLen: number;
  data: Buffer;
}

function header(type: number, length: number, xid: number): Buffer {
  const h = Buffer.alloc(length);
  h.writeUInt8(OFP13_VERSION, 0);
  h.writeUInt8(type, 1);
  h.writeUInt16BE(length, 2);
  h.writeUInt32BE(xid, 4);
  return h;
}

// ofp_packet_in (§7.4.1): header, buffer_id, total_len, reason, table_id,
// cookie, an ofp_match padded to 8 bytes, 2 bytes of pad, then the frame.
export function decodePacketIn(msg: Buffer): PacketIn {
  if (msg.length < 34) throw new Error(`OFPT_PACKET_IN of ${msg.length} bytes is shorter than its fixed part`);
  const totalLen = msg.readUInt16BE(12);
  const reason = msg.readUInt8(14);
  const table = msg.readUInt8(15);
  const cookie = msg.readBigUInt64BE(16);
  const matchLen = msg.readUInt16BE(26);
  const dataAt = 24 + Math.ceil(matchLen / 8) * 8 + 2;
  if (dataAt > msg.length) throw new Error(`OFPT_PACKET_IN match length ${matchLen} overruns the ${msg.length}-byte message`);
  return {
    reason: PACKET_IN_REASONS[reason] ?? `reason${reason}`,
    table,
    cookie,
    totalLen,
    data: Buffer.from(msg.subarray(dataAt)),
  };
}

export class PacketInSink {
  readonly received: PacketIn[] = [];
  readonly errors: string[] = [];
  private readonly server: Server;
  private conn: Socket | undefined;
  private waiters: (() => void)[] = [];

  private constructor(server: Server) {
    this.server = server;
    server.on('connection', (s) => this.onConnection(s));
  }

  static listen(path: string): Promise<PacketInSink> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      const sink = new PacketInSink(server);
      server.once('error', (e) => reject(new Error(`cannot listen on ${path}: ${e.message}`)));
      server.listen(path, () => resolve(sink));
    });
  }

  connected(): boolean {
    return this.conn !== undefined && !this.conn.destroyed;
  }

  // Resolves at the next packet-in (or connection change).
  nextEvent(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  private onConnection(s: Socket): void {
    this.conn?.destroy();
    this.conn = s;
    s.write(header(OFPT_HELLO, 8, 1));
    // Every packet-in reason, port-status reason and flow-removed reason,
    // for both the master/equal and the slave mask.
    const async = header(OFPT_SET_ASYNC, 32, 2);
    for (let i = 0; i < 6; i++) async.writeUInt32BE(0x7, 8 + 4 * i);
    s.write(async);
    let buf = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 8 && buf.length >= buf.readUInt16BE(2)) {
        const len = buf.readUInt16BE(2);
        if (len < 8) {
          s.destroy();
          this.errors.push(`OpenFlow message with length ${len}`);
          return;
        }
        this.onMessage(s, buf.subarray(0, len));
        buf = buf.subarray(len);
      }
    });
    s.on('close', () => {
      if (this.conn === s) this.conn = undefined;
      this.wake();
    });
    s.on('error', () => { /* 'close' follows */ });
    this.wake();
  }

  private onMessage(s: Socket, msg: Buffer): void {
    const type = msg.readUInt8(1);
    const xid = msg.readUInt32BE(4);
    if (type === OFPT_ECHO_REQUEST) {
      const reply = Buffer.from(msg);
      reply.writeUInt8(OFP13_VERSION, 0);
      reply.writeUInt8(OFPT_ECHO_REPLY, 1);
      reply.writeUInt32BE(xid, 4);
      s.write(reply);
    } else if (type === OFPT_PACKET_IN) {
      this.received.push(decodePacketIn(msg));
      this.wake();
    } else if (type === OFPT_ERROR) {
      this.errors.push(`OFPT_ERROR type ${msg.readUInt16BE(8)} code ${msg.readUInt16BE(10)}: ${msg.subarray(12).toString('hex')}`);
    }
  }

  close(): Promise<void> {
    this.conn?.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}
