// The session's raw FLOW_MOD path (session.ts): on a 1.3 session FLOW_MODs
// are queued undecoded and handed to handleFlowMods13Raw in runs; the one
// the handler leaves alone is decoded then and goes the usual way (its
// codec OFPT_ERROR when malformed), and the rest go raw again.  Replies,
// errors and BARRIER keep their order; slaves and 1.0 sessions never take
// the raw path.  The handler here is a double; the real switch behind it is
// in session-of13-switch.test.ts.
import { expect } from 'chai';

import type { BridgeHandler } from '../../../controller-agent/src/agent/types';
import { encodeMessage, OFP_NO_BUFFER, OpenFlowError } from '../../../controller-agent/src/openflow';
import type { FlowMod, OfMessage } from '../../../controller-agent/src/openflow';
import { FakeHandler, handshake, negotiatedVersion, OfPeer, startRig, type Rig } from './session-rig';

type RawHandler = FakeHandler & Pick<BridgeHandler, 'handleFlowMods' | 'handleFlowMods13Raw'>;

const flowMod = (xid: number, over: Partial<FlowMod> = {}, version = 4): OfMessage => ({
  version, xid, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 1, cookie: 0n, cookieMask: 0n, idleTimeout: 0,
  hardTimeout: 0, bufferId: OFP_NO_BUFFER, outPort: 0xffffffff, outGroup: 0xffffffff, flags: [], match: [],
  instructions: { apply: [], clearActions: false }, ...over,
});

/** A FLOW_MOD whose match names OXM field 127 of class OPENFLOW_BASIC, which the codec refuses with OFPBMC_BAD_FIELD. */
function badFieldFlowMod(xid: number): Buffer {
  const good = encodeMessage(flowMod(xid, { match: [{ field: 'in_port', value: 1n, mask: 0xffffffffn }] }));
  const raw = Buffer.from(good);
  // ofp_match at 48: type, length, then the in_port TLV header; field bits 15..9 of its low half.
  raw.writeUInt32BE(((0x8000 << 16) | (127 << 9) | 4) >>> 0, 52);
  return raw;
}

const desc = (xid: number): OfMessage => ({ version: 4, xid, type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType: 'OFPMP_DESC' });
const descReply: OfMessage = {
  version: 4, xid: 0, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_DESC', desc: { mfrDesc: 'm', hwDesc: 'h', swDesc: 's', serialNum: 'n', dpDesc: 'd' },
};

describe('agent session: raw 1.3 FLOW_MODs (handleFlowMods13Raw)', () => {
  let rig: Rig;
  let peer: OfPeer | undefined;
  let rawBatches: number[][];
  let decodedBatches: number[][];
  afterEach(async () => {
    peer?.end();
    await rig?.close();
  });

  // A handler that takes raw FLOW_MODs except those whose xid is in 'leave'
  // and answers OVERLAP for those in 'overlap'; decoded ones succeed.
  async function setup(leave: number[], overlap: number[]): Promise<RawHandler> {
    rig = await startRig();
    rawBatches = [];
    decodedBatches = [];
    const h = rig.handler as RawHandler;
    h.handleFlowMods13Raw = async (_s, raws) => {
      const xids = raws.map((r) => r.readUInt32BE(4));
      rawBatches.push(xids);
      await new Promise((r) => setTimeout(r, 5));
      const stop = xids.findIndex((x) => leave.includes(x));
      const taken = stop < 0 ? raws.length : stop;
      return { results: xids.slice(0, taken).map((x) => (overlap.includes(x) ? new OpenFlowError('OFPFMFC_OVERLAP', 'overlapping flow') : [])), taken };
    };
    h.handleFlowMods = async (_s, msgs) => {
      decodedBatches.push(msgs.map((m) => m.xid));
      return msgs.map(() => []);
    };
    h.answer = (_s, m) => (m.type === 'OFPT_MULTIPART_REQUEST' ? [descReply] : []);
    return h;
  }

  it('hands runs of FLOW_MODs over undecoded; the one left alone is decoded in its place, then the rest go raw again', async () => {
    await setup([23, 24], [22]);
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    peer.socket.write(Buffer.concat([
      encodeMessage(flowMod(21)), encodeMessage(flowMod(22)), badFieldFlowMod(23), encodeMessage(flowMod(24)), encodeMessage(flowMod(25)),
      encodeMessage(desc(26)), encodeMessage(flowMod(27)), encodeMessage({ version: 4, xid: 28, type: 'OFPT_BARRIER_REQUEST' }),
    ]));
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 22, errType: 5, code: 3 });
    // The malformed one gets the codec's error (OFPBMC_BAD_FIELD 4/6) quoting its own bytes.
    const bad = await peer.expect('OFPT_ERROR');
    expect(bad).to.include({ xid: 23, errType: 4, code: 6 });
    expect(bad.data.equals(badFieldFlowMod(23).subarray(0, 64))).to.equal(true);
    expect(await peer.expect('OFPT_MULTIPART_REPLY')).to.include({ xid: 26 });
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 28 });
    expect(await peer.quiet(100)).to.equal(undefined);
    expect(rawBatches).to.deep.equal([[21, 22, 23, 24, 25], [24, 25], [25], [27]]);
    // 24 is well formed: decoded, it goes to handleFlowMods alone (the ones behind it stay raw).
    expect(decodedBatches).to.deep.equal([[24]]);
    expect(rig.handler.calls.map((c) => c.xid)).to.deep.equal([26]);
  });

  it('answers every message of a run with EPERM and its own xid when the raw handler throws', async () => {
    const h = await setup([], []);
    h.handleFlowMods13Raw = async () => { throw new Error('boom'); };
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    peer.send(flowMod(41), flowMod(42), { version: 4, xid: 43, type: 'OFPT_BARRIER_REQUEST' });
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 41, errType: 1, code: 5 });
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 42, errType: 1, code: 5 });
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 43 });
  });

  it('a slave\'s FLOW_MOD is decoded and refused with IS_SLAVE; the raw handler never sees it', async () => {
    await setup([], []);
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    peer.send({ version: 4, xid: 50, type: 'OFPT_ROLE_REQUEST', role: 'OFPCR_ROLE_SLAVE', generationId: 1n });
    expect(await peer.expect('OFPT_ROLE_REPLY')).to.include({ role: 'OFPCR_ROLE_SLAVE' });
    peer.send(flowMod(51), flowMod(52), { version: 4, xid: 53, type: 'OFPT_BARRIER_REQUEST' });
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 51, errType: 1, code: 10 });
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 52, errType: 1, code: 10 });
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 53 });
    expect(rawBatches).to.deep.equal([]);
    expect(decodedBatches).to.deep.equal([]);
  });

  it('a 1.0 session\'s FLOW_MODs are decoded and batched as before, never raw', async () => {
    await setup([], []);
    peer = await handshake(rig, { version: 1, xid: 1, type: 'OFPT_HELLO' });
    expect(await negotiatedVersion(rig)).to.deep.equal([1]);
    const mod10 = (xid: number): OfMessage => flowMod(xid, {}, 1);
    peer.send(mod10(61), mod10(62), { version: 1, xid: 63, type: 'OFPT_BARRIER_REQUEST' });
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 63 });
    expect(rawBatches).to.deep.equal([]);
    expect(decodedBatches).to.deep.equal([[61, 62]]);
  });

  it('without the raw method the FLOW_MODs of one chunk are still decoded into one handleFlowMods batch', async () => {
    const h = await setup([], []);
    h.handleFlowMods13Raw = undefined;
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    peer.socket.write(Buffer.concat([encodeMessage(flowMod(71)), badFieldFlowMod(72), encodeMessage(flowMod(73)), encodeMessage(flowMod(74)),
      encodeMessage({ version: 4, xid: 75, type: 'OFPT_BARRIER_REQUEST' })]));
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 72, errType: 4, code: 6 });
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 75 });
    expect(decodedBatches).to.deep.equal([[71], [73, 74]]);
  });
});
