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
  countersOf, flowModLine, formatFlowStats, NativeTranslationError, parseDump, parseFlow, parseNativeError,
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
});
