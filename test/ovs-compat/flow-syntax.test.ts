// ovs-ofctl flow syntax: our parser and printer against real ovs-ofctl
// (`parse-flow -O OpenFlow13`, see ovs-ofctl.ts) over the corpus of
// flow-corpus.ts, round trips through our own printer, and the errors.

import { expect } from 'chai';
import { FlowSyntaxError, formatFlow, formatFlowMod, parseFlow, parseFlows } from '../../ovs-compat/src';
import { DIVERGENT, INVALID, VALID } from './flow-corpus';
import { ovsOfctlAvailable, ovsParseFlow, ovsParseFlows } from './ovs-ofctl';

function ourVerdict(flow: string): { accepted: boolean; printed?: string; error?: string } {
  try {
    return { accepted: true, printed: formatFlowMod(parseFlow(flow)) };
  } catch (e) {
    if (!(e instanceof FlowSyntaxError)) throw e;
    return { accepted: false, error: e.message };
  }
}

describe('ovs-compat flow syntax against real ovs-ofctl', function () {
  before(function () {
    if (!ovsOfctlAvailable()) this.skip();
  });

  it('has a corpus of more than 60 flows', () => {
    expect(VALID.length + INVALID.length + DIVERGENT.length).to.be.greaterThan(60);
  });

  describe('flows both accept, printed identically', () => {
    for (const flow of VALID) {
      it(flow, () => {
        const ovs = ovsParseFlow(flow);
        expect(ovs.accepted, `ovs-ofctl rejects it: ${ovs.error}`).to.equal(true);
        // No normalization: the decoded line after "(xid=0x1): " is
        // compared verbatim with our flow mod text.
        expect(ourVerdict(flow)).to.deep.equal({ accepted: true, printed: ovs.printed });
      });
    }
  });

  it('reads the whole corpus as one flows file as ovs-ofctl parse-flows does', () => {
    // Comments and blank lines between the flows, as an add-flows file has them.
    const file = VALID.map((f, i) => `# flow ${i}\n${f}\n\n`).join('');
    const ovs = ovsParseFlows(file).map((v) => v.printed);
    expect(parseFlows(file).map(formatFlowMod)).to.deep.equal(ovs);
    expect(ovs).to.have.length(VALID.length);
  });

  it('rejects a flows file with a bad line as ovs-ofctl does, naming the line', () => {
    const file = 'ip,actions=drop\n\nfoo=1,actions=drop\n';
    expect(ovsParseFlows(file)[0].accepted).to.equal(false);
    expect(() => parseFlows(file)).to.throw(FlowSyntaxError, /^line 3: unknown keyword foo/);
  });

  describe('flows both reject', () => {
    for (const flow of INVALID) {
      it(flow, () => {
        const ovs = ovsParseFlow(flow);
        expect(ovs.accepted, `ovs-ofctl accepts it: ${ovs.printed}`).to.equal(false);
        const ours = ourVerdict(flow);
        expect(ours.accepted, `we accept it: ${ours.printed}`).to.equal(false);
      });
    }
  });

  describe('deliberate differences still differ as documented', () => {
    for (const d of DIVERGENT) {
      it(`${d.flow} (${d.why})`, () => {
        expect(ovsParseFlow(d.flow).accepted).to.equal(d.ovs === 'accepts');
        expect(ourVerdict(d.flow).accepted).to.equal(d.ovs !== 'accepts');
      });
    }
  });

  describe('our canonical form means the same to ovs-ofctl', () => {
    for (const flow of VALID) {
      it(flow, () => {
        const canonical = formatFlow(parseFlow(flow));
        expect(ovsParseFlow(canonical).printed).to.equal(ovsParseFlow(flow).printed);
      });
    }
  });
});

describe('ovs-compat flow syntax round trip', () => {
  const accepted = [...VALID, ...DIVERGENT.filter((d) => d.ovs === 'rejects').map((d) => d.flow)];
  for (const flow of accepted) {
    it(flow, () => {
      const once = parseFlow(flow);
      const text = formatFlow(once);
      expect(parseFlow(text)).to.deep.equal(once);
      expect(formatFlow(parseFlow(text))).to.equal(text);
    });
  }

  it('reads filters: no actions, out_port and out_group, and prints them back', () => {
    const f = parseFlow('table=2,out_port=LOCAL,out_group=7,tcp,tp_dst=22', { filter: true });
    expect(f.outPort).to.equal(0xfffffffe);
    expect(f.outGroup).to.equal(7);
    expect(formatFlow(f)).to.equal('table=2,out_port=LOCAL,out_group=7,tcp,tp_dst=22,actions=drop');
    expect(parseFlow(formatFlow(f), { filter: true })).to.deep.equal(f);
    expect(() => parseFlow('out_port=1,actions=drop')).to.throw(FlowSyntaxError, /unknown keyword out_port/);
  });

  it('keeps a filter cookie mask (cookie=0x1/-1)', () => {
    const f = parseFlow('cookie=0x1/-1,tcp', { filter: true });
    expect(f.cookieMask).to.equal(0xffffffffffffffffn);
    expect(parseFlow(formatFlow(f), { filter: true })).to.deep.equal(f);
  });
});
