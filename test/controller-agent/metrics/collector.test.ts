// The metrics collector against a real in-process switch with real memif
// clients: what a scrape says equals what the datapath counted, drops land
// on the right family, counters hold across client reconnects, a deleted
// port's series go away, and the series count follows its formula.
import { expect } from 'chai';

import { Switch, dropReasons } from '../../../controller-agent/src/datapath';
import type { NativeSwitch, PortInfo } from '../../../controller-agent/src/datapath';
import { DROP_SIDES, MetricsCollector } from '../../../controller-agent/src/metrics/collector';
import { packageVersion } from '../../../controller-agent/src/version';
import { mac, frame, sendAll } from '../../datapath/switch-rig';
import type { Rig } from '../../datapath/switch-rig';
import { makeTempDir, removeTempDir } from '../../support/tmp-dir';
import { sleep, waitFor } from '../../support/wait';
import { parseExposition } from './exposition';
import type { Exposition } from './exposition';
import { SENT, byPort, trafficRig } from './traffic-rig';

const scrape = async (switches: NativeSwitch[]): Promise<Exposition> =>
  parseExposition(await new MetricsCollector({ switches: () => switches }).metrics());

const portOf = (sw: NativeSwitch, index: number): PortInfo => {
  const p = byPort(sw).get(index);
  if (!p) throw new Error(`no port ${index}`);
  return p;
};

describe('metrics: collector', function () {
  let rig: Rig | undefined;
  const switches: NativeSwitch[] = [];
  const dirs: string[] = [];

  afterEach(() => {
    rig?.close();
    rig = undefined;
    for (const sw of switches.splice(0)) sw.close();
    for (const d of dirs.splice(0)) removeTempDir(d);
  });

  // A switch listening in a temp dir, with 'ports' pre-created memif ports.
  function bareSwitch(name: string, ports: number, workers = 1): NativeSwitch {
    const dir = makeTempDir('msw-met-');
    dirs.push(dir);
    const sw = new Switch({ name, workers });
    switches.push(sw);
    sw.listenMemif({ path: `${dir}/${name}.memif` });
    for (let id = 1; id <= ports; id++) sw.addMemifInterface({ id });
    return sw;
  }

  it('puts every drop reason of the datapath on exactly one netdev total', () => {
    expect(Object.keys(DROP_SIDES).sort()).to.deep.equal(dropReasons().map((r) => r.name).sort());
  });

  it('reports per port exactly what the datapath counted', async () => {
    rig = await trafficRig();
    const before = byPort(rig.sw);
    const m = await scrape([rig.sw]);
    const after = byPort(rig.sw);
    expect([...after.values()], 'traffic is over: counters are still').to.deep.equal([...before.values()]);
    expect(after.size).to.equal(5);
    for (const p of after.values()) {
      const l = { bridge: 'br0', port: String(p.index) };
      expect(m.value('mswitch_port_receive_packets_total', l), `rx packets ${p.index}`).to.equal(p.rxPackets);
      expect(m.value('mswitch_port_receive_bytes_total', l), `rx bytes ${p.index}`).to.equal(p.rxBytes);
      expect(m.value('mswitch_port_transmit_packets_total', l), `tx packets ${p.index}`).to.equal(p.txPackets);
      expect(m.value('mswitch_port_transmit_bytes_total', l), `tx bytes ${p.index}`).to.equal(p.txBytes);
      expect(m.value('mswitch_port_up', l), `up ${p.index}`).to.equal(p.up ? 1 : 0);
      expect(m.value('mswitch_port_info', { ...l, name: p.name, kind: 'memif' })).to.equal(1);
      for (const [reason, n] of Object.entries(p.drops)) {
        expect(m.value('mswitch_port_drops_total', { ...l, reason }), `${reason} on ${p.index}`).to.equal(n);
      }
      // The four netdev totals partition the reasons.
      const totals = ['receive_drop', 'receive_errs', 'transmit_drop', 'transmit_errs']
        .map((f) => m.value(`mswitch_port_${f}_total`, l));
      expect(totals.reduce((x, y) => x + y), `drop totals of ${p.index}`).to.equal(Object.values(p.drops).reduce((x, y) => x + y));
    }
    // Each kind of drop on its side, on the port the datapath counts it on.
    const p2 = after.get(2)!;
    expect(p2.drops['no-space']).to.be.greaterThan(0);
    expect(m.value('mswitch_port_transmit_drop_total', { port: '2' })).to.equal(p2.drops['no-space']);
    expect(m.value('mswitch_port_transmit_packets_total', { port: '2' }) + p2.drops['no-space']).to.equal(SENT.a);
    expect(m.value('mswitch_port_receive_drop_total', { port: '2' })).to.equal(SENT.b);
    expect(m.value('mswitch_port_drops_total', { port: '2', reason: 'port-down' })).to.equal(SENT.b);
    expect(m.value('mswitch_port_receive_drop_total', { port: '4' })).to.equal(SENT.d);
    expect(m.value('mswitch_port_drops_total', { port: '4', reason: 'logic-drop' })).to.equal(SENT.d);
    expect(m.value('mswitch_port_drops_total', { port: '5', reason: 'hairpin' })).to.equal(SENT.e);
    expect(m.value('mswitch_port_receive_packets_total', { port: '1' })).to.equal(SENT.a);
    expect(m.value('mswitch_port_receive_bytes_total', { port: '1' })).to.equal(SENT.a * 100);
    expect(m.find('mswitch_port_receive_errs_total').every((s) => s.value === 0), 'no malformed descriptors').to.equal(true);
    expect(m.value('mswitch_port_up', { port: '3' })).to.equal(0);
    expect(m.value('mswitch_bridge_ports', { bridge: 'br0' })).to.equal(5);
    expect(m.value('mswitch_bridge_info', { bridge: 'br0' })).to.equal(1);
    expect(m.find('mswitch_bridge_info')[0].labels).to.deep.equal({ bridge: 'br0', logic: 'static', mode: 'mswitch' });
    expect(m.find('mswitch_build_info')[0].labels).to.deep.equal({ version: packageVersion(), node: process.version });
  });

  it('reports the workers\' counters, bracketed by reads before and after', async () => {
    rig = await trafficRig();
    const before = rig.sw.workers();
    const m = await scrape([rig.sw]);
    const after = rig.sw.workers();
    expect(after).to.have.length(2);
    const fields = [
      ['mswitch_worker_busy_seconds_total', 'busySeconds'],
      ['mswitch_worker_idle_seconds_total', 'sleepSeconds'],
      ['mswitch_worker_batches_total', 'batches'],
      ['mswitch_worker_frames_total', 'frames'],
      ['mswitch_worker_wakeups_total', 'wakeups'],
    ] as const;
    let frames = 0;
    for (const [i, w] of after.entries()) {
      for (const [family, field] of fields) {
        const v = m.value(family, { bridge: 'br0', worker: String(w.index) });
        expect(v, `${family} worker ${w.index}`).to.be.within(before[i][field], w[field]);
      }
      frames += m.value('mswitch_worker_frames_total', { worker: String(w.index) });
    }
    expect(frames, 'every received frame went through a worker batch').to.equal(SENT.a + SENT.b + SENT.d + SENT.e);
  });

  it('keeps a pre-created port\'s counters across a client reconnect, monotonic between scrapes', async () => {
    rig = await trafficRig();
    const collector = new MetricsCollector({ switches: () => [rig!.sw] });
    const first = parseExposition(await collector.metrics());
    rig.clients[0].close();
    // Wait for the disconnect to finish: the memif master takes the port
    // out of the switch before it adds the connection's counters to what
    // the configured interface carries, and ports() in between lists the
    // port without them (a native race the datapath owns, reported).
    await waitFor(() => {
      const p = portOf(rig!.sw, 1);
      return !p.up && p.rxPackets === SENT.a;
    }, { what: 'port 1 down with its counters carried' });
    const down = parseExposition(await collector.metrics());
    expect(down.value('mswitch_port_up', { port: '1' })).to.equal(0);
    expect(down.value('mswitch_port_receive_packets_total', { port: '1' })).to.equal(SENT.a);
    const a = await rig.connect(0);
    sendAll(a, [frame(mac(9), mac(1), 100)]);
    await waitFor(() => portOf(rig!.sw, 1).rxPackets === SENT.a + 1, { what: 'one more frame on port 1' });
    const second = parseExposition(await collector.metrics());
    expect(second.value('mswitch_port_receive_packets_total', { port: '1' })).to.equal(SENT.a + 1);
    expect(second.value('mswitch_port_up', { port: '1' })).to.equal(1);
    for (const s of first.samples.filter((x) => first.types.get(x.name) === 'counter')) {
      expect(second.value(s.name, s.labels), `${s.name}${JSON.stringify(s.labels)} never decreases`).to.be.at.least(s.value);
    }
  });

  it('never lets a worker counter fall, across the worker\'s sleeps', async function () {
    this.timeout(30_000);
    // Workers sleep up to a second at a time; scraping over three seconds
    // crosses several sleeps ending, where the native busy figure falls back.
    const sw = bareSwitch('br1', 0, 2);
    const collector = new MetricsCollector({ switches: () => [sw] });
    let last = parseExposition(await collector.metrics());
    for (let i = 0; i < 30; i++) {
      await sleep(100);
      const next = parseExposition(await collector.metrics());
      for (const s of last.samples.filter((x) => x.name.startsWith('mswitch_worker_'))) {
        expect(next.value(s.name, s.labels), `${s.name}${JSON.stringify(s.labels)} at scrape ${i}`).to.be.at.least(s.value);
      }
      last = next;
    }
  });

  it('drops a deleted port\'s series from the next scrape', async () => {
    const sw = bareSwitch('br1', 3);
    const per = 10 + dropReasons().length;
    const before = await scrape([sw]);
    expect(before.samples.filter((s) => s.labels.port === '2')).to.have.length(per);
    sw.removePort(2);
    const after = await scrape([sw]);
    expect(after.samples.filter((s) => s.labels.port === '2')).to.have.length(0);
    expect(after.samples.filter((s) => s.labels.port !== undefined)).to.have.length(2 * per);
    expect(after.value('mswitch_bridge_ports', { bridge: 'br1' })).to.equal(2);
  });

  it('bounds the series: 1 + per switch 2 + 5 per worker + (10 + drop reasons) per port', async function () {
    this.timeout(120_000);
    const reasons = dropReasons().length;
    const count = (m: Exposition): number => m.samples.filter((s) => s.name.startsWith('mswitch_')).length;
    expect(count(await scrape([])), 'no switch: build_info alone').to.equal(1);
    const big = bareSwitch('br1', 1000, 4);
    const small = bareSwitch('br2', 0, 1);
    const m = await scrape([big, small]);
    expect(count(m)).to.equal(1 + (2 + 5 * 4 + (10 + reasons) * 1000) + (2 + 5 * 1));
    expect(m.value('mswitch_bridge_ports', { bridge: 'br1' })).to.equal(1000);
    // Only the sanctioned labels, and port labels are port numbers.
    const names = new Set(m.samples.flatMap((s) => Object.keys(s.labels)));
    expect([...names].sort()).to.deep.equal(['bridge', 'kind', 'logic', 'mode', 'name', 'node', 'port', 'reason', 'version', 'worker']);
    expect(m.samples.every((s) => s.labels.port === undefined || /^[1-9][0-9]*$/.test(s.labels.port))).to.equal(true);
    expect(new Set(m.find('mswitch_port_drops_total').map((s) => s.labels.reason)).size).to.equal(reasons);
  });

  it('reads each switch once per scrape and skips a switch closed meanwhile', async () => {
    const sw = bareSwitch('br1', 2);
    let reads = 0;
    const counting = new Proxy(sw, {
      get(target, prop) {
        if (prop === 'ports') reads++;
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const c = new MetricsCollector({ switches: () => [counting] });
    await c.metrics();
    expect(reads).to.equal(1);
    await c.metrics();
    expect(reads).to.equal(2);
    const closed = bareSwitch('br2', 1);
    closed.close();
    const m = parseExposition(await new MetricsCollector({ switches: () => [closed, sw] }).metrics());
    expect(m.find('mswitch_bridge_info').map((s) => s.labels.bridge)).to.deep.equal(['br1']);
  });
});
