// Network namespaces and veth pairs for tests that put real Linux hosts on
// the switch.  Everything is named from a per-run prefix (`msw<pid>`), so
// two runs never collide and cleanup only ever deletes what this run made:
// namespaces it created (their veth ends go with them) and root-namespace
// veths it created.  Addresses are only ever set inside our namespaces.
import { execFile, execFileSync } from 'child_process';

export interface NetnsHost {
  ns: string;        // namespace name
  inner: string;     // veth end inside the namespace
  outer: string;     // veth end in the root namespace (to attach to the switch)
  addr: string;      // the inner end's address, e.g. 10.99.0.1
}

export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// Why the netns tests cannot run here, or undefined if they can.
export function netnsUnavailable(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root';
  try {
    ip('netns', 'list');
  } catch (e) {
    return `ip netns unavailable: ${(e as Error).message.split('\n')[0]}`;
  }
  return undefined;
}

// Names unique to this run: 'msw<pid><tag>' (<= 15 characters for a
// Linux interface name).
export function runName(tag: string): string {
  const n = `msw${process.pid}${tag}`;
  if (n.length > 15) throw new Error(`interface name ${n} is longer than 15 characters`);
  return n;
}

// Topology owner: remembers what it created and removes exactly that.
export class Netns {
  private readonly namespaces: string[] = [];
  private readonly rootLinks: string[] = [];

  // A namespace 'ns' holding one end of a new veth pair with 'addr'/24;
  // the other end stays in the root namespace, up, with no address.
  addHost(tag: string, addr: string, mtu = 1500): NetnsHost {
    const ns = runName(`n${tag}`);
    const outer = runName(tag);
    const inner = runName(`${tag}p`);
    if (!/^10\./.test(addr)) throw new Error(`test addresses must be 10.x, got ${addr}`);
    ip('netns', 'add', ns);
    this.namespaces.push(ns);
    ip('link', 'add', outer, 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', inner, 'mtu', String(mtu));
    this.rootLinks.push(outer);
    ip('link', 'set', inner, 'netns', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', inner);
    ip('-n', ns, 'link', 'set', inner, 'up');
    ip('link', 'set', outer, 'up');
    return { ns, inner, outer, addr };
  }

  // Deletes one root-side veth now (its peer in the namespace goes too).
  deleteLink(outer: string): void {
    const i = this.rootLinks.indexOf(outer);
    if (i < 0) throw new Error(`${outer} was not created by this run`);
    ip('link', 'del', outer);
    this.rootLinks.splice(i, 1);
  }

  // Removes everything this object created; never fails the hook.
  cleanup(): void {
    for (const l of this.rootLinks.splice(0)) {
      try { ip('link', 'del', l); } catch { /* already gone with its namespace */ }
    }
    for (const ns of this.namespaces.splice(0)) {
      try { ip('netns', 'del', ns); } catch { /* already gone */ }
    }
  }
}

// Sends raw Ethernet 'frames' out of 'dev' inside 'ns' through an
// AF_PACKET socket (python3), e.g. 802.1Q-tagged frames when the kernel
// has no VLAN devices.  Returns false if python3 is not available.
export function injectFrames(ns: string, dev: string, frames: Buffer[]): boolean {
  const script = [
    'import socket, sys',
    's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)',
    's.bind((sys.argv[1], 0))',
    'for h in sys.argv[2:]: s.send(bytes.fromhex(h))',
  ].join('\n');
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
  } catch {
    return false;
  }
  execFileSync('ip', ['netns', 'exec', ns, 'python3', '-c', script, dev, ...frames.map((f) => f.toString('hex'))],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  return true;
}

export interface PingResult {
  code: number | null;
  transmitted: number;
  received: number;
  rttAvgMs?: number;
  rttMinMs?: number;
  rttMaxMs?: number;
  output: string;
}

// Runs ping inside 'ns' (asynchronously: the switch under test runs in
// this process, and a concurrent test step may act while it pings).
export function ping(ns: string, dst: string, args: string[] = ['-c', '5', '-W', '2']): Promise<PingResult> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, 'ping', '-n', ...args, dst], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr}`;
      const stats = /(\d+) packets transmitted, (\d+) received/.exec(out);
      const rtt = /= ([\d.]+)\/([\d.]+)\/([\d.]+)\//.exec(out);
      resolve({
        code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
        transmitted: stats ? Number(stats[1]) : 0,
        received: stats ? Number(stats[2]) : 0,
        rttMinMs: rtt ? Number(rtt[1]) : undefined,
        rttAvgMs: rtt ? Number(rtt[2]) : undefined,
        rttMaxMs: rtt ? Number(rtt[3]) : undefined,
        output: out,
      });
    });
  });
}
