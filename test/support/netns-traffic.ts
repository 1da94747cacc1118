// Real traffic between network namespaces for the Linux-port tests: TCP
// and UDP transfers of a few MB run by Node inside the namespaces (`ip
// netns exec <ns> node -e ...`), each end hashing what it sent or got, so
// a test compares digests instead of trusting a byte count; and the small
// facts of a namespace's interface (its MAC, its per-queue XDP counters)
// those tests assert on.
//
// The payload is a deterministic byte stream (a 32-bit LCG per flow), so
// sender and receiver agree on it without sharing a file.  Every process
// started here is awaited (or killed on timeout) before the call returns.
import { execFile, execFileSync, spawn } from 'child_process';

import { ip, runName } from './netns';
import type { NetnsHost } from './netns';

export interface TransferResult {
  sentBytes: number;
  receivedBytes: number;
  sentSha256: string;
  receivedSha256: string;
}

export interface UdpResult {
  sent: number;        // datagrams
  received: number;    // distinct datagrams that arrived intact
  corrupt: number;     // datagrams whose bytes did not match their sequence number
  duplicates: number;
}

// Shared by sender and receiver scripts: the byte stream of flow 'seed'.
const STREAM_JS = `
function fill(buf, state) {
  for (let i = 0; i < buf.length; i++) { state = (Math.imul(state, 1103515245) + 12345) >>> 0; buf[i] = state >>> 24; }
  return state;
}`;

function inNetns(ns: string, script: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', ns, process.execPath, '-e', script, ...args],
      { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`node in ${ns} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      });
  });
}

// Starts a node script in 'ns' and resolves once it printed 'ready'; the
// returned promise ('done') resolves with everything it printed after.
function startServer(ns: string, script: string, args: string[], timeoutMs: number):
  Promise<{ done: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let ready = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const done = new Promise<string>((res, rej) => {
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) res(out.slice(out.indexOf('ready\n') + 6));
        else rej(new Error(`server in ${ns} exited ${code}: ${err}${out}`));
      });
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!ready && out.includes('ready\n')) {
        ready = true;
        resolve({ done });
      }
    });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    done.catch((e) => { if (!ready) reject(e); });
  });
}

const TCP_SERVER = `${STREAM_JS}
const net = require('net'), crypto = require('crypto');
const [addr, port] = process.argv.slice(1);
const h = crypto.createHash('sha256'); let n = 0;
const srv = net.createServer((s) => {
  s.on('data', (d) => { h.update(d); n += d.length; });
  s.on('end', () => { console.log(JSON.stringify({ bytes: n, sha256: h.digest('hex') })); s.end(); srv.close(); });
});
srv.listen(Number(port), addr, () => console.log('ready'));`;

const TCP_CLIENT = `${STREAM_JS}
const net = require('net'), crypto = require('crypto');
const [addr, port, total, seed] = process.argv.slice(1);
const h = crypto.createHash('sha256'); let left = Number(total), state = Number(seed) >>> 0;
const s = net.connect(Number(port), addr, () => {
  const pump = () => {
    while (left > 0) {
      const b = Buffer.alloc(Math.min(65536, left)); state = fill(b, state); h.update(b); left -= b.length;
      if (!s.write(b)) return s.once('drain', pump);
    }
    s.end();
  };
  pump();
});
s.on('close', () => console.log(JSON.stringify({ bytes: Number(total), sha256: h.digest('hex') })));
s.on('error', (e) => { console.error(e.message); process.exit(1); });
s.resume();`;

// Sends 'bytes' over one TCP connection from 'clientNs' to
// 'serverAddr':'port' (a listener in 'serverNs').
export async function tcpTransfer(serverNs: string, serverAddr: string, clientNs: string, bytes: number,
  port = 5201, seed = 1, timeoutMs = 60000): Promise<TransferResult> {
  const server = await startServer(serverNs, TCP_SERVER, [serverAddr, String(port)], timeoutMs);
  const [sent, got] = await Promise.all([
    inNetns(clientNs, TCP_CLIENT, [serverAddr, String(port), String(bytes), String(seed)], timeoutMs),
    server.done,
  ]);
  const s = JSON.parse(sent.trim()) as { bytes: number; sha256: string };
  const r = JSON.parse(got.trim()) as { bytes: number; sha256: string };
  return { sentBytes: s.bytes, receivedBytes: r.bytes, sentSha256: s.sha256, receivedSha256: r.sha256 };
}

// Each datagram: 4-byte sequence number, then the stream of flow 'seq'.
const UDP_SERVER = `${STREAM_JS}
const dgram = require('dgram');
const [addr, port, count, size, idleMs] = process.argv.slice(1).map((x, i) => i ? Number(x) : x);
const seen = new Uint8Array(count); let ok = 0, bad = 0, dup = 0, timer;
const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
const finish = () => { console.log(JSON.stringify({ received: ok, corrupt: bad, duplicates: dup })); s.close(); };
s.on('message', (m) => {
  clearTimeout(timer); timer = setTimeout(finish, idleMs);
  const seq = m.length === size ? m.readUInt32BE(0) : -1;
  const want = Buffer.alloc(size - 4); fill(want, seq + 1);
  if (seq < 0 || seq >= count || !m.subarray(4).equals(want)) { bad++; return; }
  if (seen[seq]) { dup++; return; }
  seen[seq] = 1; ok++;
  if (ok === count) { clearTimeout(timer); finish(); }
});
s.bind(port, addr, () => { timer = setTimeout(finish, 10000); console.log('ready'); });`;

const UDP_CLIENT = `${STREAM_JS}
const dgram = require('dgram');
const [addr, port, count, size, burst] = process.argv.slice(1).map((x, i) => i ? Number(x) : x);
const s = dgram.createSocket({ type: 'udp4', sendBufferSize: 8 << 20 });
let seq = 0;
const next = () => {
  if (seq >= count) { s.close(); console.log(JSON.stringify({ sent: count })); return; }
  let pending = 0;
  for (let i = 0; i < burst && seq < count; i++, seq++) {
    const m = Buffer.alloc(size); m.writeUInt32BE(seq, 0); fill(m.subarray(4), seq + 1);
    pending++; s.send(m, port, addr, () => { if (--pending === 0) setTimeout(next, 1); });
  }
};
next();`;

// Sends 'count' datagrams of 'size' bytes from 'clientNs' to a receiver
// in 'serverNs', 'burst' at a time with a 1 ms pause between bursts (a
// rate any switch under test should carry without loss).
export async function udpTransfer(serverNs: string, serverAddr: string, clientNs: string, count: number,
  size = 1400, port = 5202, burst = 32, timeoutMs = 60000): Promise<UdpResult> {
  const server = await startServer(serverNs, UDP_SERVER, [serverAddr, String(port), String(count), String(size), '2000'],
    timeoutMs);
  const [sent, got] = await Promise.all([
    inNetns(clientNs, UDP_CLIENT, [serverAddr, String(port), String(count), String(size), String(burst)], timeoutMs),
    server.done,
  ]);
  const s = JSON.parse(sent.trim()) as { sent: number };
  const r = JSON.parse(got.trim()) as { received: number; corrupt: number; duplicates: number };
  return { sent: s.sent, ...r };
}

// The MAC address of 'dev' inside 'ns'.
export function macOf(ns: string, dev: string): Buffer {
  const out = execFileSync('ip', ['-n', ns, '-j', 'link', 'show', 'dev', dev], { encoding: 'utf8' });
  const [link] = JSON.parse(out) as Array<{ address: string }>;
  return Buffer.from(link.address.split(':').map((x) => parseInt(x, 16)));
}

// ethtool's per-receive-queue counter 'name' of root-namespace 'dev'
// (veth: rx_queue_<q>_xdp_packets and friends), by queue.
export function perQueueStat(dev: string, name: string): number[] {
  const out = execFileSync('ethtool', ['-S', dev], { encoding: 'utf8' });
  const re = new RegExp(`rx_queue_(\\d+)_${name}:\\s+(\\d+)`, 'g');
  const by: number[] = [];
  for (let m = re.exec(out); m; m = re.exec(out)) by[Number(m[1])] = Number(m[2]);
  return by;
}

// Namespaces on veths with 'queues' receive and transmit queues on both
// ends (Netns makes single-queue pairs); named and cleaned up like Netns:
// only what this object created is ever deleted.
export class QueuedHosts {
  private readonly namespaces: string[] = [];
  private readonly links: string[] = [];

  addHost(tag: string, addr: string, queues: number): NetnsHost {
    if (!/^10\./.test(addr)) throw new Error(`test addresses must be 10.x, got ${addr}`);
    const ns = runName(`n${tag}`);
    const outer = runName(tag);
    const inner = runName(`${tag}p`);
    const q = String(queues);
    ip('netns', 'add', ns);
    this.namespaces.push(ns);
    ip('link', 'add', outer, 'numtxqueues', q, 'numrxqueues', q, 'type', 'veth', 'peer', 'name', inner,
      'numtxqueues', q, 'numrxqueues', q);
    this.links.push(outer);
    ip('link', 'set', inner, 'netns', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', inner);
    ip('-n', ns, 'link', 'set', inner, 'up');
    ip('link', 'set', outer, 'up');
    return { ns, inner, outer, addr };
  }

  cleanup(): void {
    for (const l of this.links.splice(0)) {
      try { ip('link', 'del', l); } catch { /* gone with its namespace */ }
    }
    for (const ns of this.namespaces.splice(0)) {
      try { ip('netns', 'del', ns); } catch { /* already gone */ }
    }
  }
}

// Turns off transmit checksum offload on 'dev' inside 'ns'.  A veth hands
// TCP/UDP frames on with the checksum left for "the hardware" to fill
// (CHECKSUM_PARTIAL); a switch that reads them from an AF_XDP or AF_PACKET
// socket and transmits them through another interface sends them with
// that checksum unfilled, and the receiving stack drops them.  Open
// vSwitch's AF_XDP and AF_PACKET ports need the same setting on veths.
export function txChecksumOff(ns: string, dev: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'ethtool', '-K', dev, 'tx', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
}
