// SwitchFlows' batch semantics against a stand-in logic that follows the
// contract's rules for failed batches (control-text.md, "Batches"): a line
// that does not parse fails the call with nothing applied (EINVAL); a line
// that cannot be applied fails it after the lines before it were applied.
// The stand-in refuses priority 666 as unparsable and priority 777 as an
// overlap, and records what it applied.  The real logic is exercised in
// test/controller-agent/api/flows.test.ts.
import { expect } from 'chai';

import { FlowControlError, NotOpenflowError, SwitchFlows } from '../../controller-agent/src/flows';
import { parseFlow } from '../../ovs-compat/src';
import type { FlowMod } from '../../ovs-compat/src';

class StandIn {
  applied: string[] = [];
  calls = 0;
  logicName = 'openflow';
  dumpPages: string[] = [];
  commands: string[] = [];

  logic(): string {
    return this.logicName;
  }

  logicControl(cmd: string): string {
    this.calls++;
    this.commands.push(cmd);
    if (cmd.startsWith('dump')) return this.dumpPages.shift() ?? '';
    const lines = cmd.split('\n');
    const fail = (errno: string, n: number, what: string): never => {
      throw Object.assign(new Error(`openflow: line ${n}: ${what}`), { code: errno });
    };
    const bad = lines.findIndex((l) => l.includes('priority=666'));
    if (bad >= 0) fail('EINVAL', bad + 1, 'bad_match.bad_value: priority 666 does not parse');
    lines.forEach((l, i) => {
      if (l.includes('priority=777')) fail('EEXIST', i + 1, 'flow_mod_failed.overlap: overlaps');
      this.applied.push(l);
    });
    return '';
  }
}

const add = (p: number): FlowMod => ({ command: 'add', flow: parseFlow(`priority=${p},actions=drop`) });

describe('SwitchFlows: one result per flow mod', () => {
  it('applies a clean batch in one call', () => {
    const s = new StandIn();
    const r = new SwitchFlows(s, 'br0').apply([add(1), add(2), add(3)]);
    expect(r).to.deep.equal([{ ok: true }, { ok: true }, { ok: true }]);
    expect(s.calls).to.equal(1);
    expect(s.applied).to.deep.equal(['add table=0 priority=1', 'add table=0 priority=2', 'add table=0 priority=3']);
  });

  it('sets aside a line that does not parse and applies every other, in order', () => {
    const s = new StandIn();
    const r = new SwitchFlows(s, 'br0').apply([add(1), add(666), add(3)]);
    expect(r[0]).to.deep.equal({ ok: true });
    expect(r[1]).to.deep.include({ ok: false });
    expect(r[1].ok === false && r[1].error).to.include({ type: 'bad_match', code: 'bad_value', typeNumber: 4, codeNumber: 7 });
    expect(r[2]).to.deep.equal({ ok: true });
    expect(s.applied).to.deep.equal(['add table=0 priority=1', 'add table=0 priority=3']);
  });

  it('after a line that cannot be applied, goes on with what follows it (no line applied twice)', () => {
    const s = new StandIn();
    const r = new SwitchFlows(s, 'br0').apply([add(1), add(777), add(3), add(777), add(5)]);
    expect(r.map((x) => x.ok)).to.deep.equal([true, false, true, false, true]);
    expect(r[1].ok === false && r[1].error).to.include({ type: 'flow_mod_failed', code: 'overlap', typeNumber: 5, codeNumber: 3 });
    expect(s.applied).to.deep.equal(['add table=0 priority=1', 'add table=0 priority=3', 'add table=0 priority=5']);
    expect(s.calls).to.equal(3);
  });

  it('mixes both kinds of failure', () => {
    const s = new StandIn();
    const r = new SwitchFlows(s, 'br0').apply([add(777), add(666), add(2), add(666)]);
    expect(r.map((x) => x.ok)).to.deep.equal([false, false, true, false]);
    expect(s.applied).to.deep.equal(['add table=0 priority=2']);
  });

  it('answers a mod the native form cannot say without calling the logic', () => {
    const s = new StandIn();
    const r = new SwitchFlows(s, 'br0').apply([{ command: 'add', flow: parseFlow('actions=controller(reason=no_match)') }, add(2)]);
    expect(r[0].ok === false && r[0].error).to.include({ type: 'bad_action', code: 'bad_argument', typeNumber: 2, codeNumber: 5 });
    expect(r[1]).to.deep.equal({ ok: true });
    expect(s.applied).to.deep.equal(['add table=0 priority=2']);
  });

  it('refuses a switch whose logic has no flow tables', () => {
    const s = new StandIn();
    s.logicName = 'l2-learning';
    expect(() => new SwitchFlows(s, 'br0').apply([add(1)])).to.throw(NotOpenflowError, /l2-learning/);
    expect(s.calls).to.equal(0);
  });

  it('reports a failure the contract does not describe as such', () => {
    const s = new StandIn();
    s.logicControl = () => {
      throw Object.assign(new Error('openflow: out of memory'), { code: 'ENOMEM' });
    };
    expect(() => new SwitchFlows(s, 'br0').apply([add(1)])).to.throw(FlowControlError, /out of memory/);
  });

  it('pages through a dump with after= until the logic says no more', () => {
    const s = new StandIn();
    const line = (id: number) => `id=${id} table=0 priority=${id} cookie=0x0 duration_ns=0 idle_timeout=0 hard_timeout=0 importance=0 n_packets=0 n_bytes=0`;
    s.dumpPages = [`${line(1)}\n${line(2)}\nmore after=2\n`, `${line(3)}\n`];
    const flows = new SwitchFlows(s, 'br0').dump({ flow: parseFlow('tcp', { filter: true }), allTables: true });
    expect(flows.map((f) => f.id)).to.deep.equal([1n, 2n, 3n]);
    expect(s.commands).to.deep.equal([
      'dump table=all eth_type=0x0800 ip_proto=6 limit=64',
      'dump table=all eth_type=0x0800 ip_proto=6 after=2 limit=64',
    ]);
  });
});
