// The topology of the daemon's Linux-port tests: a "switch" network
// namespace where the daemon runs, and host namespaces each joined to it
// by a veth pair (the host end addressed inside its namespace, the other
// end inside the switch namespace, for the daemon to attach).  Running the
// daemon in a namespace of its own keeps its TAP device, and the address
// a test gives it, off the machine's real network.
//
// The hosts' transmit offloads are off (see addHost).
//
// Everything is named from runName (msw<pid>...), removed by cleanup():
// deleting the switch namespace takes its veth ends and the TAP with it.
// Addresses are 10.99.x.y inside our namespaces only.
import { execFile, execFileSync } from 'child_process';

import { ip, runName } from '../support/netns';

export interface Host {
  ns: string;
  inner: string;      // the host's end, in 'ns'
  outer: string;      // the switch's end, in the switch namespace
  addr: string;
}

export class SwitchTopology {
  readonly swNs: string;
  private readonly namespaces: string[] = [];

  constructor() {
    this.swNs = runName('sw');
    ip('netns', 'add', this.swNs);
    this.namespaces.push(this.swNs);
    ip('-n', this.swNs, 'link', 'set', 'lo', 'up');
  }

  // A host namespace with 'addr'/24 on a veth of 'mtu' whose other end
  // is up in the switch namespace.  IPv6 is off in the host, so the only
  // frames it sends are the ones a test causes.
  addHost(tag: string, addr: string, mtu = 1500): Host {
    const ns = runName(`n${tag}`);
    const outer = runName(tag);
    const inner = runName(`${tag}p`);
    ip('netns', 'add', ns);
    this.namespaces.push(ns);
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    ip('-n', this.swNs, 'link', 'add', outer, 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', inner, 'mtu', String(mtu));
    ip('-n', this.swNs, 'link', 'set', inner, 'netns', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', inner);
    // A veth hands TCP/UDP frames on with their checksum left for "the
    // hardware" (CHECKSUM_PARTIAL) and TCP in 64 KiB TSO chunks; a switch
    // reading them from an AF_PACKET or AF_XDP socket forwards them as
    // they are, and the receiver drops them.  So, as for Open vSwitch's
    // AF_PACKET/AF_XDP ports on veths, the host's transmit offloads are off.
    execFileSync('ip', ['netns', 'exec', ns, 'ethtool', '-K', inner, 'tx', 'off', 'tso', 'off', 'gso', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
    ip('-n', ns, 'link', 'set', inner, 'up');
    ip('-n', this.swNs, 'link', 'set', outer, 'up');
    return { ns, inner, outer, addr };
  }

  cleanup(): void {
    for (const ns of this.namespaces.splice(0).reverse()) {
      try { ip('netns', 'del', ns); } catch { /* already gone */ }
    }
  }
}

// Runs 'args' in 'ns' and resolves its output (rejects on a failing exit).
export function inNs(ns: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, out, errOut) => {
      if (err) reject(new Error(`${args.join(' ')} in ${ns}: ${err.message}\n${out}${errOut}`));
      else resolve(out);
    });
  });
}

// A TCP receiver: accepts one connection, prints "<bytes> <sha256>".
const TCP_SINK = `
const net = require('net'), crypto = require('crypto');
const [host, port] = process.argv.slice(1);
const srv = net.createServer((s) => {
  const h = crypto.createHash('sha256'); let n = 0;
  s.on('data', (d) => { n += d.length; h.update(d); });
  s.on('end', () => { process.stdout.write(n + ' ' + h.digest('hex') + '\\n'); srv.close(); });
});
srv.listen(Number(port), host, () => process.stdout.write('listening\\n'));
setTimeout(() => process.exit(2), 60000).unref();`;

// A TCP sender: 'bytes' of seeded pseudo-random data, prints its sha256.
const TCP_SOURCE = `
const net = require('net'), crypto = require('crypto');
const [host, port, bytes] = process.argv.slice(1);
const data = crypto.randomBytes(Number(bytes));
const s = net.connect(Number(port), host, () => s.end(data));
s.on('close', () => process.stdout.write(crypto.createHash('sha256').update(data).digest('hex') + '\\n'));
s.on('error', (e) => { process.stderr.write(String(e)); process.exit(1); });`;

// Sends 'bytes' over TCP from host 'from' to host 'to' through the switch;
// resolves what each side hashed.
export async function tcpTransfer(from: Host, to: Host, bytes: number, port = 5201): Promise<{ sent: string; received: string; receivedBytes: number }> {
  const sink = new Promise<string>((resolve, reject) => {
    const child = execFile('ip', ['netns', 'exec', to.ns, process.execPath, '-e', TCP_SINK, to.addr, String(port)],
      { encoding: 'utf8', timeout: 60_000 }, (err, out) => (err ? reject(err) : resolve(out)));
    child.stdout?.once('data', () => {
      void inNs(from.ns, [process.execPath, '-e', TCP_SOURCE, to.addr, String(port), String(bytes)], 60_000)
        .then((sent) => { sentHash = sent.trim(); })
        .catch(reject);
    });
  });
  let sentHash = '';
  const [n, received] = (await sink).trim().split('\n').pop()!.split(' ');
  for (let i = 0; i < 100 && sentHash === ''; i++) await new Promise((r) => setTimeout(r, 20));
  return { sent: sentHash, received, receivedBytes: Number(n) };
}

// A UDP receiver: counts datagrams whose body matches their embedded
// sha256 (first 32 bytes hash the rest) and those that do not.
const UDP_SINK = `
const dgram = require('dgram'), crypto = require('crypto');
const [host, port, ms] = process.argv.slice(1);
let good = 0, bad = 0;
const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
s.on('message', (m) => {
  const ok = m.length > 32 && crypto.createHash('sha256').update(m.subarray(32)).digest().equals(m.subarray(0, 32));
  if (ok) good++; else bad++;
});
s.bind(Number(port), host, () => process.stdout.write('listening\\n'));
setTimeout(() => { process.stdout.write(good + ' ' + bad + '\\n'); s.close(); }, Number(ms));`;

const UDP_SOURCE = `
const dgram = require('dgram'), crypto = require('crypto');
const [host, port, count, size] = process.argv.slice(1).map((x, i) => i ? Number(x) : x);
const s = dgram.createSocket('udp4');
let i = 0;
const burst = () => {
  for (let k = 0; k < 10 && i < count; k++, i++) {
    const body = crypto.randomBytes(size - 32);
    s.send(Buffer.concat([crypto.createHash('sha256').update(body).digest(), body]), port, host);
  }
  if (i < count) setTimeout(burst, 5); else setTimeout(() => s.close(), 200);
};
burst();`;

// Sends 'count' datagrams of 'size' bytes, paced in bursts of 10 every 5 ms
// (so the receiving socket, not the switch, is never the bottleneck); resolves
// how many arrived intact and how many arrived damaged.
export async function udpTransfer(from: Host, to: Host, count: number, size: number, port = 5202): Promise<{ good: number; bad: number }> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile('ip', ['netns', 'exec', to.ns, process.execPath, '-e', UDP_SINK, to.addr, String(port), '6000'],
      { encoding: 'utf8', timeout: 30_000 }, (err, o) => (err ? reject(err) : resolve(o)));
    child.stdout?.once('data', () => {
      void inNs(from.ns, [process.execPath, '-e', UDP_SOURCE, to.addr, String(port), String(count), String(size)]).catch(reject);
    });
  });
  const [good, bad] = out.trim().split('\n').pop()!.split(' ').map(Number);
  return { good, bad };
}
