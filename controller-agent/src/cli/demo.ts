// `mswitch demo`: a first run a newcomer can watch.  As root it creates two
// network namespaces, each with one end of a veth pair and an address,
// attaches the other ends to bridge br0, pings across both ways, prints
// the ports' counters, and removes everything it made on the way out,
// also on Ctrl-C or when a step fails.
//
// Which switch: when a daemon answers on <rundir>/mswitch.sock, the demo
// uses it through the REST API (creating the bridge if the daemon has no
// such bridge, and deleting it again after); otherwise it runs a switch
// inside this process, which lives as long as the demo.  Either way each
// step prints the command a user would type to do it by hand.
//
// Names carry the demo's pid (mswd<pid>a, ...), so two demos, or a demo
// and a test, never touch each other's namespaces; the addresses
// (10.250.0.1 and .2) exist only inside those namespaces.
import { execFile, execFileSync } from 'child_process';

import type { components } from '../api/schema';
import type { NativeSwitch } from '../datapath';
import { ApiCallError, ApiClient, DaemonNotRunning, apiSocketFor } from './client';

type Port = components['schemas']['Port'];

export interface DemoFlags {
  rundir?: string;
  bridge?: string;
  count?: number;
}

const say = (text: string): void => { process.stdout.write(`==> ${text}\n`); };

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function ping(ns: string, dst: string, count: number): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, 'ping', '-n', '-c', String(count), '-W', '2', dst], { encoding: 'utf8' },
      (err, out, errOut) => resolve({ ok: err === null, output: `${out}${errOut}` }));
  });
}

// The switch the demo attaches to: a running daemon's, or its own.
interface DemoSwitch {
  where: string;
  addPort(ifname: string): Promise<number>;
  ports(): Promise<{ name: string; type: string; up: boolean; rx: number; tx: number }[]>;
  close(): Promise<void>;
}

async function daemonSwitch(api: ApiClient, bridge: string): Promise<DemoSwitch> {
  let created = false;
  try {
    await api.call('GET', `/switches/${encodeURIComponent(bridge)}`);
  } catch (e) {
    if (!(e instanceof ApiCallError && e.code === 'SWITCH_NOT_FOUND')) throw e;
    say(`the daemon has no bridge ${bridge}: creating it   (mswitch add-br ${bridge})`);
    await api.call('POST', '/switches', { name: bridge });
    created = true;
  }
  const added: number[] = [];
  const path = `/switches/${encodeURIComponent(bridge)}/ports`;
  return {
    where: `the running daemon (${api.socket})`,
    async addPort(ifname) {
      const p = await api.call<Port>('POST', path, { ifname });
      added.push(p.port);
      return p.port;
    },
    async ports() {
      const { ports } = await api.call<{ ports: Port[] }>('GET', path);
      return ports.map((p) => ({ name: p.name, type: p.type, up: p.up, rx: p.stats.rxPackets, tx: p.stats.txPackets }));
    },
    async close() {
      if (created) {
        say(`deleting bridge ${bridge}   (mswitch del-br ${bridge})`);
        await api.call('DELETE', `/switches/${encodeURIComponent(bridge)}`);
        return;
      }
      for (const port of added) {
        say(`removing port ${port}   (mswitch del-port ${bridge} ${port})`);
        await api.call('DELETE', `${path}/${port}`).catch(() => undefined);  // gone with its veth already
      }
    },
  };
}

async function ownSwitch(bridge: string): Promise<DemoSwitch> {
  const { Switch } = await import('../datapath');
  const { attachLinuxPort } = await import('../linux-ports');
  const sw: NativeSwitch = new Switch({ name: bridge });
  return {
    where: `a switch inside this process (no daemon answered; \`mswitch start\` runs one)`,
    async addPort(ifname) {
      return attachLinuxPort(sw, bridge, { ifname }).port;
    },
    async ports() {
      return sw.ports().map((p) => ({ name: p.name, type: p.kind, up: p.up, rx: p.rxPackets, tx: p.txPackets }));
    },
    async close() {
      say(`stopping the in-process switch ${bridge}`);
      sw.close();
    },
  };
}

// Runs the demo; resolves the exit code (0: both pings answered).
export async function runDemo(flags: DemoFlags): Promise<number> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    process.stderr.write('mswitch demo: needs root (it creates network namespaces and veth pairs)\n');
    return 1;
  }
  const bridge = flags.bridge ?? 'br0';
  const count = flags.count ?? 3;
  const tag = `mswd${process.pid}`;
  const hosts = [
    { ns: `${tag}a`, inner: `${tag}ai`, outer: `${tag}a`, addr: '10.250.0.1' },
    { ns: `${tag}b`, inner: `${tag}bi`, outer: `${tag}b`, addr: '10.250.0.2' },
  ];
  const made: { ns: string; outer?: string }[] = [];
  let sw: DemoSwitch | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    cleaning ??= (async () => {
      if (sw !== undefined) await sw.close().catch((e: Error) => say(`could not close the switch: ${e.message}`));
      for (const { ns, outer } of made.splice(0).reverse()) {
        say(`deleting namespace ${ns} and its veth   (ip link del ${outer ?? '-'}; ip netns del ${ns})`);
        // The veth explicitly: a namespace's devices go asynchronously.
        if (outer !== undefined) try { run('ip', ['link', 'del', outer]); } catch { /* already gone */ }
        try { run('ip', ['netns', 'del', ns]); } catch { /* already gone */ }
      }
    })();
    return cleaning;
  };
  const onSignal = (): void => {
    say('interrupted: cleaning up');
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const api = new ApiClient(apiSocketFor(flags.rundir), 5000);
    try {
      await api.call('GET', '/health');
      sw = await daemonSwitch(api, bridge);
    } catch (e) {
      if (!(e instanceof DaemonNotRunning)) throw e;
      sw = await ownSwitch(bridge);
    }
    say(`using ${sw.where}, bridge ${bridge}`);
    for (const h of hosts) {
      say(`creating namespace ${h.ns} with ${h.inner} = ${h.addr}/24, its peer ${h.outer} left outside   (ip netns add ${h.ns}; ip link add ${h.outer} type veth peer name ${h.inner} ...)`);
      run('ip', ['netns', 'add', h.ns]);
      const entry: { ns: string; outer?: string } = { ns: h.ns };
      made.push(entry);
      run('ip', ['link', 'add', h.outer, 'type', 'veth', 'peer', 'name', h.inner]);
      entry.outer = h.outer;
      run('ip', ['link', 'set', h.inner, 'netns', h.ns]);
      run('ip', ['-n', h.ns, 'addr', 'add', `${h.addr}/24`, 'dev', h.inner]);
      run('ip', ['-n', h.ns, 'link', 'set', h.inner, 'up']);
      run('ip', ['-n', h.ns, 'link', 'set', 'lo', 'up']);
      run('ip', ['link', 'set', h.outer, 'up']);
      const port = await sw.addPort(h.outer);
      say(`attached ${h.outer} to ${bridge} as port ${port}   (mswitch add-port ${bridge} ${h.outer})`);
    }
    let ok = true;
    for (const [from, to] of [[hosts[0], hosts[1]], [hosts[1], hosts[0]]]) {
      say(`pinging ${to.addr} from ${from.ns}   (ip netns exec ${from.ns} ping -c ${count} ${to.addr})`);
      const r = await ping(from.ns, to.addr, count);
      process.stdout.write(`${r.output.trimEnd().replace(/^/gm, '    ')}\n`);
      ok = ok && r.ok;
    }
    say(`ports of ${bridge}   (mswitch dump-ports ${bridge})`);
    for (const p of await sw.ports()) {
      process.stdout.write(`    ${p.name.padEnd(16)} ${p.type.padEnd(9)} ${p.up ? 'up  ' : 'down'}  rx ${p.rx} tx ${p.tx}\n`);
    }
    say(ok ? 'the namespaces reached each other through the switch' : 'a ping went unanswered');
    return ok ? 0 : 1;
  } catch (e) {
    process.stderr.write(`mswitch demo: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
