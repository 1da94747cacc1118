// Flow restore (controller-agent/src/state/flow-state.ts) on the real
// openflow logic: flows, chained groups and meters captured from one
// switch are replayed into a fresh one and dump the same (counters at 0);
// the standalone fallback flow is never saved; the watch on logicControl
// reports changes and not queries.
import { expect } from 'chai';

import { FALLBACK_COOKIE } from '../../../controller-agent/src/agent/fail-mode';
import type * as Datapath from '../../../controller-agent/src/datapath';
import type { NativeSwitch } from '../../../controller-agent/src/datapath';
import { captureFlows, mayChangeFlows, replayFlows, watchFlowChanges } from '../../../controller-agent/src/state/flow-state';

// The dump without what a restart resets (ids, durations, counters).
function tables(sw: NativeSwitch): string[] {
  return sw.logicControl('dump table=all').split('\n').filter((l) => l !== '')
    .map((l) => l.replace(/\b(id|duration_ns|n_packets|n_bytes)=\S+ ?/g, ''));
}

describe('flow restore (capture and replay on the openflow logic)', () => {
  let datapath: typeof Datapath;
  const switches: NativeSwitch[] = [];
  before(async () => { datapath = await import('../../../controller-agent/src/datapath'); });
  afterEach(() => { for (const sw of switches.splice(0)) sw.close(); });

  const openflow = (name: string): NativeSwitch => {
    const sw = new datapath.Switch({ name, workers: 1, logic: 'openflow' });
    switches.push(sw);
    return sw;
  };

  it('replays flows, chained groups and meters into a new switch that then dumps the same', () => {
    const a = openflow('fra');
    a.logicControl([
      'meter_add meter_id=3 pktps burst band=type=drop,rate=100,burst_size=10',
      'group_add group_id=2 type=all bucket=actions=output:1 bucket=actions=output:2',
      // Group 1 chains to 2: it can only go in after 2, but dumps first.
      'group_add group_id=1 type=indirect bucket=actions=group:2',
      'add table=0 priority=100 cookie=0x42 idle_timeout=60 send_flow_rem in_port=1 apply=output:2',
      'add table=0 priority=90 eth_type=0x0800 ipv4_dst=10.0.0.0/255.255.255.0 meter=3 goto_table=1',
      'add table=1 priority=5 eth_type=0x0800 write=group:1',
      `add table=0 priority=65535 cookie=0x${FALLBACK_COOKIE.toString(16)} apply=output:normal`,
    ].join('\n'));
    // Traffic-like counters do not travel: a packet through table 0.
    a.logicControl('packet_out in_port=1 actions=output:table hex=' + 'ff'.repeat(6) + '02'.repeat(6) + '0806' + '00'.repeat(28));

    const saved = captureFlows(a, 'fra');
    expect(saved).to.not.equal(undefined);
    expect(saved!.flows.some((l) => l.includes('output:normal')), 'the fallback flow is saved').to.equal(false);
    expect(saved!.flows).to.have.length(3);
    expect(saved!.groups.map((g) => /group_id=(\d+)/.exec(g)![1])).to.deep.equal(['1', '2']);

    const b = openflow('frb');
    const r = replayFlows(b, 'frb', saved!);
    expect(r.failed).to.deep.equal([]);
    expect(r.applied).to.equal(1 + 2 + 3);
    const want = tables(a).filter((l) => !l.includes('output:normal'));
    expect(tables(b)).to.deep.equal(want);
    expect(b.logicControl('group_dump')).to.equal(a.logicControl('group_dump'));
    expect(b.logicControl('meter_dump')).to.equal(a.logicControl('meter_dump'));
    expect(b.logicControl('dump table=all')).to.match(/n_packets=0 n_bytes=0/);
  });

  it('reports the lines it could not replay and applies the rest', () => {
    const b = openflow('frc');
    const r = replayFlows(b, 'frc', {
      meters: [],
      groups: ['group_add group_id=1 type=indirect bucket=actions=group:7'],
      flows: ['add table=0 priority=1 apply=output:2', 'add table=0 priority=2 apply=group:9'],
    });
    expect(r.applied).to.equal(1);
    expect(r.failed.map((f) => f.line)).to.deep.equal(['group_add group_id=1 type=indirect bucket=actions=group:7', 'add table=0 priority=2 apply=group:9']);
    expect(r.failed[1].error).to.match(/^bad_action\.bad_out_group: /);
  });

  it('saves nothing for a switch that does not run openflow', () => {
    const sw = new datapath.Switch({ name: 'frd', workers: 1 });
    switches.push(sw);
    expect(captureFlows(sw, 'frd')).to.equal(undefined);
  });

  it('tells changes from queries', () => {
    for (const q of ['dump table=all', 'aggregate', 'table_stats', 'group_dump\nmeter_dump', 'events max=10', 'trace in_port=1 hex=00', 'packet_out in_port=1 actions=output:2 hex=00', '']) {
      expect(mayChangeFlows(q), q).to.equal(false);
    }
    for (const c of ['add priority=1 drop', 'del table=all', 'mod apply=output:1', 'flush', 'group_del group_id=all', 'meter_add meter_id=1 band=type=drop,rate=1', 'dump\nadd priority=1 drop']) {
      expect(mayChangeFlows(c), c).to.equal(true);
    }
  });

  it('watches the switch: a change, even a refused one, calls back; a query does not', () => {
    const sw = openflow('fre');
    let changes = 0;
    watchFlowChanges(sw, () => { changes++; });
    sw.logicControl('add priority=1 apply=output:2');
    expect(changes).to.equal(1);
    sw.logicControl('dump table=all');
    sw.logicControl('events');
    expect(changes).to.equal(1);
    expect(() => sw.logicControl('add priority=1 apply=group:5')).to.throw();
    expect(changes).to.equal(2);
    // An expired flow that reports its removal is a change too.
    sw.logicControl('add priority=2 hard_timeout=1 send_flow_rem apply=output:2');
    expect(changes).to.equal(3);
    sw.logicControl(`events now_ns=${BigInt(Number.MAX_SAFE_INTEGER) * 1000n}`);
    expect(changes).to.equal(4);
  });
});
