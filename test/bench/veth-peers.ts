// The switches the veth benchmark puts between its generator and sink
// namespaces (test/support/veth-topology.ts), each started inside the
// switch namespace and stopped again by the benchmark:
//   - mswitch: an in-process switch in a process of its own
//     (veth-switch.ts, CPU 1) with the two veth ends as afxdp or afpacket
//     ports, l2-learning, one worker (the daemon adds nothing per packet);
//   - the Linux bridge: a bridge device in the switch namespace;
//   - Open vSwitch's userspace datapath: a private ovsdb-server and
//     ovs-vswitchd (CPU 1, PMD mask CPU 1) in the switch namespace, bridge
//     datapath_type=netdev with the veths as type=afxdp ports or as plain
//     (AF_PACKET) ports, forwarding by NORMAL or by explicit in_port flows.
//     The system's openvswitch service is never touched.
// Every process goes through Child (harness.ts), so run.ts kills survivors
// by pid; stop() removes what start() created.
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdirSync } from 'fs';
import { join } from 'path';

import type { VethEnds } from '../support/veth-topology';
import { Child, repoRoot, sleep, which } from './harness';

export interface Forwarder {
  pid?: number;                       // the process whose CPU is the switch's (none: the kernel)
  setFlows?(explicit: boolean): void; // OVS: NORMAL or in_port=1 -> 2 flows
  stop(): Promise<void>;
}

const nsArgs = (ns: string, ...cmd: string[]): string[] => ['netns', 'exec', ns, ...cmd];

// `taskset -c CPU` before 'cmd' when taskset exists (util-linux).
function pinned(cpu: number, cmd: string[]): string[] {
  return which('taskset') ? ['taskset', '-c', String(cpu), ...cmd] : cmd;
}

export async function startMswitchVeth(e: VethEnds, type: 'afxdp' | 'afpacket'): Promise<Forwarder> {
  const script = join(repoRoot(), 'dist', 'test', 'bench', 'veth-switch.js');
  const child = Child.spawn(`mswitch ${type}`, 'ip',
    nsArgs(e.switchNs!, ...pinned(1, [process.execPath, script, type, e.switchGen!, e.switchSink!])));
  await child.waitFor(/^(ready|failed)/m, 30000);
  if (!/^ready/m.test(child.stdout)) {
    await child.stop('SIGKILL', 1000);
    throw new Error(child.stdout.trim());
  }
  return { pid: child.pid, stop: async () => { await child.stop('SIGTERM', 5000); } };
}

export function startBridge(e: VethEnds): Forwarder {
  const ipn = (...a: string[]): string => execFileSync('ip', ['-n', e.switchNs!, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  ipn('link', 'add', 'mswbr0', 'type', 'bridge');
  ipn('link', 'set', e.switchGen!, 'master', 'mswbr0');
  ipn('link', 'set', e.switchSink!, 'master', 'mswbr0');
  ipn('link', 'set', 'mswbr0', 'up');
  return { stop: async () => { ipn('link', 'del', 'mswbr0'); } };
}

// Why the OVS peers cannot run, or undefined.
export function ovsUnavailable(): string | undefined {
  for (const t of ['ovs-vswitchd', 'ovsdb-server', 'ovsdb-tool', 'ovs-vsctl', 'ovs-ofctl']) {
    if (!which(t)) return `${t} is not installed (Debian package openvswitch-switch)`;
  }
  if (!existsSync('/usr/share/openvswitch/vswitch.ovsschema')) return 'no /usr/share/openvswitch/vswitch.ovsschema';
  return undefined;
}

export async function startOvs(dir: string, e: VethEnds, type: 'afxdp' | 'afpacket'): Promise<Forwarder> {
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
  const db = join(dir, 'conf.db');
  const dbSock = join(dir, 'db.sock');
  execFileSync('ovsdb-tool', ['create', db, '/usr/share/openvswitch/vswitch.ovsschema'], { stdio: 'pipe' });
  const children: Child[] = [];
  const stop = async (): Promise<void> => {
    for (const c of children.reverse()) await c.stop('SIGTERM', 5000);
  };
  try {
    const ovsdb = Child.spawn('ovsdb-server', 'ip', nsArgs(e.switchNs!, 'ovsdb-server', db, `--remote=punix:${dbSock}`,
      `--unixctl=${join(dir, 'db.ctl')}`, `--log-file=${join(dir, 'ovsdb-server.log')}`, '--no-chdir'), env);
    children.push(ovsdb);
    for (let i = 0; i < 100 && !existsSync(dbSock); i++) await sleep(50);
    const vsctl = (...a: string[]): string => execFileSync('ovs-vsctl', [`--db=unix:${dbSock}`, '--timeout=30', ...a],
      { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    vsctl('--no-wait', 'init');
    vsctl('--no-wait', 'set', 'Open_vSwitch', '.', 'other_config:pmd-cpu-mask=0x2');
    const vswitchd = Child.spawn('ovs-vswitchd', 'ip', nsArgs(e.switchNs!, ...pinned(1, ['ovs-vswitchd', `unix:${dbSock}`,
      '--disable-system-route', `--unixctl=${join(dir, 'vswitchd.ctl')}`, `--log-file=${join(dir, 'ovs-vswitchd.log')}`,
      '--no-chdir'])), env);
    children.push(vswitchd);
    for (let i = 0; i < 200 && !existsSync(join(dir, 'vswitchd.ctl')); i++) await sleep(50);
    const port = (name: string, n: number): string[] => ['--', 'add-port', 'br0', name, '--', 'set', 'interface', name,
      `ofport_request=${n}`, ...(type === 'afxdp' ? ['type=afxdp'] : [])];
    vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=netdev', 'fail_mode=secure',
      ...port(e.switchGen!, 1), ...port(e.switchSink!, 2));
    const mgmt = `unix:${join(dir, 'br0.mgmt')}`;
    const ofctl = (...a: string[]): void => {
      const r = spawnSync('ovs-ofctl', [...a], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ovs-ofctl ${a.join(' ')}: ${r.stderr.trim()}`);
    };
    // Both ports must have attached (AF_XDP sockets bound) before traffic.
    for (let i = 0; ; i++) {
      const errs = vsctl('--columns=name,error', 'find', 'interface', 'error!=[]').trim();
      const ofports = vsctl('get', 'interface', e.switchGen!, 'ofport').trim() + vsctl('get', 'interface', e.switchSink!, 'ofport').trim();
      if (ofports === '12') break;
      if (errs || i > 100) throw new Error(`OVS ports did not attach: ${errs || ofports}`);
      await sleep(100);
    }
    const setFlows = (explicit: boolean): void => {
      ofctl('del-flows', mgmt);
      ofctl('add-flow', mgmt, explicit ? 'in_port=1,actions=output:2' : 'actions=NORMAL');
    };
    setFlows(false);
    return { pid: vswitchd.pid, setFlows, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
