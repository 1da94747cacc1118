// The CLI's side of the REST API: one JSON call over the daemon's unix
// socket <rundir>/mswitch.sock (no token: the socket's mode is the access
// control).  A missing socket or a refused connection means the daemon is
// not running (DaemonNotRunning); an answer with an error status becomes an
// ApiCallError carrying the registry code and message the daemon gave.
// A text/plain answer (dump-flows' text form) resolves as the text.
import { request } from 'http';
import { join } from 'path';

import { API_SOCKET_NAME, DEFAULTS } from '../config';

export class DaemonNotRunning extends Error {}

/** A refused flow mod as the daemon lists it (index into the request's flows). */
export interface FlowFailure {
  index: number;
  type: string;
  code: string;
  message: string;
}

export class ApiCallError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly failures?: FlowFailure[]) {
    super(message);
  }
}

// The socket for '--rundir' (else $MSWITCH_RUNDIR, else /run/mswitch).
export function apiSocketFor(rundir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const dir = rundir ?? (env.MSWITCH_RUNDIR !== undefined && env.MSWITCH_RUNDIR !== '' ? env.MSWITCH_RUNDIR : DEFAULTS.rundir);
  return join(dir, API_SOCKET_NAME);
}

export class ApiClient {
  constructor(readonly socket: string, private readonly timeoutMs = 30_000) {}

  // Resolves the parsed JSON answer (undefined for 204); rejects with
  // ApiCallError or DaemonNotRunning.
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = request({
        socketPath: this.socket,
        method,
        path,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': payload.length },
        timeout: this.timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300 && /^text\/plain/.test(res.headers['content-type'] ?? '')) {
            resolve(text as T);
            return;
          }
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            reject(new ApiCallError(res.statusCode ?? 0, 'BAD_ANSWER', `the daemon answered ${res.statusCode} with non-JSON: ${text.slice(0, 200)}`));
            return;
          }
          if (status >= 200 && status < 300) {
            resolve(json as T);
          } else {
            const e = (json ?? {}) as { code?: string; message?: string; failures?: FlowFailure[] };
            reject(new ApiCallError(status, e.code ?? `HTTP_${status}`, e.message ?? `HTTP ${status}`, e.failures));
          }
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from the daemon on ${this.socket} within ${this.timeoutMs} ms`)));
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') {
          reject(new DaemonNotRunning(`the daemon is not running (no API socket at ${this.socket}; start it with \`mswitch start\`)`));
        } else {
          reject(e);
        }
      });
      req.end(payload);
    });
  }
}
