// A client for an Open vSwitch daemon's unixctl socket (what `ovs-appctl`
// speaks), kept open for the life of a test.
//
// What?
//   `ovs-appctl -t SOCK CMD ARGS...` sends one JSON-RPC 1.0 request
//   {"method": CMD, "params": [ARGS...], "id": N} over a unix stream socket
//   and prints the reply's "result" string (or its "error" string and exits
//   non-zero).  The differential test injects hundreds of packets per flow
//   set; spawning ovs-appctl for each costs more than the test itself, so
//   this speaks the same protocol over one connection.
//
// Design
//   OVS's JSON-RPC stream has no framing: messages are JSON texts back to
//   back.  The reader splits them by tracking brace depth outside strings.
//   Requests are answered in order; each call waits for the reply with its
//   id, so calls may be issued concurrently.
import { connect } from 'net';
import type { Socket } from 'net';

interface Reply {
  id: number;
  result: string | null;
  error: string | null;
}

// Splits a byte stream of concatenated JSON objects into whole objects.
class JsonSplitter {
  private buf = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scanned = 0;

  push(chunk: string, emit: (text: string) => void): void {
    this.buf += chunk;
    for (let i = this.scanned; i < this.buf.length; i++) {
      const c = this.buf[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') {
        this.inString = true;
      } else if (c === '{' || c === '[') {
        this.depth++;
      } else if ((c === '}' || c === ']') && --this.depth === 0) {
        emit(this.buf.slice(0, i + 1));
        this.buf = this.buf.slice(i + 1);
        i = -1;
      }
    }
    this.scanned = this.buf.length;
  }
}

export class UnixctlClient {
  private readonly sock: Socket;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private closedError: Error | undefined;

  private constructor(sock: Socket, private readonly path: string) {
    this.sock = sock;
    const splitter = new JsonSplitter();
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => splitter.push(chunk, (text) => this.onMessage(text)));
    const fail = (why: string): void => {
      this.closedError ??= new Error(`unixctl ${this.path}: ${why}`);
      for (const w of this.waiting.values()) w.reject(this.closedError);
      this.waiting.clear();
    };
    sock.on('error', (e) => fail(e.message));
    sock.on('close', () => fail('connection closed'));
  }

  static open(path: string): Promise<UnixctlClient> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => resolve(new UnixctlClient(s, path)));
      s.once('error', (e) => reject(new Error(`cannot connect to unixctl socket ${path}: ${e.message}`)));
    });
  }

  private onMessage(text: string): void {
    let msg: Reply;
    try {
      msg = JSON.parse(text) as Reply;
    } catch (e) {
      this.sock.destroy(new Error(`unparsable JSON-RPC message: ${text.slice(0, 200)}`));
      return;
    }
    const w = this.waiting.get(msg.id);
    if (!w) return;
    this.waiting.delete(msg.id);
    w.resolve(msg);
  }

  // Runs 'method' with string 'params' as ovs-appctl would; resolves the
  // result text, rejects with the daemon's error text.
  call(method: string, ...params: string[]): Promise<string> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (r) => (r.error !== null && r.error !== undefined
          ? reject(new Error(`${method} ${params.join(' ')}: ${String(r.error).trim()}`))
          : resolve(r.result ?? '')),
        reject,
      });
      this.sock.write(JSON.stringify({ method, params, id }));
    });
  }

  close(): void {
    this.sock.destroy();
  }
}
