// Every flow of the corpus through the real `openflow` logic: translated
// by to-native.ts, added with logicControl, dumped, read back by
// from-native.ts; the flow that comes back must be the flow that went in,
// and its dump-flows line the one ovs-ofctl prints for it.  This is where
// the TypeScript side and the native side must agree on the contract
// (ovs-compat/native/control-text.md) field by field and action by action.
import { expect } from 'chai';

import { Switch } from '../../controller-agent/src/datapath';
import type { NativeSwitch } from '../../controller-agent/src/datapath';
import {
  countersOf, flowModLine, formatFlowStats, NativeTranslationError, parseAggregate, parseDump, parseEvents, parseFlow,
  parseNativeError, parseTableStats, parseTrace,
} from '../../ovs-compat/src';
import type { Flow } from '../../ovs-compat/src';
import { VALID } from './flow-corpus';

// What the native form stores differently but means the same.
function normalized(flow: Flow): Flow {
  const f = structuredClone(flow);
  // check_overlap and reset_counts act on the flow mod; a flow keeps only its
  // state flags (as Open vSwitch keeps them: OFPUTIL_FF_STATE).
  f.flags = f.flags.filter((x) => x !== 'check_overlap' && x !== 'reset_counts');
  for (const a of [...f.instructions.apply, ...(f.instructions.writeActions ?? [])]) {
    if (a.type === 'set_field' && a.field === 'vlan_vid') a.value |= 0x1000n; // OXM set-field carries OFPVID_PRESENT
    if (a.type === 'load') Object.assign(a, { type: 'set_field' });           // load of a whole field is a set-field
  }
  return f;
}

describe('to-native and from-native against the real openflow logic', function () {
  this.timeout(60_000);
  let sw: NativeSwitch;
  before(() => {
    sw = new Switch({ name: 'rt0', logic: 'openflow' });
    // The corpus outputs to groups 1..9 and meters 1..9 here and there: make them exist.
    for (let g = 1; g <= 9; g++) sw.logicControl(`group_add group_id=${g} type=all bucket=actions=output:1`);
    for (let m = 1; m <= 9; m++) sw.logicControl(`meter_add meter_id=${m} kbps band=type=drop,rate=1000`);
  });
  after(() => sw?.close());

  it('adds and dumps back every corpus flow unchanged', () => {
    const refused: string[] = [];
    let checked = 0;
    for (const text of VALID) {
      const flow = parseFlow(text);
      let line: string;
      try {
        line = flowModLine({ command: 'add', flow });
      } catch (e) {
        if (e instanceof NativeTranslationError) continue; // to-native.test.ts covers these
        throw e;
      }
      sw.logicControl('del table=all');
      try {
        sw.logicControl(line);
      } catch (e) {
        const err = parseNativeError((e as Error).message);
        refused.push(`${text}\n    ${line}\n    ${err ? `${err.type}.${err.code}: ${err.message}` : (e as Error).message}`);
        continue;
      }
      const dump = parseDump(sw.logicControl('dump table=all'));
      expect(dump.flows, `${text}\n${line}`).to.have.length(1);
      const back = dump.flows[0];
      expect(back.flow, `${text}\n${line}`).to.deep.equal(normalized(flow));
      expect(formatFlowStats(back.flow, countersOf(back))).to.equal(formatFlowStats(normalized(flow), countersOf(back)));
      checked++;
    }
    expect(refused, `the logic refused valid flows:\n${refused.join('\n')}`).to.deep.equal([]);
    expect(checked).to.be.greaterThan(VALID.length * 0.9);
  });

  it('reads the logic\'s trace, events, aggregate and table statistics', () => {
    sw.logicControl('del table=all');
    sw.logicControl('events'); // what the corpus test's deletions queued
    sw.logicControl(flowModLine({ command: 'add', flow: parseFlow('cookie=0x9,send_flow_rem,priority=7,ip,nw_src=10.0.0.1,actions=output:2') }));
    sw.logicControl(flowModLine({ command: 'add', flow: parseFlow('priority=1,in_port=1,actions=controller:64,output:3,goto_table:1') }));
    const frame = Buffer.alloc(60);
    frame.write('020000000002020000000001', 'hex');
    frame.writeUInt16BE(0x88b5, 12);
    const steps = parseTrace(sw.logicControl(`trace in_port=1 hex=${frame.toString('hex')}`));
    expect(steps[0]).to.deep.include({ type: 'match', table: 0, priority: 1 });
    expect(steps[1]).to.deep.equal({ type: 'miss', table: 1 });
    expect(steps.find((s) => s.type === 'packet_in')).to.deep.include({ reason: 'action', table: 0, cookie: 0n, inPort: 1, totalLen: 60 });
    const out = steps.find((s) => s.type === 'output');
    expect(out).to.deep.include({ port: 3 });
    expect(out?.type === 'output' && out.frame.equals(frame)).to.equal(true);

    expect(parseAggregate(sw.logicControl('aggregate table=all'))).to.deep.equal({ flows: 2n, packets: 0n, bytes: 0n });
    const tables = parseTableStats(sw.logicControl('table_stats'));
    expect(tables[0]).to.deep.include({ table: 0, active: 2n });
    expect(tables[1]).to.deep.include({ table: 1, active: 0n });

    sw.logicControl(flowModLine({ command: 'del', allTables: true, flow: parseFlow('ip', { filter: true }) }));
    const [ev, ...rest] = parseEvents(sw.logicControl('events'));
    expect(rest).to.deep.equal([]);
    expect(ev).to.deep.include({ type: 'flow_removed', reason: 'delete', packets: 0n, bytes: 0n });
    expect(ev.flow).to.deep.include({ table: 0, priority: 7, cookie: 9n });
    expect(ev.flow.match).to.deep.equal(parseFlow('ip,nw_src=10.0.0.1,actions=drop').match);
  });
});
