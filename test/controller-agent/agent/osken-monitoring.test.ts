// A real os-ken controller (Debian's python3-os-ken) drives the daemon
// with two apps of ours at once: the learning switch
// (osken_learning_switch.py) and a monitor (osken_stats_monitor.py) that
// polls flow and port stats every second and writes them as JSON lines.
// Traffic: two memif clients of ours, then two hosts in network
// namespaces on veths attached to the bridge as Linux ports (afxdp or
// afpacket) pinging each other through the flows the controller learned.
// What os-ken read must agree with what was sent: flow counters never go
// down, ports counted at least the frames sent, and every frame that
// entered the bridge was counted by exactly one flow of table 0.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { MemifClient } from '../../../controller-agent/src/datapath';
import type { NativeMemifClient } from '../../../controller-agent/src/datapath';
import { BROADCAST, frame, mac, receive, sendAll } from '../../datapath/switch-rig';
import { startDaemon } from '../../support/daemon-process';
import type { DaemonProcess } from '../../support/daemon-process';
import { netnsUnavailable, ping } from '../../support/netns';
import { mswitchBin } from '../../support/paths';
import { killTracked, spawnTracked } from '../../support/processes';
import type { TrackedProcess } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { sleep, waitFor } from '../../support/wait';
import { SwitchTopology } from '../linux-ports-topology';
import { freePort, installed, oskenApp } from './peers';

interface FlowRecord { table: number; priority: number; cookie: number; match: Record<string, string>; packets: number; bytes: number }
interface PortRecord { port: number; rx_packets: number; tx_packets: number; rx_bytes: number; tx_bytes: number }
type StatsLine = { kind: 'flows'; time: number; flows: FlowRecord[] } | { kind: 'ports'; time: number; ports: PortRecord[] };

// What the monitor wrote so far.
function readStats(path: string): StatsLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as StatsLine);
}
const flowSnapshots = (s: StatsLine[]): FlowRecord[][] => s.flatMap((l) => (l.kind === 'flows' ? [l.flows] : []));
const portSnapshots = (s: StatsLine[]): PortRecord[][] => s.flatMap((l) => (l.kind === 'ports' ? [l.ports] : []));
const flowKey = (f: FlowRecord): string => `${f.table}/${f.priority}/${JSON.stringify(Object.entries(f.match).sort())}`;

// Every flow's packet and byte counts never decrease from one poll to the next.
function expectMonotonic(snaps: FlowRecord[][]): void {
  const last = new Map<string, FlowRecord>();
  for (const snap of snaps) {
    for (const f of snap) {
      const prev = last.get(flowKey(f));
      if (prev) {
        expect(f.packets, `packets of ${flowKey(f)}`).to.be.at.least(prev.packets);
        expect(f.bytes, `bytes of ${flowKey(f)}`).to.be.at.least(prev.bytes);
      }
      last.set(flowKey(f), f);
    }
  }
}

// Polls until a flow snapshot and a port snapshot, both taken after 'since', agree that
// every frame that entered a port was counted by one flow (the traffic has stopped).
async function settledStats(path: string, since: number): Promise<{ flows: FlowRecord[]; ports: PortRecord[] }> {
  return waitFor(() => {
    const s = readStats(path).filter((l) => l.time > since / 1000);
    const flows = flowSnapshots(s).at(-1);
    const ports = portSnapshots(s).at(-1);
    if (!flows || !ports) return undefined;
    const inFlows = flows.filter((f) => f.table === 0).reduce((a, f) => a + f.packets, 0);
    const rx = ports.reduce((a, p) => a + p.rx_packets, 0);
    return inFlows === rx ? { flows, ports } : undefined;
  }, { what: `flow and port stats from os-ken that agree (${path})`, timeoutMs: 15_000, intervalMs: 200 });
}

describe('agent e2e: os-ken learning switch plus a stats monitor', function () {
  this.timeout(120_000);
  let rundir: string;
  let statsPath: string;
  let d: DaemonProcess | undefined;
  let daemon: TrackedProcess | undefined;
  let osken: TrackedProcess | undefined;
  let topo: SwitchTopology | undefined;
  let clients: NativeMemifClient[] = [];

  before(function () {
    if (!installed('osken-manager') || !installed('ovs-ofctl')) this.skip();
  });

  afterEach(async () => {
    for (const c of clients) c.close();
    clients = [];
    if (osken && osken.exitStatus() === undefined) await killTracked(osken);
    if (d) await killTracked(d.proc, 'SIGTERM');
    if (daemon && daemon.exitStatus() === undefined) await killTracked(daemon, 'SIGTERM');
    d = undefined;
    daemon = undefined;
    topo?.cleanup();
    topo = undefined;
    removeTempDir(rundir);
  });

  const ofctl = (...args: string[]): string =>
    execFileSync('ovs-ofctl', ['-O', 'OpenFlow13', ...args], { env: { ...process.env, OVS_RUNDIR: rundir }, encoding: 'utf8', timeout: 10000 });
  const packetIns = (): number => (osken?.stdoutLines() ?? []).filter((l) => l.startsWith('packet in')).length;

  function startOsken(port: number, ns?: string): TrackedProcess {
    const cmd = ['osken-manager', '--ofp-listen-host', '127.0.0.1', '--ofp-tcp-listen-port', String(port), oskenApp('osken_learning_switch.py'), oskenApp('osken_stats_monitor.py')];
    const env = { ...process.env, PYTHONUNBUFFERED: '1', MSWITCH_STATS_OUT: statsPath };
    return ns === undefined ? spawnTracked(cmd[0], cmd.slice(1), { env }) : spawnTracked('ip', ['netns', 'exec', ns, ...cmd], { env });
  }

  it('two memif clients: os-ken learns, later frames go by its flows, and the stats it polls match the traffic', async () => {
    rundir = makeTempRunDir();
    statsPath = join(rundir, 'stats.jsonl');
    const port = await freePort();
    osken = startOsken(port);
    const config = join(rundir, 'mswitch.json');
    writeFileSync(config, JSON.stringify({
      switches: [{ name: 'br0', memif: { interfaces: [{ id: 0 }, { id: 1 }] }, controllers: [`tcp:127.0.0.1:${port}`], failMode: 'secure' }],
    }));
    d = await startDaemon({ rundir, args: ['--config', config] });
    const c1 = new MemifClient({ socket: d.socket(), id: 0 });
    const c2 = new MemifClient({ socket: d.socket(), id: 1 });
    clients = [c1, c2];
    await waitFor(() => c1.connected() && c2.connected(), { what: 'memif clients connected' });
    await waitFor(() => flowSnapshots(readStats(statsPath)).some((s) => s.some((f) => f.priority === 0)), { what: 'the monitor\'s first dump with the table-miss flow', timeoutMs: 30_000 });

    // Learning: a broadcast from 1, an answer from 2, then 1 -> 2 installs the flow.
    sendAll(c1, [frame(BROADCAST, mac(1), 100, 1)]);
    expect(receive(c2, 1, 5000)).to.have.length(1);
    sendAll(c2, [frame(mac(1), mac(2), 100, 2)]);
    expect(receive(c1, 1, 5000)).to.have.length(1);
    sendAll(c1, [frame(mac(2), mac(1), 100, 3)]);
    expect(receive(c2, 1, 5000)).to.have.length(1);
    await waitFor(() => /dl_dst=02:00:00:00:00:02 actions=output:2/.test(ofctl('dump-flows', 'br0')), { what: 'os-ken\'s flow to mac 2' });
    await waitFor(() => /dl_dst=02:00:00:00:00:01 actions=output:1/.test(ofctl('dump-flows', 'br0')), { what: 'os-ken\'s flow to mac 1' });

    // os-ken's "packet in" lines arrive asynchronously: all three learning frames first.
    await waitFor(() => packetIns() >= 3, { what: 'three "packet in" lines from os-ken' });
    // Bursts both ways, spread over several polls.
    const ins = packetIns();
    let sent12 = 2; // the learning frames from 1: the broadcast and the one to mac 2
    let sent21 = 1;
    for (let round = 0; round < 5; round++) {
      const a = Array.from({ length: 40 }, (_, i) => frame(mac(2), mac(1), 64 + i, 1000 * round + i));
      const b = Array.from({ length: 20 }, (_, i) => frame(mac(1), mac(2), 200, 1000 * round + i));
      sendAll(c1, a);
      sendAll(c2, b);
      expect(receive(c2, 40, 5000)).to.have.length(40);
      expect(receive(c1, 20, 5000)).to.have.length(20);
      sent12 += 40;
      sent21 += 20;
      await sleep(400);
    }
    const end = Date.now();
    expect(packetIns(), 'packet-ins after the flows were installed').to.equal(ins);

    const { flows, ports } = await settledStats(statsPath, end);
    expectMonotonic(flowSnapshots(readStats(statsPath)));
    const to2 = flows.find((f) => f.match.eth_dst === '02:00:00:00:00:02');
    const to1 = flows.find((f) => f.match.eth_dst === '02:00:00:00:00:01');
    expect(to2?.packets).to.equal(200);
    expect(to1?.packets).to.equal(100);
    // The table-miss flow counted the learning frames (the first three); nothing else went to os-ken.
    expect(flows.find((f) => f.priority === 0)?.packets).to.equal(3);
    const p1 = ports.find((p) => p.port === 1)!;
    const p2 = ports.find((p) => p.port === 2)!;
    expect(p1.rx_packets).to.be.at.least(sent12);
    expect(p2.rx_packets).to.be.at.least(sent21);
    expect(p2.tx_packets).to.be.at.least(sent12);
    expect(p1.tx_packets).to.be.at.least(sent21);
    // And os-ken read what ovs-ofctl reads from the same switch.
    const dumped = ofctl('dump-flows', 'br0');
    expect(Number(/n_packets=(\d+),[^\n]*dl_dst=02:00:00:00:00:02/.exec(dumped)?.[1])).to.equal(200);
  });

  it('two hosts in network namespaces on veth ports ping each other through the flows os-ken learned', async function () {
    const why = netnsUnavailable();
    if (why) this.skip();
    rundir = makeTempRunDir();
    statsPath = join(rundir, 'stats.jsonl');
    topo = new SwitchTopology();
    const a = topo.addHost('oa', '10.99.20.1');
    const b = topo.addHost('ob', '10.99.20.2');
    const port = await freePort();
    // The daemon and os-ken both run in the switch namespace (the veths' switch ends are there).
    osken = startOsken(port, topo.swNs);
    const config = join(rundir, 'mswitch.json');
    writeFileSync(config, JSON.stringify({
      switches: [{ name: 'br0', ports: [{ ifname: a.outer }, { ifname: b.outer }], controllers: [`tcp:127.0.0.1:${port}`], failMode: 'secure' }],
    }));
    daemon = spawnTracked('ip', ['netns', 'exec', topo.swNs, process.execPath, mswitchBin(), 'start', '--config', config], {
      env: { ...process.env, MSWITCH_RUNDIR: rundir, MSWITCH_STATEDIR: join(rundir, 'state'), MSWITCH_LOG_LEVEL: 'debug', MSWITCH_API_LISTEN: 'none' },
    });
    await daemon.waitForLine('stderr', (l) => l.includes('"event":"started"'), { what: 'the daemon\'s started line', timeoutMs: 20_000 });
    await waitFor(() => flowSnapshots(readStats(statsPath)).some((s) => s.some((f) => f.priority === 0)), { what: 'the monitor\'s first dump with the table-miss flow', timeoutMs: 30_000 });

    const first = await ping(a.ns, b.addr, ['-c', '3', '-W', '2']);
    expect(first.received, first.output).to.equal(3);
    await waitFor(() => (ofctl('dump-flows', 'br0').match(/priority=1,in_port=/g) ?? []).length >= 2, { what: 'os-ken\'s flows both ways' });
    await sleep(500);
    const ins = packetIns();
    const burst = await ping(b.ns, a.addr, ['-c', '20', '-i', '0.05', '-W', '2']);
    expect(burst.received, burst.output).to.equal(20);
    // ARP entries are fresh, so the 40 ICMP frames all went by the learned flows.
    expect(packetIns(), 'packet-ins during the second ping').to.equal(ins);
    const end = Date.now();

    const { flows, ports } = await settledStats(statsPath, end);
    expectMonotonic(flowSnapshots(readStats(statsPath)));
    const learned = flows.filter((f) => f.priority === 1);
    expect(learned.length).to.be.at.least(2);
    expect(learned.reduce((s, f) => s + f.packets, 0), 'ICMP frames counted by the learned flows').to.be.at.least(40);
    for (const p of ports) {
      expect(p.rx_packets, `port ${p.port} rx`).to.be.at.least(23);
      expect(p.tx_packets, `port ${p.port} tx`).to.be.at.least(23);
    }
  });
});
