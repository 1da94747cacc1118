// Controller loss with a real os-ken: the controller (learning switch plus
// our stats monitor) is killed by pid while two memif clients keep sending,
// then started again on the same port.  Secure mode: no flow is lost,
// traffic keeps flowing by the flows, the switch reconnects (backoff) and
// the new controller's first flow stats show the same flows.  Standalone
// mode: after the fail window the bridge falls back to NORMAL (the
// fallback flow, a broadcast floods), and when the controller is back the
// fallback flow is removed and the controller's flows are as they were.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { MemifClient } from '../../../controller-agent/src/datapath';
import type { NativeMemifClient } from '../../../controller-agent/src/datapath';
import { BROADCAST, drain, frame, mac, receive, sendAll } from '../../datapath/switch-rig';
import { startDaemon } from '../../support/daemon-process';
import type { DaemonProcess } from '../../support/daemon-process';
import { killTracked } from '../../support/processes';
import type { TrackedProcess } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { waitFor } from '../../support/wait';
import { freePort, installed, startOsken } from './peers';

interface FlowRecord { priority: number; match: Record<string, string>; packets: number }

const FALLBACK = /cookie=0x4d53575354414e44, .*priority=65535 actions=NORMAL/;

describe('agent e2e: os-ken killed and restarted under traffic', function () {
  this.timeout(120_000);
  let rundir: string;
  let port: number;
  let d: DaemonProcess | undefined;
  let osken: TrackedProcess | undefined;
  let c1: NativeMemifClient;
  let c2: NativeMemifClient;
  let seq = 0;

  before(function () {
    if (!installed('osken-manager') || !installed('ovs-ofctl')) this.skip();
  });

  afterEach(async () => {
    c1?.close();
    c2?.close();
    if (osken && osken.exitStatus() === undefined) await killTracked(osken);
    if (d) await killTracked(d.proc, 'SIGTERM');
    d = undefined;
    removeTempDir(rundir);
  });

  const ofctl = (...args: string[]): string =>
    execFileSync('ovs-ofctl', ['-O', 'OpenFlow13', ...args], { env: { ...process.env, OVS_RUNDIR: rundir }, encoding: 'utf8', timeout: 10000 });
  // The flows without their counters and age: what a controller installed.
  const rules = (): string[] => ofctl('dump-flows', 'br0').split('\n').filter((l) => l.startsWith(' cookie='))
    .map((l) => l.trim().replace(/duration=[^,]+, /, '').replace(/n_packets=\d+, n_bytes=\d+, /, ''));
  const packetsTo2 = (): number => Number(/n_packets=(\d+),[^\n]*dl_dst=02:00:00:00:00:02 /.exec(ofctl('dump-flows', 'br0'))?.[1] ?? NaN);
  const packetIns = (p: TrackedProcess): number => p.stdoutLines().filter((l) => l.startsWith('packet in')).length;
  const negotiations = (): number => d!.logs().filter((l) => l.event === 'openflow_negotiated').length;

  // 'n' frames from 1 to 2, every one of which must arrive.
  function burst(n: number): void {
    const frames = Array.from({ length: n }, () => frame(mac(2), mac(1), 90, ++seq));
    sendAll(c1, frames);
    expect(receive(c2, n, 5000).map((f) => f.readUInt32BE(14))).to.deep.equal(frames.map((f) => f.readUInt32BE(14)));
  }

  function statsFlows(path: string): FlowRecord[][] {
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; flows?: FlowRecord[] })
      .flatMap((l) => (l.kind === 'flows' ? [l.flows as FlowRecord[]] : []));
  }

  async function start(failMode: 'secure' | 'standalone'): Promise<void> {
    rundir = makeTempRunDir();
    port = await freePort();
    osken = startOsken(port, ['osken_learning_switch.py', 'osken_stats_monitor.py'], { MSWITCH_STATS_OUT: join(rundir, 'stats-1.jsonl') });
    const config = join(rundir, 'mswitch.json');
    writeFileSync(config, JSON.stringify({
      switches: [{ name: 'br0', memif: { interfaces: [{ id: 0 }, { id: 1 }] }, controllers: [`tcp:127.0.0.1:${port}`], failMode, failWindowMs: 1000, inactivityProbeMs: 2000 }],
    }));
    d = await startDaemon({ rundir, args: ['--config', config] });
    await waitFor(() => rules().some((l) => /priority=0 actions=CONTROLLER:65535/.test(l)), { what: 'os-ken\'s table-miss flow', timeoutMs: 30_000 });
    c1 = new MemifClient({ socket: d.socket(), id: 0 });
    c2 = new MemifClient({ socket: d.socket(), id: 1 });
    await waitFor(() => c1.connected() && c2.connected(), { what: 'memif clients connected' });
    // Learn both MACs through the controller.
    sendAll(c1, [frame(BROADCAST, mac(1), 100, 1)]);
    expect(receive(c2, 1, 5000)).to.have.length(1);
    sendAll(c2, [frame(mac(1), mac(2), 100, 2)]);
    expect(receive(c1, 1, 5000)).to.have.length(1);
    burst(1);
    await waitFor(() => rules().some((l) => /dl_dst=02:00:00:00:00:02 actions=output:2/.test(l)), { what: 'os-ken\'s flow to mac 2' });
    burst(20);
  }

  // Kills os-ken with frames in flight; every frame still arrives.
  async function killUnderTraffic(): Promise<void> {
    const killed = killTracked(osken!);
    burst(50);
    await killed;
    await d!.waitForLog((l) => l.event === 'openflow_disconnect', { what: 'the controller disconnect', timeoutMs: 10_000 });
    burst(50);
  }

  // os-ken again on the same port; resolves once the switch has reconnected to it.
  async function restart(statsFile: string): Promise<TrackedProcess> {
    const before = negotiations();
    osken = startOsken(port, ['osken_learning_switch.py', 'osken_stats_monitor.py'], { MSWITCH_STATS_OUT: join(rundir, statsFile) });
    await waitFor(() => negotiations() > before, { what: 'the switch reconnecting to the new os-ken (backoff)', timeoutMs: 30_000 });
    return osken;
  }

  it('secure: no flow is lost, frames keep going by the flows, and the restarted controller sees the same flows', async () => {
    await start('secure');
    const installed0 = rules();
    expect(installed0.some((l) => /dl_dst=02:00:00:00:00:02/.test(l))).to.equal(true);
    await killUnderTraffic();
    expect(rules()).to.deep.equal(installed0);
    // A frame no flow knows goes nowhere (no controller, no flooding).
    sendAll(c1, [frame(BROADCAST, mac(1), 100, 99)]);
    expect(drain(c2, 300)).to.have.length(0);

    const second = await restart('stats-2.jsonl');
    const counted = packetsTo2();
    burst(50);
    expect(packetsTo2()).to.equal(counted + 50);
    expect(packetIns(second), 'packet-ins at the new controller for known MACs').to.equal(0);
    // The new controller's own flow stats hold the flow its predecessor installed.
    const seen = await waitFor(() => statsFlows(join(rundir, 'stats-2.jsonl')).find((s) => s.some((f) => f.match.eth_dst === '02:00:00:00:00:02')),
      { what: 'the new os-ken\'s flow stats', timeoutMs: 10_000 });
    // 170 by now; at least the 120 sent before the restart whenever os-ken polled.
    expect(seen.find((f) => f.match.eth_dst === '02:00:00:00:00:02')!.packets).to.be.at.least(120);
    expect(rules()).to.deep.equal(installed0);
  });

  it('standalone: falls back to NORMAL after the fail window, hands back with the controller\'s flows intact', async () => {
    await start('standalone');
    // A fallback taken at start (before os-ken answered) is handed back.
    const fallbacks = (): number => d!.logs().filter((l) => l.event === 'fail-standalone').length;
    const handbacks = (): number => d!.logs().filter((l) => l.event === 'fail-handback').length;
    await waitFor(() => fallbacks() === handbacks(), { what: 'no fallback while os-ken is connected', timeoutMs: 5000 });
    const installed0 = rules();
    expect(installed0.some((l) => FALLBACK.test(l))).to.equal(false);

    const before = fallbacks();
    await killUnderTraffic();
    await waitFor(() => fallbacks() > before, { what: 'the standalone fallback', timeoutMs: 15_000 });
    expect(rules().filter((l) => !FALLBACK.test(l))).to.deep.equal(installed0);
    expect(rules().filter((l) => FALLBACK.test(l))).to.have.length(1);
    // A learning switch floods a broadcast.
    sendAll(c1, [frame(BROADCAST, mac(1), 100, 98)]);
    expect(receive(c2, 1, 3000)).to.have.length(1);
    burst(50);

    const back = handbacks();
    await restart('stats-2.jsonl');
    await waitFor(() => handbacks() > back, { what: 'the hand-back to the flow tables', timeoutMs: 10_000 });
    expect(rules()).to.deep.equal(installed0);
    const counted = packetsTo2();
    burst(50);
    expect(packetsTo2()).to.equal(counted + 50);
  });
});
