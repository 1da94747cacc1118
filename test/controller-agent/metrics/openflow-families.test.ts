// The openflow logic's table and flow families against a real switch: a
// scrape says what the logic's table_stats says (workers' traffic through
// memif for the exact-match cache, packet-outs for look-ups), tables
// appear when first used and stay, flow mods are counted by command and
// result whoever applies them, flow-removed events by reason, promtool
// accepts the families, and a switch on another logic has none of them.
import { spawnSync } from 'child_process';

import { expect } from 'chai';

import { Switch } from '../../../controller-agent/src/datapath';
import type { NativeSwitch } from '../../../controller-agent/src/datapath';
import { SwitchFlows } from '../../../controller-agent/src/flows';
import { MetricsCollector } from '../../../controller-agent/src/metrics/collector';
import { countFlowRemoved, flowModLabel } from '../../../controller-agent/src/metrics/flow-counters';
import { SERIES_PER_TABLE } from '../../../controller-agent/src/metrics/openflow-families';
import { parseFlow, parseTableStats } from '../../../ovs-compat/src';
import type { FlowMod } from '../../../ovs-compat/src';
import { frame, mac, makeRig, sendAll } from '../../datapath/switch-rig';
import type { Rig } from '../../datapath/switch-rig';
import { waitFor } from '../../support/wait';
import { parseExposition } from './exposition';
import type { Exposition } from './exposition';

const TABLE_FAMILIES = ['mswitch_table_entries', 'mswitch_table_lookups_total', 'mswitch_table_matches_total',
  'mswitch_table_emc_hits_total', 'mswitch_table_emc_misses_total'];

const mod = (command: FlowMod['command'], text: string, extra: Partial<FlowMod> = {}): FlowMod =>
  ({ command, flow: parseFlow(text, command === 'add' ? {} : { filter: true }), ...extra });

const scrape = async (c: MetricsCollector): Promise<Exposition> => parseExposition(await c.metrics());
const ofSamples = (m: Exposition): number => m.samples.filter((s) => /^mswitch_(table|flow)_/.test(s.name)).length;

describe('metrics: openflow tables and flows', function () {
  this.timeout(30_000);
  let rig: Rig | undefined;
  const switches: NativeSwitch[] = [];

  afterEach(() => {
    rig?.close();
    rig = undefined;
    for (const sw of switches.splice(0)) sw.close();
  });

  const openflowSwitch = (name: string): NativeSwitch => {
    const sw = new Switch({ name, workers: 1, logic: 'openflow' });
    switches.push(sw);
    return sw;
  };

  it('labels flow mods with OpenFlow\'s command names', () => {
    expect([flowModLabel('add', undefined), flowModLabel('mod', false), flowModLabel('mod', true), flowModLabel('del', undefined), flowModLabel('del', true)])
      .to.deep.equal(['add', 'modify', 'modify_strict', 'delete', 'delete_strict']);
  });

  it('reports each table in use as table_stats does, with the workers\' cache hits', async () => {
    rig = await makeRig({ logic: 'openflow', workers: 1 });
    for (let id = 0; id < 2; id++) rig.sw.addMemifInterface({ id, port: id + 1 });
    const a = await rig.connect(0);
    await rig.connect(1);
    const flows = new SwitchFlows(rig.sw, 'br0');
    const added = flows.apply([mod('add', 'priority=10,in_port=1,actions=goto_table:3'), mod('add', 'table=3,priority=5,actions=output:2')]);
    expect(added.every((r) => r.ok)).to.equal(true);
    const collector = new MetricsCollector({ switches: () => [rig!.sw] });

    // 200 identical frames: after the first misses the cache mostly hit it.
    const SENT = 200;
    sendAll(a, Array.from({ length: SENT }, () => frame(mac(2), mac(1), 100)));
    await waitFor(() => rig!.sw.ports().find((p) => p.index === 2)!.txPackets === SENT, { what: 'every frame out of port 2' });
    const m = await scrape(collector);
    const stats = parseTableStats(rig.sw.logicControl('table_stats'));
    expect(new Set(m.find('mswitch_table_lookups_total').map((s) => s.labels.table))).to.deep.equal(new Set(['0', '3']));
    for (const t of stats.filter((x) => x.table === 0 || x.table === 3)) {
      const l = { bridge: 'br0', table: String(t.table) };
      expect(m.value('mswitch_table_entries', l)).to.equal(Number(t.active));
      expect(m.value('mswitch_table_lookups_total', l)).to.equal(Number(t.lookups));
      expect(m.value('mswitch_table_matches_total', l)).to.equal(Number(t.matched));
      expect(m.value('mswitch_table_emc_hits_total', l)).to.equal(Number(t.emcHits));
      expect(m.value('mswitch_table_emc_misses_total', l)).to.equal(Number(t.emcMisses));
    }
    const l0 = { bridge: 'br0', table: '0' };
    expect(m.value('mswitch_table_entries', l0)).to.equal(1);
    expect(m.value('mswitch_table_lookups_total', l0)).to.equal(SENT);
    expect(m.value('mswitch_table_matches_total', { table: '3' })).to.equal(SENT);
    expect(m.value('mswitch_table_emc_hits_total', l0) + m.value('mswitch_table_emc_misses_total', l0)).to.equal(SENT);
    // The cache inserts on a throttled share of misses (emc.h), so a
    // repeated frame is served by it most of the time, not from the second.
    expect(m.value('mswitch_table_emc_hits_total', l0), 'a repeated flow is served by the cache').to.be.greaterThan(SENT / 2);
    expect(m.types.get('mswitch_table_entries')).to.equal('gauge');
    expect(m.types.get('mswitch_table_lookups_total')).to.equal('counter');
    expect(ofSamples(m), '5 per table in use + one flow-mod series').to.equal(SERIES_PER_TABLE * 2 + 1);
  });

  it('exports table 0 alone on an idle pipeline, and keeps a table once used', async () => {
    const sw = openflowSwitch('br1');
    const collector = new MetricsCollector({ switches: () => [sw] });
    const idle = await scrape(collector);
    for (const f of TABLE_FAMILIES) expect(idle.find(f).map((s) => s.labels), f).to.deep.equal([{ bridge: 'br1', table: '0' }]);
    expect(ofSamples(idle)).to.equal(SERIES_PER_TABLE);
    const flows = new SwitchFlows(sw, 'br1');
    flows.apply([mod('add', 'table=7,priority=1,actions=drop')]);
    expect((await scrape(collector)).value('mswitch_table_entries', { table: '7' })).to.equal(1);
    flows.apply([mod('del', 'table=7')]);
    const after = await scrape(collector);
    expect(after.value('mswitch_table_entries', { table: '7' }), 'table 7 still exported, empty').to.equal(0);
    expect(after.find('mswitch_table_entries').map((s) => s.labels.table)).to.deep.equal(['0', '7']);
  });

  it('counts flow mods by command and result from every SwitchFlows of a switch', async () => {
    const sw = openflowSwitch('br1');
    const collector = new MetricsCollector({ switches: () => [sw] });
    new SwitchFlows(sw, 'br1').apply([
      mod('add', 'priority=10,in_port=1,actions=output:2'),
      mod('add', 'priority=11,in_port=1,actions=output:2'),
      mod('add', 'priority=10,in_port=1,actions=goto_table:0'),   // refused: bad_instruction
    ]);
    // Another SwitchFlows of the same switch (the REST API builds one per request).
    new SwitchFlows(sw, 'br1').apply([
      mod('mod', 'priority=10,in_port=1,actions=drop', { strict: true }),
      mod('mod', 'in_port=1,actions=drop'),
      mod('del', 'priority=11,in_port=1', { strict: true }),
      mod('del', ''),
    ]);
    const m = await scrape(collector);
    const mods = m.find('mswitch_flow_mods_total').map((s) => `${s.labels.command} ${s.labels.result} ${s.value}`).sort();
    expect(mods).to.deep.equal([
      'add bad_instruction 1', 'add ok 2', 'delete ok 1', 'delete_strict ok 1', 'modify ok 1', 'modify_strict ok 1',
    ]);
    expect(m.find('mswitch_flow_mods_total').every((s) => s.labels.bridge === 'br1')).to.equal(true);
  });

  it('counts flow-removed events by reason, and nothing for a switch on another logic', async () => {
    const sw = openflowSwitch('br1');
    const other = new Switch({ name: 'br2', workers: 1, logic: 'l2-learning' });
    switches.push(other);
    countFlowRemoved(sw, 'idle_timeout');
    countFlowRemoved(sw, 'idle_timeout');
    countFlowRemoved(sw, 'hard_timeout');
    const m = await scrape(new MetricsCollector({ switches: () => [sw, other] }));
    expect(m.value('mswitch_flow_removed_events_total', { bridge: 'br1', reason: 'idle_timeout' })).to.equal(2);
    expect(m.value('mswitch_flow_removed_events_total', { bridge: 'br1', reason: 'hard_timeout' })).to.equal(1);
    expect(m.samples.filter((s) => s.labels.bridge === 'br2' && /^mswitch_(table|flow)_/.test(s.name))).to.deep.equal([]);
    expect(m.value('mswitch_bridge_info', { bridge: 'br2' }), 'br2 is scraped').to.equal(1);
  });

  it('passes promtool check metrics with the table and flow families', async function () {
    if (spawnSync('sh', ['-c', 'command -v promtool']).status !== 0) this.skip();
    const sw = openflowSwitch('br1');
    new SwitchFlows(sw, 'br1').apply([mod('add', 'table=2,priority=1,actions=drop'), mod('add', 'priority=1,actions=goto_table:99')]);
    countFlowRemoved(sw, 'delete');
    const text = await new MetricsCollector({ switches: () => [sw] }).metrics();
    expect(text).to.match(/mswitch_flow_mods_total\{bridge="br1",command="add",result="ok"\} 1/);
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: r.status, output: `${r.stdout}${r.stderr}` }).to.deep.equal({ status: 0, output: '' });
  });
});
