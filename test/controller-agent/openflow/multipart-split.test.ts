// splitReply: a reply list too long for one message becomes consecutive
// REPLY_MORE messages under 64 KiB that decode back to the whole list.
import { expect } from 'chai';
import { decodeMessage, encodeMessage, MessageOf, splitReply, FlowStats } from '../../../controller-agent/src/openflow';

type Reply = MessageOf<'OFPT_MULTIPART_REPLY'>;

const flow = (i: number): FlowStats => ({
  table: i % 4, durationSec: i, durationNsec: 0, priority: i % 65536, idleTimeout: 0, hardTimeout: 0, flags: [], cookie: BigInt(i) << 32n,
  packetCount: BigInt(i), byteCount: BigInt(i) * 64n,
  match: [{ field: 'eth_type', value: 0x800n, mask: 0xffffn }, { field: 'ipv4_dst', value: BigInt(0x0a000000 + i), mask: 0xffffffffn }],
  instructions: { apply: [{ type: 'output', port: (i % 8) + 1 }], clearActions: false },
});

describe('openflow codec: multipart REPLY_MORE splitting', () => {
  for (const version of [4, 1]) {
    it(`splits 10 000 flow stats (OpenFlow 0x0${version}) into messages under 64 KiB that decode to the same list`, () => {
      const flows = Array.from({ length: 10000 }, (_, i) => ({ ...flow(i), ...(version === 1 && { table: 0 }) }));
      const reply: Reply = { version, xid: 77, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_FLOW', flows };
      const parts = splitReply(reply);
      expect(parts.length).to.be.greaterThan(10);
      const back: FlowStats[] = [];
      parts.forEach((p, i) => {
        const bytes = encodeMessage(p);
        expect(bytes.length).to.be.at.most(65535);
        const d = decodeMessage(bytes) as Reply;
        expect(d.xid).to.equal(77);
        expect(d.flags, `part ${i}`).to.equal(i < parts.length - 1 ? 1 : 0);
        if (d.mpType !== 'OFPMP_FLOW') throw new Error(d.mpType);
        back.push(...d.flows);
      });
      expect(back).to.deep.equal(flows);
    });
  }

  it('respects a smaller limit, never cuts a record, and leaves non-list replies alone', () => {
    const ports = Array.from({ length: 50 }, (_, i) => ({ portNo: i + 1, hwAddr: BigInt(i), name: `p${i}`, config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 }));
    const parts = splitReply({ version: 4, xid: 1, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_PORT_DESC', ports }, 16 + 64 * 7);
    expect(parts.map((p) => (p.mpType === 'OFPMP_PORT_DESC' ? p.ports.length : -1))).to.deep.equal([7, 7, 7, 7, 7, 7, 7, 1]);
    const agg: Reply = { version: 4, xid: 1, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_AGGREGATE', packetCount: 1n, byteCount: 2n, flowCount: 3 };
    expect(splitReply(agg)).to.deep.equal([agg]);
    expect(() => splitReply({ version: 4, xid: 1, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_PORT_DESC', ports }, 60)).to.throw(/does not fit/);
  });

  it('an empty list is one message without REPLY_MORE', () => {
    const r: Reply = { version: 4, xid: 1, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_FLOW', flows: [] };
    expect(splitReply(r)).to.deep.equal([r]);
  });
});
