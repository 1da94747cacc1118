// A switch in the test process with memif clients attached: the rig the
// datapath tests share.  Frames built here are plain Ethernet with a
// payload pattern, so "arrived byte-identical" is a Buffer comparison.
import { join } from 'path';

import { MemifClient, Switch } from '../../controller-agent/src/datapath';
import type { MemifClientOptions, NativeMemifClient, NativeSwitch, PortInfo, SwitchOptions } from '../../controller-agent/src/datapath';
import { makeTempDir, removeTempDir } from '../support/tmp-dir';
import { waitFor } from '../support/wait';

export interface Rig {
  dir: string;
  socket: string;
  sw: NativeSwitch;
  clients: NativeMemifClient[];
  connect(id: number, opts?: Partial<MemifClientOptions>): Promise<NativeMemifClient>;
  port(id: number): PortInfo;
  close(): void;
}

export async function makeRig(opts: Partial<SwitchOptions> = {}): Promise<Rig> {
  const dir = makeTempDir('msw-dp-');
  const socket = join(dir, 'br0.memif');
  const sw = new Switch({ name: 'br0', ...opts });
  sw.listenMemif({ path: socket });
  const rig: Rig = {
    dir,
    socket,
    sw,
    clients: [],
    async connect(id, copts = {}) {
      const c = new MemifClient({ socket, id, ...copts });
      rig.clients.push(c);
      // The port is usable once the switch has published it.
      await waitFor(() => sw.ports().find((p) => p.memifId === id && p.up), { what: `memif ${id} up`, timeoutMs: 5000 });
      return c;
    },
    port(id) {
      const p = sw.ports().find((x) => x.memifId === id);
      if (!p) throw new Error(`no port for memif id ${id}`);
      return p;
    },
    close() {
      for (const c of rig.clients) c.close();
      sw.close();
      removeTempDir(dir);
    },
  };
  return rig;
}

export const mac = (n: number): Buffer => Buffer.from([0x02, 0, 0, 0, (n >> 8) & 255, n & 255]);
export const BROADCAST = Buffer.from([255, 255, 255, 255, 255, 255]);

// An Ethernet frame of 'len' bytes from 'src' to 'dst' whose payload
// carries 'tag' and then a byte pattern.
export function frame(dst: Buffer, src: Buffer, len: number, tag = 0): Buffer {
  const f = Buffer.alloc(len);
  dst.copy(f, 0);
  src.copy(f, 6);
  f.writeUInt16BE(0x88b5, 12); // local experimental ethertype
  if (len >= 18) f.writeUInt32BE(tag >>> 0, 14);
  for (let i = 18; i < len; i++) f[i] = (i * 7 + tag) & 255;
  return f;
}

// Receives until 'n' frames arrived or 'ms' passed; returns what came.
export function receive(c: NativeMemifClient, n: number, ms = 2000): Buffer[] {
  const got: Buffer[] = [];
  const end = Date.now() + ms;
  while (got.length < n && Date.now() < end) {
    if (c.waitRx(Math.max(1, Math.min(100, end - Date.now())))) got.push(...c.recv(1024));
  }
  return got;
}

// Waits 'ms' and returns whatever arrived (to check nothing did).
export function drain(c: NativeMemifClient, ms = 200): Buffer[] {
  return receive(c, Number.MAX_SAFE_INTEGER, ms);
}

// Sends every frame, retrying while the ring is full.
export function sendAll(c: NativeMemifClient, frames: Buffer[], ms = 2000): void {
  const end = Date.now() + ms;
  let i = 0;
  while (i < frames.length) {
    i += c.send(frames.slice(i, i + 256));
    if (Date.now() > end) throw new Error(`sent only ${i} of ${frames.length} frames in ${ms} ms`);
  }
}

export const totalDrops = (p: PortInfo): number => Object.values(p.drops).reduce((a, b) => a + b, 0);
