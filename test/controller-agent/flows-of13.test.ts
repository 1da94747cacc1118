// SwitchFlows.applyOpenFlow13 against a stand-in logic that follows the
// contract of `of13` lines (control-text.md, "OpenFlow 1.3 flow mods"):
// a message the logic does not take stops the call there (ENOTSUP
// `line N: not_taken: ...`, the lines before it applied); one that cannot
// be applied fails the call after the lines before it, as a text line does.
// The stand-in leaves alone any message with a buffer id, refuses priority
// 777 as an overlap, and records the messages it applied.  The real logic
// is the subject of flows-of13-differential.test.ts.
import { expect } from 'chai';

import { FlowControlError, SwitchFlows } from '../../controller-agent/src/flows';
import { flowCounts } from '../../controller-agent/src/metrics/flow-counters';
import { encodeMessage, OFP_NO_BUFFER } from '../../controller-agent/src/openflow';
import type { FlowMod } from '../../controller-agent/src/openflow';
import { BATCH_MAX_LINES } from '../../ovs-compat/src';

/** A 1.3 FLOW_MOD's bytes; 'xid' marks it in what the stand-in applied. */
function flowMod(xid: number, over: Partial<FlowMod> = {}): Buffer {
  return encodeMessage({
    version: 4, xid, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 1, cookie: 0n, cookieMask: 0n, idleTimeout: 0,
    hardTimeout: 0, bufferId: OFP_NO_BUFFER, outPort: 0xffffffff, outGroup: 0xffffffff, flags: [], match: [],
    instructions: { apply: [], clearActions: false }, ...over,
  });
}

class Of13StandIn {
  /** xids of the messages applied, in order. */
  applied: number[] = [];
  calls: string[] = [];
  knowsOf13 = true;

  logic(): string {
    return 'openflow';
  }

  logicControl(cmd: string): string {
    this.calls.push(cmd);
    const lines = cmd.split('\n');
    const fail = (errno: string, n: number, what: string): never => {
      throw Object.assign(new Error(`openflow: line ${n}: ${what}`), { code: errno });
    };
    // Every line is parsed before any is applied.
    const raws = lines.map((l, i) => {
      const m = /^of13 ([0-9a-f]+)$/.exec(l);
      if (m === null || !this.knowsOf13) return fail('EINVAL', i + 1, `bad_request.bad_type: unknown command '${l.split(' ')[0]}' (add, mod, del)`);
      return Buffer.from(m[1], 'hex');
    });
    raws.forEach((raw, i) => {
      if (raw.readUInt32BE(32) !== OFP_NO_BUFFER) fail('ENOTSUP', i + 1, 'not_taken: buffer_id is the agent\'s to answer');
      if (raw.readUInt16BE(30) === 777) fail('EEXIST', i + 1, 'flow_mod_failed.overlap: overlaps');
      this.applied.push(raw.readUInt32BE(4));
    });
    return `added ${lines.length} replaced 0 modified 0 deleted 0`;
  }
}

const ok = { ok: true };

describe('SwitchFlows.applyOpenFlow13: raw 1.3 FLOW_MODs decoded by the logic', () => {
  it('sends a clean run as one call of of13 lines (the hex of each whole message) and answers each', () => {
    const s = new Of13StandIn();
    const raws = [flowMod(1), flowMod(2), flowMod(3)];
    const r = new SwitchFlows(s, 'br0').applyOpenFlow13(raws);
    expect(r).to.deep.equal({ results: [ok, ok, ok], taken: 3 });
    expect(s.calls).to.deep.equal([raws.map((b) => `of13 ${b.toString('hex')}`).join('\n')]);
    expect(s.applied).to.deep.equal([1, 2, 3]);
  });

  it('gives a message that cannot be applied its error and goes on after it, as text lines do', () => {
    const s = new Of13StandIn();
    const r = new SwitchFlows(s, 'br0').applyOpenFlow13([flowMod(1), flowMod(2, { priority: 777 }), flowMod(3), flowMod(4, { priority: 777 })]);
    expect(r.taken).to.equal(4);
    expect(r.results.map((x) => x.ok)).to.deep.equal([true, false, true, false]);
    expect(r.results[1].ok === false && r.results[1].error).to.include({ type: 'flow_mod_failed', code: 'overlap', typeNumber: 5, codeNumber: 3 });
    expect(s.applied).to.deep.equal([1, 3]);
    // Whole message, then from message 3 on.
    expect(s.calls).to.have.length(2);
  });

  it('stops at the first message not taken: those before it answered and applied, it and the rest not sent again', () => {
    const s = new Of13StandIn();
    const raws = [flowMod(1), flowMod(2, { priority: 777 }), flowMod(3), flowMod(4, { bufferId: 9 }), flowMod(5), flowMod(6, { bufferId: 9 })];
    const r = new SwitchFlows(s, 'br0').applyOpenFlow13(raws);
    expect(r.taken).to.equal(3);
    expect(r.results.map((x) => x.ok)).to.deep.equal([true, false, true]);
    expect(s.applied).to.deep.equal([1, 3]);
    // The overlap's retry started at message 3; nothing was sent after the not-taken answer.
    expect(s.calls).to.have.length(2);
    expect(s.calls[1].split('\n')).to.have.length(4);
    // The caller's next run starts after the message it handled itself.
    const rest = new SwitchFlows(s, 'br0').applyOpenFlow13(raws.slice(r.taken + 1));
    expect(rest.taken).to.equal(1);
    expect(s.applied).to.deep.equal([1, 3, 5]);
  });

  it('a first message not taken: nothing applied, taken 0, no results', () => {
    const s = new Of13StandIn();
    expect(new SwitchFlows(s, 'br0').applyOpenFlow13([flowMod(1, { bufferId: 3 }), flowMod(2)])).to.deep.equal({ results: [], taken: 0 });
    expect(s.applied).to.deep.equal([]);
  });

  it('stops across batches: a message not taken in the second call means no third call', () => {
    const s = new Of13StandIn();
    const n = BATCH_MAX_LINES * 2 + 5;
    const stopAt = BATCH_MAX_LINES + 2;
    const raws = Array.from({ length: n }, (_, i) => flowMod(i, i === stopAt ? { bufferId: 1 } : {}));
    const r = new SwitchFlows(s, 'br0').applyOpenFlow13(raws);
    expect(r.taken).to.equal(stopAt);
    expect(r.results).to.have.length(stopAt);
    expect(r.results.every((x) => x.ok)).to.equal(true);
    expect(s.calls).to.have.length(2);
    expect(s.applied).to.have.length(stopAt);
  });

  it('a logic that predates of13 takes nothing (the caller decodes every message)', () => {
    const s = new Of13StandIn();
    s.knowsOf13 = false;
    expect(new SwitchFlows(s, 'br0').applyOpenFlow13([flowMod(1), flowMod(2)])).to.deep.equal({ results: [], taken: 0 });
  });

  it('counts each taken message by its command byte and result, and tells the flows-changed listeners once per run', () => {
    const s = new Of13StandIn();
    const flows = new SwitchFlows(s, 'br0');
    let changed = 0;
    flows.watch(() => changed++);
    flows.applyOpenFlow13([
      flowMod(1), flowMod(2, { command: 'OFPFC_MODIFY' }), flowMod(3, { command: 'OFPFC_MODIFY_STRICT' }),
      flowMod(4, { command: 'OFPFC_DELETE', table: 0xff }), flowMod(5, { command: 'OFPFC_DELETE_STRICT' }), flowMod(6, { priority: 777 }),
      flowMod(7, { bufferId: 1 }), flowMod(8),
    ]);
    expect(Object.fromEntries(flowCounts(s).mods)).to.deep.equal({
      'add ok': 1, 'modify ok': 1, 'modify_strict ok': 1, 'delete ok': 1, 'delete_strict ok': 1, 'add flow_mod_failed': 1,
    });
    expect(changed).to.equal(1);
  });

  it('a text line the logic leaves alone breaks the contract: applyLines throws', () => {
    const s = { logic: () => 'openflow', logicControl: () => { throw Object.assign(new Error('openflow: line 1: not_taken: why'), { code: 'ENOTSUP' }); } };
    expect(() => new SwitchFlows(s, 'br0').applyOne('add priority=1')).to.throw(FlowControlError, /did not take line 1/);
  });
});
