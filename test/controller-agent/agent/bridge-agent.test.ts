// BridgeAgent against a real switch running the `openflow` logic, with
// real memif clients: what a controller relies on from the switch side.
// Flow stats echo exactly the FLOW_MOD that was installed (ONOS re-adds any
// flow whose stats differ); refused mods carry the logic's OpenFlow error;
// packet-ins come from the controller queue with buffer_id NO_BUFFER and
// the whole frame; packet-outs reach the clients; hard timeouts produce
// FLOW_REMOVED; connecting a client produces PORT_STATUS; groups and
// meters read back as installed; every reply encodes with the codec; the
// standalone fail mode forwards by NORMAL without a controller and hands
// back with the controller's flows intact.
import { expect } from 'chai';
import { Writable } from 'stream';

import { BridgeAgent } from '../../../controller-agent/src/agent/bridge-agent';
import { FALLBACK_COOKIE } from '../../../controller-agent/src/agent/fail-mode';
import type { AsyncMessage, Message, SessionView } from '../../../controller-agent/src/agent/types';
import { createLogger } from '../../../controller-agent/src/log';
import {
  decodeMessage, encodeMessage, OFP_NO_BUFFER, OFP_VERSION_1_3, OpenFlowError, splitReply,
} from '../../../controller-agent/src/openflow';
import type { FlowMod, MessageOf } from '../../../controller-agent/src/openflow';
import { fullMask, OFPP_ANY, OFPP_CONTROLLER } from '../../../ovs-compat/src';
import type { FieldMatch } from '../../../ovs-compat/src';
import { frame, mac, makeRig, receive, sendAll, BROADCAST } from '../../datapath/switch-rig';
import type { Rig } from '../../datapath/switch-rig';
import { waitFor } from '../../support/wait';

const session: SessionView = { id: 'br0#1', version: OFP_VERSION_1_3, role: 'OFPCR_ROLE_EQUAL', target: 'test', missSendLen: 128 };
const exact = (field: string, value: bigint, bits: number): FieldMatch => ({ field, value, mask: fullMask(bits) });

function flowMod(over: Partial<FlowMod>): Message {
  return {
    version: OFP_VERSION_1_3, xid: 7, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 100, cookie: 0n, cookieMask: 0n,
    idleTimeout: 0, hardTimeout: 0, bufferId: OFP_NO_BUFFER, outPort: OFPP_ANY, outGroup: 0xffffffff, flags: [], match: [],
    instructions: { apply: [], clearActions: false }, ...over,
  } as Message;
}

function multipart(body: object): Message {
  return { version: OFP_VERSION_1_3, xid: 9, type: 'OFPT_MULTIPART_REQUEST', flags: 0, ...body } as Message;
}

const ALL_FLOWS = { mpType: 'OFPMP_FLOW', filter: { table: 0xff, outPort: OFPP_ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] } };

// Every reply must be something the codec sends: encode it (split when long) and decode it back.
function wire(replies: Message[]): Message[] {
  const parts: Message[] = replies.flatMap((r): Message[] => (r.type === 'OFPT_MULTIPART_REPLY' ? splitReply(r) : [r]));
  return parts.map((r) => decodeMessage(encodeMessage({ ...r, xid: 9 } as Message)));
}

const sortMatch = (m: FieldMatch[]): FieldMatch[] => [...m].sort((a, b) => a.field.localeCompare(b.field));

describe('agent: BridgeAgent on the openflow logic', function () {
  this.timeout(30000);
  let rig: Rig;
  let agent: BridgeAgent;
  let sent: AsyncMessage[];
  let logLines: string[];

  async function setup(opts: Partial<ConstructorParameters<typeof BridgeAgent>[0]> = {}): Promise<void> {
    rig = await makeRig({ logic: 'openflow' });
    sent = [];
    logLines = [];
    const destination = new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } });
    agent = new BridgeAgent({
      bridge: 'br0', sw: rig.sw, log: createLogger({ level: 'info', destination }), failMode: 'secure', hasControllers: true, pollMs: 50, ...opts,
    });
    agent.attach({ sendAsync: (m) => sent.push(m) });
    agent.start();
  }

  afterEach(() => {
    agent?.stop();
    rig?.close();
  });

  it('a PACKET_OUT batch holding another message answers that one BAD_TYPE in its place and still sends the packet-outs', async () => {
    await setup();
    rig.sw.addMemifInterface({ id: 2, port: 2 });
    const c = await rig.connect(2);
    const po = (xid: number, n: number): Message => ({
      version: OFP_VERSION_1_3, xid, type: 'OFPT_PACKET_OUT', bufferId: OFP_NO_BUFFER, inPort: OFPP_CONTROLLER,
      actions: [{ type: 'output', port: 2 }], data: frame(mac(9), mac(8), 60, n),
    } as Message);
    const results = await agent.handlePacketOuts(session, [po(1, 1), { version: OFP_VERSION_1_3, xid: 2, type: 'OFPT_BARRIER_REQUEST' }, po(3, 3)]);
    expect(results[0]).to.deep.equal([]);
    expect(results[1]).to.be.instanceOf(OpenFlowError).with.property('errorName', 'OFPBRC_BAD_TYPE');
    expect(results[2]).to.deep.equal([]);
    expect(receive(c, 2).map((b) => b.readUInt32BE(14))).to.deep.equal([1, 3]);
  });

  it('flow stats echo the installed match, priority, cookie, flags, timeouts and instructions exactly', async () => {
    await setup();
    const mod = flowMod({
      table: 1, priority: 4242, cookie: 0xfeedface12345678n, idleTimeout: 300, hardTimeout: 600, flags: ['send_flow_rem'],
      match: [
        exact('in_port', 3n, 32), exact('eth_type', 0x800n, 16), { field: 'ipv4_dst', value: 0x0a000000n, mask: 0xff000000n },
        exact('vlan_vid', 0x1005n, 13), exact('ip_proto', 6n, 8), exact('tcp_dst', 80n, 16),
      ],
      instructions: {
        apply: [{ type: 'set_nw_ttl', ttl: 9 }, { type: 'set_field', field: 'eth_dst', value: 0x020000000009n }, { type: 'output', port: 2 }],
        clearActions: false, writeMetadata: { value: 0x5n, mask: 0xffn }, gotoTable: 4,
      },
    });
    expect(await agent.handle(session, mod)).to.deep.equal([]);
    const [reply] = wire(await agent.handle(session, multipart(ALL_FLOWS)));
    if (reply.type !== 'OFPT_MULTIPART_REPLY' || reply.mpType !== 'OFPMP_FLOW') throw new Error(`got ${reply.type}`);
    expect(reply.flows).to.have.length(1);
    const f = reply.flows[0];
    const m = mod as MessageOf<'OFPT_FLOW_MOD'>;
    expect({ ...f, durationSec: 0, durationNsec: 0, match: sortMatch(f.match) }).to.deep.equal({
      table: 1, durationSec: 0, durationNsec: 0, priority: 4242, idleTimeout: 300, hardTimeout: 600, flags: ['send_flow_rem'],
      cookie: m.cookie, packetCount: 0n, byteCount: 0n, match: sortMatch(m.match), instructions: m.instructions,
    });
  });

  it('answers a refused flow mod with the logic\'s OpenFlow error and leaves the table as it was', async () => {
    await setup();
    const a = flowMod({ priority: 10, match: [exact('in_port', 1n, 32)], instructions: { apply: [{ type: 'output', port: 2 }], clearActions: false } });
    await agent.handle(session, a);
    const overlapping = flowMod({ priority: 10, flags: ['check_overlap'], match: [exact('eth_type', 0x806n, 16)] });
    const err = await agent.handle(session, overlapping).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(OpenFlowError);
    expect((err as OpenFlowError).errorName).to.equal('OFPFMFC_OVERLAP');
    const badTable = await agent.handle(session, flowMod({ table: 200 })).then(() => undefined, (e: unknown) => e);
    expect((badTable as OpenFlowError).errorName).to.equal('OFPFMFC_BAD_TABLE_ID');
    const [reply] = await agent.handle(session, multipart(ALL_FLOWS));
    expect(reply.type === 'OFPT_MULTIPART_REPLY' && reply.mpType === 'OFPMP_FLOW' && reply.flows.map((f) => f.priority)).to.deep.equal([10]);
    // DELETE by cookie-less non-strict match empties the table.
    await agent.handle(session, flowMod({ command: 'OFPFC_DELETE', table: 0xff }));
    const [after] = await agent.handle(session, multipart(ALL_FLOWS));
    expect(after.type === 'OFPT_MULTIPART_REPLY' && after.mpType === 'OFPMP_FLOW' && after.flows).to.deep.equal([]);
  });

  // A table-miss flow's packet-ins have reason OFPR_NO_MATCH (OpenFlow 1.3.5 section 5.4).
  it('sends table misses to the controller as PACKET_IN with NO_BUFFER and the whole frame, and packet-outs reach the client', async () => {
    await setup();
    const c1 = await rig.connect(1);
    const c2 = await rig.connect(2);
    const p1 = rig.port(1).index;
    const p2 = rig.port(2).index;
    await agent.handle(session, flowMod({ priority: 0, cookie: 0xabcn, instructions: { apply: [{ type: 'controller', maxLen: 0xffff, reason: 'action' }], clearActions: false } }));
    const f = frame(mac(2), mac(1), 200, 77);
    sendAll(c1, [f]);
    const pi = await waitFor(() => sent.find((m) => m.type === 'OFPT_PACKET_IN'), { what: 'a PACKET_IN' });
    expect(pi).to.deep.include({ type: 'OFPT_PACKET_IN', bufferId: OFP_NO_BUFFER, totalLen: 200, reason: 0, tableId: 0, cookie: 0xabcn });
    if (pi.type !== 'OFPT_PACKET_IN') throw new Error('not a packet-in');
    expect(pi.match).to.deep.equal([exact('in_port', BigInt(p1), 32)]);
    expect(pi.data.equals(f)).to.equal(true);
    // The controller answers with a PACKET_OUT to port 2: the frame arrives there byte-exact.
    await agent.handle(session, { version: OFP_VERSION_1_3, xid: 3, type: 'OFPT_PACKET_OUT', bufferId: OFP_NO_BUFFER, inPort: p1, actions: [{ type: 'output', port: p2 }], data: pi.data });
    const got = receive(c2, 1);
    expect(got).to.have.length(1);
    expect(got[0].equals(f)).to.equal(true);
    // A packet-out to CONTROLLER comes back as a PACKET_IN of reason action; unbuffered, it
    // carries the whole packet whatever max_len says (action_exec.cc's documented choice).
    sent.length = 0;
    await agent.handle(session, { version: OFP_VERSION_1_3, xid: 4, type: 'OFPT_PACKET_OUT', bufferId: OFP_NO_BUFFER, inPort: p1, actions: [{ type: 'controller', maxLen: 64, reason: 'action' }], data: f });
    const back = sent.find((m) => m.type === 'OFPT_PACKET_IN');
    expect(back && back.type === 'OFPT_PACKET_IN' && { reason: back.reason, totalLen: back.totalLen, data: back.data.toString('hex'), match: back.match })
      .to.deep.equal({ reason: 1, totalLen: 200, data: f.toString('hex'), match: [exact('in_port', BigInt(p1), 32)] });
    // From the controller's own port, to FLOOD: every port but none excluded gets it.
    await agent.handle(session, { version: OFP_VERSION_1_3, xid: 6, type: 'OFPT_PACKET_OUT', bufferId: OFP_NO_BUFFER, inPort: OFPP_CONTROLLER, actions: [{ type: 'output', port: 0xfffffffb }], data: f });
    expect(receive(c1, 1).map((x) => x.equals(f))).to.deep.equal([true]);
    expect(receive(c2, 1).map((x) => x.equals(f))).to.deep.equal([true]);
    // A buffered packet-out is refused: we buffer nothing.
    const err = await agent.handle(session, { version: OFP_VERSION_1_3, xid: 5, type: 'OFPT_PACKET_OUT', bufferId: 12, inPort: p1, actions: [], data: f })
      .then(() => undefined, (e: unknown) => e);
    expect((err as OpenFlowError).errorName).to.equal('OFPBRC_BUFFER_UNKNOWN');
  });

  it('sends FLOW_REMOVED when a send_flow_rem flow times out, and PORT_STATUS when a port comes up', async () => {
    await setup();
    await agent.handle(session, flowMod({ priority: 5, cookie: 0x77n, hardTimeout: 1, flags: ['send_flow_rem'], match: [exact('eth_type', 0x806n, 16)] }));
    const removed = await waitFor(() => sent.find((m) => m.type === 'OFPT_FLOW_REMOVED'), { what: 'FLOW_REMOVED', timeoutMs: 5000 });
    expect(removed).to.deep.include({ type: 'OFPT_FLOW_REMOVED', cookie: 0x77n, priority: 5, reason: 1, tableId: 0, hardTimeout: 1, idleTimeout: 0 });
    expect(removed.type === 'OFPT_FLOW_REMOVED' && removed.match).to.deep.equal([exact('eth_type', 0x806n, 16)]);
    await rig.connect(4);
    const port = rig.port(4).index;
    const status = await waitFor(() => sent.find((m) => m.type === 'OFPT_PORT_STATUS' && m.port.portNo === port && m.port.state === 4),
      { what: 'PORT_STATUS for the new port, live' });
    expect(status.type === 'OFPT_PORT_STATUS' && status.port.name).to.equal(rig.port(4).name);
    expect(agent.portDescs().map((p) => p.portNo)).to.include(port);
  });

  it('reads groups and meters back as they were installed', async () => {
    await setup();
    await agent.handle(session, {
      version: OFP_VERSION_1_3, xid: 1, type: 'OFPT_GROUP_MOD', command: 'OFPGC_ADD', groupType: 'OFPGT_SELECT', groupId: 7,
      buckets: [{ weight: 3, watchPort: OFPP_ANY, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 1 }] },
        { weight: 1, watchPort: 2, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 2 }] }],
    });
    await agent.handle(session, {
      version: OFP_VERSION_1_3, xid: 2, type: 'OFPT_METER_MOD', command: 'OFPMC_ADD', flags: 1 | 4 | 8, meterId: 3,
      bands: [{ type: 'OFPMBT_DROP', rate: 1000, burstSize: 100 }],
    });
    await agent.handle(session, flowMod({ priority: 1, instructions: { meter: 3, apply: [{ type: 'group', group: 7 }], clearActions: false } }));
    const [groups] = wire(await agent.handle(session, multipart({ mpType: 'OFPMP_GROUP_DESC' })));
    expect(groups.type === 'OFPT_MULTIPART_REPLY' && groups.mpType === 'OFPMP_GROUP_DESC' && groups.groups).to.deep.equal([{
      groupType: 'OFPGT_SELECT', groupId: 7,
      buckets: [{ weight: 3, watchPort: OFPP_ANY, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 1 }] },
        { weight: 1, watchPort: 2, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 2 }] }],
    }]);
    const [gstats] = await agent.handle(session, multipart({ mpType: 'OFPMP_GROUP', groupId: 0xfffffffc }));
    expect(gstats.type === 'OFPT_MULTIPART_REPLY' && gstats.mpType === 'OFPMP_GROUP' && gstats.groups.map((g) => g.refCount)).to.deep.equal([1]);
    const [meters] = wire(await agent.handle(session, multipart({ mpType: 'OFPMP_METER_CONFIG', meterId: 0xffffffff })));
    expect(meters.type === 'OFPT_MULTIPART_REPLY' && meters.mpType === 'OFPMP_METER_CONFIG' && meters.meters).to.deep.equal([
      { flags: 1 | 4 | 8, meterId: 3, bands: [{ type: 'OFPMBT_DROP', rate: 1000, burstSize: 100 }] },
    ]);
    const [mstats] = await agent.handle(session, multipart({ mpType: 'OFPMP_METER', meterId: 3 }));
    expect(mstats.type === 'OFPT_MULTIPART_REPLY' && mstats.mpType === 'OFPMP_METER' && mstats.meters.map((m) => m.flowCount)).to.deep.equal([1]);
    const unknown = await agent.handle(session, multipart({ mpType: 'OFPMP_METER', meterId: 99 })).then(() => undefined, (e: unknown) => e);
    expect((unknown as OpenFlowError).errorName).to.equal('OFPMMFC_UNKNOWN_METER');
  });

  it('reports every table in TABLE_FEATURES and TABLE stats, encodable in REPLY_MORE parts', async () => {
    await setup();
    const n = agent.features().nTables;
    expect(n).to.equal(64);
    const parts = wire(await agent.handle(session, multipart({ mpType: 'OFPMP_TABLE_FEATURES', tables: [] })));
    const tables = parts.flatMap((p) => (p.type === 'OFPT_MULTIPART_REPLY' && p.mpType === 'OFPMP_TABLE_FEATURES' ? p.tables : []));
    expect(tables.map((t) => t.tableId)).to.deep.equal(Array.from({ length: n }, (_, i) => i));
    expect(parts.length).to.be.greaterThan(1);
    const [stats] = await agent.handle(session, multipart({ mpType: 'OFPMP_TABLE' }));
    expect(stats.type === 'OFPT_MULTIPART_REPLY' && stats.mpType === 'OFPMP_TABLE' && stats.tables.length).to.equal(n);
  });

  it('standalone: forwards as a learning switch after the window without a controller, hands back with flows intact', async () => {
    await setup({ failMode: 'standalone', failWindowMs: 300 });
    const c1 = await rig.connect(1);
    const c2 = await rig.connect(2);
    // The controller's flow: drop everything from port 1.
    await agent.handle(session, flowMod({ priority: 50, match: [exact('in_port', BigInt(rig.port(1).index), 32)] }));
    await waitFor(() => agent.inFallback(), { what: 'the standalone fallback', timeoutMs: 3000 });
    sendAll(c1, [frame(BROADCAST, mac(1), 100, 1)]);
    expect(receive(c2, 1)).to.have.length(1);
    const [during] = await agent.handle(session, multipart(ALL_FLOWS));
    expect(during.type === 'OFPT_MULTIPART_REPLY' && during.mpType === 'OFPMP_FLOW' && during.flows.map((f) => f.cookie)).to.deep.equal([FALLBACK_COOKIE, 0n]);
    agent.sessionsChanged(1);
    expect(agent.inFallback()).to.equal(false);
    const [after] = await agent.handle(session, multipart(ALL_FLOWS));
    expect(after.type === 'OFPT_MULTIPART_REPLY' && after.mpType === 'OFPMP_FLOW' && after.flows.map((f) => f.priority)).to.deep.equal([50]);
    sendAll(c1, [frame(BROADCAST, mac(1), 100, 2)]);
    expect(receive(c2, 1, 300)).to.have.length(0);
    expect(logLines.some((l) => l.includes('"event":"fail-standalone"'))).to.equal(true);
  });

  it('secure: never installs a fallback, whatever the time without a controller', async () => {
    await setup({ failMode: 'secure', failWindowMs: 100 });
    await new Promise((r) => setTimeout(r, 400));
    expect(agent.inFallback()).to.equal(false);
    const [flows] = await agent.handle(session, multipart(ALL_FLOWS));
    expect(flows.type === 'OFPT_MULTIPART_REPLY' && flows.mpType === 'OFPMP_FLOW' && flows.flows).to.deep.equal([]);
  });
});
