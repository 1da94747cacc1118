// OpenFlow sessions over real TCP on 127.0.0.1: our HELLO, version
// negotiation, connection-level errors, echo keepalive, barrier ordering,
// async filters, miss_send_len and packet-in rate limiting.
import { expect } from 'chai';

import { OpenFlowError } from '../../../controller-agent/src/openflow';
import type { OfMessage } from '../../../controller-agent/src/openflow';
import { PacketInLimiter } from '../../../controller-agent/src/agent/rate-limit';
import type { AsyncMessage, BridgeHandler } from '../../../controller-agent/src/agent/types';
import { FakeHandler, handshake, negotiatedVersion, OfPeer, startRig, TEST_PORTS, type Rig } from './session-rig';
import { waitFor } from '../../support/wait';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const packetIn = (reason: number, len = 60): AsyncMessage => ({
  type: 'OFPT_PACKET_IN', bufferId: 0xffffffff, totalLen: len, reason, tableId: 0, cookie: 0n,
  match: [{ field: 'in_port', value: 1n, mask: 0xffffffffn }], data: Buffer.alloc(len, 0xab),
});
const portStatus = (reason: number): AsyncMessage => ({ type: 'OFPT_PORT_STATUS', reason, port: TEST_PORTS[0] });

describe('agent session: HELLO and version negotiation', () => {
  let rig: Rig;
  const peers: OfPeer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) p.end();
    await rig?.close();
  });

  it('sends its HELLO first: version 1.3 with a bitmap of 1.0 and 1.3', async () => {
    rig = await startRig();
    const peer = await OfPeer.connect({ host: '127.0.0.1', port: rig.port });
    peers.push(peer);
    expect((await peer.nextRaw()).toString('hex')).to.equal('0400001000000000000100080000001' + '2');
  });

  it('sends a 1.0 HELLO without a bitmap when it speaks only 1.0', async () => {
    rig = await startRig({ protocols: [0x01] });
    const peer = await OfPeer.connect({ host: '127.0.0.1', port: rig.port });
    peers.push(peer);
    expect((await peer.nextRaw()).toString('hex')).to.equal('0100000800000000');
  });

  // [peer HELLO bytes, what it means, version expected]
  const table: [string, string, number][] = [
    ['04 00 0010 00000001 0001 0008 00000012', '1.3 with bitmap {1.0, 1.3}', 0x04],
    ['06 00 0008 00000001', '1.5 without bitmap (os-ken with ofctl_rest)', 0x04],
    ['05 00 0008 00000001', '1.4 without bitmap', 0x04],
    ['04 00 0008 00000001', '1.3 without bitmap', 0x04],
    ['01 00 0008 00000001', '1.0 without bitmap', 0x01],
    ['03 00 0008 00000001', '1.2 without bitmap: 1.0 is the highest both speak', 0x01],
    ['06 00 0010 00000001 0001 0008 00000002', '1.5 header, bitmap {1.0} only', 0x01],
    ['06 00 0010 00000001 0001 0008 00000052', '1.5 header, bitmap {1.0, 1.3, 1.5}', 0x04],
    ['04 00 0018 00000001 0002 0008 00000000 0001 0008 00000010', 'unknown element before the bitmap {1.3}', 0x04],
  ];
  for (const [bytes, what, version] of table) {
    it(`negotiates ${version === 4 ? '1.3' : '1.0'} from a HELLO of ${what}`, async () => {
      rig = await startRig();
      const peer = await handshake(rig, bytes);
      peers.push(peer);
      expect(await negotiatedVersion(rig)).to.deep.equal([version]);
      peer.send({ version, xid: 77, type: 'OFPT_ECHO_REQUEST', data: Buffer.from('hi') });
      const reply = await peer.expect('OFPT_ECHO_REPLY');
      expect(reply).to.include({ version, xid: 77 });
      expect(reply.data.toString()).to.equal('hi');
      expect(rig.records.some((r) => r.event === 'openflow_negotiated' && r.version === version)).to.equal(true);
    });
  }

  const failing: [string, string, number[], number][] = [
    ['06 00 0010 00000001 0001 0008 00000060', 'bitmap {1.4, 1.5}', [1, 4], 0x04],
    ['04 00 0010 00000001 0001 0008 00000010', 'bitmap {1.3} to a 1.0-only switch', [1], 0x01],
    ['01 00 0008 00000001', '1.0 without bitmap to a 1.3-only switch', [4], 0x04],
  ];
  for (const [bytes, what, protocols, errVersion] of failing) {
    it(`answers HELLO_FAILED/INCOMPATIBLE and closes for ${what}`, async () => {
      rig = await startRig({ protocols });
      const peer = await handshake(rig, bytes);
      peers.push(peer);
      const raw = await peer.nextRaw();
      // ofp_error_msg: header, type 0 (OFPET_HELLO_FAILED), code 0 (OFPHFC_INCOMPATIBLE), ASCII text.
      expect(raw[0]).to.equal(errVersion);
      expect(raw[1]).to.equal(1);
      expect(raw.readUInt16BE(8)).to.equal(0);
      expect(raw.readUInt16BE(10)).to.equal(0);
      expect(raw.subarray(12).toString('ascii')).to.match(/no common OpenFlow version/);
      await peer.waitClosed();
      expect(rig.manager.status().sessions).to.have.length(0);
      expect(rig.records.some((r) => r.event === 'openflow_disconnect' && /HELLO failed: no common/.test(String(r.reason)))).to.equal(true);
      expect(rig.handler.connectedCounts).to.deep.equal([]);
    });
  }

  it('answers HELLO_FAILED/EPERM and closes when the first message is not a HELLO', async () => {
    rig = await startRig();
    const peer = await handshake(rig, '04 05 0008 00000003');
    peers.push(peer);
    const err = await peer.expect('OFPT_ERROR');
    expect(err).to.include({ errType: 0, code: 1 });
    await peer.waitClosed();
  });
});

describe('agent session: errors and the connection', () => {
  let rig: Rig;
  let peer: OfPeer | undefined;
  afterEach(async () => {
    peer?.end();
    await rig?.close();
  });

  it('closes on a header whose length is below 8, logging why', async () => {
    rig = await startRig();
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    peer.sendRaw('04 02 0004 00000005');
    await peer.waitClosed();
    const rec = rig.records.find((r) => r.event === 'openflow_disconnect');
    expect(String(rec?.reason)).to.match(/framing: OpenFlow header length 4 < 8/);
    expect(rig.handler.connectedCounts).to.deep.equal([1, 0]);
  });

  it('answers garbage with OFPT_ERROR (xid, first 64 bytes) and keeps working', async () => {
    rig = await startRig();
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    // An unknown message type 0x63 of 100 bytes.
    const garbage = Buffer.concat([hex('04 63 0064 0000beef'), Buffer.alloc(92, 0x5a)]);
    peer.sendRaw(garbage);
    const err = await peer.expect('OFPT_ERROR');
    expect(err).to.include({ version: 4, xid: 0xbeef, errType: 1, code: 1 }); // OFPBRC_BAD_TYPE
    expect(err.data.equals(garbage.subarray(0, 64))).to.equal(true);
    // A truncated FEATURES_REQUEST body: header says 12, a request has no body -> BAD_LEN.
    peer.sendRaw('04 05 000c 00000010 00000000');
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 0x10, errType: 1, code: 6 });
    // A 1.0 message on a 1.3 session -> BAD_VERSION.
    peer.sendRaw('01 02 0008 00000011');
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 0x11, errType: 1, code: 0 });
    // A message only switches send -> BAD_TYPE; the handler never sees it.
    peer.send({ version: 4, xid: 0x12, type: 'OFPT_BARRIER_REPLY' });
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 0x12, errType: 1, code: 1 });
    // Still usable.
    peer.send({ version: 4, xid: 0x13, type: 'OFPT_FEATURES_REQUEST' });
    const f = await peer.expect('OFPT_FEATURES_REPLY');
    expect(f).to.include({ xid: 0x13, datapathId: 0xabn, nTables: 254, capabilities: 0x4f });
    expect(rig.handler.calls).to.deep.equal([]);
  });

  it('answers a 1.0 FEATURES_REQUEST with the ports and the 1.0 capability bits', async () => {
    rig = await startRig();
    peer = await handshake(rig, '01 00 0008 00000001');
    await negotiatedVersion(rig);
    peer.send({ version: 1, xid: 3, type: 'OFPT_FEATURES_REQUEST' });
    const f = await peer.expect('OFPT_FEATURES_REPLY');
    expect(f.capabilities).to.equal(0x4f & 0x67);
    expect(f.actions10).to.equal(0x7ff);
    expect(f.ports10?.map((p) => p.name)).to.deep.equal(['p1', 'p2']);
  });

  it('turns a handler OpenFlowError into OFPT_ERROR with the request xid and bytes; other throws into EPERM', async () => {
    rig = await startRig();
    rig.handler.answer = (_s, m) => {
      if (m.type === 'OFPT_TABLE_MOD') throw new OpenFlowError('OFPTMFC_BAD_TABLE', 'no table 9');
      if (m.type === 'OFPT_PORT_MOD') throw new Error('boom');
      return [];
    };
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    const tableMod: OfMessage = { version: 4, xid: 21, type: 'OFPT_TABLE_MOD', tableId: 9, config: 0 };
    peer.send(tableMod);
    const e1 = await peer.expect('OFPT_ERROR');
    expect(e1).to.include({ xid: 21, errType: 8, code: 0 });
    expect(e1.data.toString('hex')).to.equal('0411001000000015' + '0900000000000000'.slice(0, 16));
    peer.send({ version: 4, xid: 22, type: 'OFPT_PORT_MOD', portNo: 1, hwAddr: 0n, config: 0, mask: 0, advertise: 0 });
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 22, errType: 1, code: 5 });
    expect(rig.records.some((r) => r.level === 50 && /bridge handler failed on OFPT_PORT_MOD/.test(r.msg))).to.equal(true);
  });

  it('sends an echo request when idle and closes when none is answered, logging the reason', async function () {
    this.timeout(5000);
    rig = await startRig({ inactivityProbeMs: 150 });
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    const t0 = performance.now();
    const echo = await peer.expect('OFPT_ECHO_REQUEST', 1000);
    expect(performance.now() - t0).to.be.within(100, 600);
    await peer.waitClosed(1500);
    const rec = rig.records.find((r) => r.event === 'openflow_disconnect');
    expect(String(rec?.reason)).to.match(new RegExp(`inactivity probe: no message for \\d+ ms, echo request ${echo.xid} unanswered`));
  });

  it('stays up when echo requests are answered, and reports the round trip', async function () {
    this.timeout(5000);
    rig = await startRig({ inactivityProbeMs: 100 });
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    for (let i = 0; i < 4; i++) {
      const echo = await peer.expect('OFPT_ECHO_REQUEST', 1000);
      peer.send({ version: 4, xid: echo.xid, type: 'OFPT_ECHO_REPLY', data: echo.data });
    }
    expect(peer.closed).to.equal(false);
    const s = rig.manager.status().sessions[0];
    expect(s.connected).to.equal(true);
    expect(s.echoRttMs).to.be.a('number').and.to.be.below(100);
  });

  it('closes a connection that never sends its HELLO', async function () {
    rig = await startRig({ inactivityProbeMs: 100 });
    peer = await OfPeer.connect({ host: '127.0.0.1', port: rig.port });
    await peer.waitClosed(1500);
    expect(rig.records.some((r) => r.event === 'openflow_disconnect' && /no HELLO within 100 ms/.test(String(r.reason)))).to.equal(true);
  });
});

describe('agent session: ordering and barrier', () => {
  let rig: Rig;
  let peer: OfPeer | undefined;
  afterEach(async () => {
    peer?.end();
    await rig?.close();
  });

  it('handles messages one at a time in order; BARRIER_REPLY comes after every earlier reply and error', async () => {
    rig = await startRig();
    const finished: number[] = [];
    let n = 0;
    rig.handler.answer = async (_s, m) => {
      const i = n++;
      // Earlier messages take longer: a handler run in parallel would finish them out of order.
      await new Promise((r) => setTimeout(r, 60 - 15 * i));
      finished.push(i);
      if (i === 1) throw new OpenFlowError('OFPFMFC_OVERLAP', 'overlapping flow');
      if (m.type === 'OFPT_MULTIPART_REQUEST') {
        return [{ version: 4, xid: 0, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_DESC', desc: { mfrDesc: 'm', hwDesc: 'h', swDesc: 's', serialNum: 'n', dpDesc: 'd' } }];
      }
      return [];
    };
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    const flowMod = (xid: number): OfMessage => ({
      version: 4, xid, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 1, cookie: 0n, cookieMask: 0n, idleTimeout: 0,
      hardTimeout: 0, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: [], match: [], instructions: { apply: [], clearActions: false },
    });
    // Three flow mods sharing xid 7, a DESC request, then a barrier: all in one write.
    peer.send(flowMod(7), flowMod(7), flowMod(7), { version: 4, xid: 8, type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType: 'OFPMP_DESC' },
      { version: 4, xid: 9, type: 'OFPT_BARRIER_REQUEST' });
    const err = await peer.expect('OFPT_ERROR');
    expect(err).to.include({ xid: 7, errType: 5, code: 3 });
    expect(await peer.expect('OFPT_MULTIPART_REPLY')).to.include({ xid: 8, mpType: 'OFPMP_DESC' });
    const barrierAt = performance.now();
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 9 });
    expect(finished).to.deep.equal([0, 1, 2, 3]);
    expect(rig.handler.calls.map((c) => [c.type, c.xid])).to.deep.equal([
      ['OFPT_FLOW_MOD', 7], ['OFPT_FLOW_MOD', 7], ['OFPT_FLOW_MOD', 7], ['OFPT_MULTIPART_REQUEST', 8],
    ]);
    expect(rig.handler.calls.every((c) => c.at < barrierAt)).to.equal(true);
  });

  it('a barrier written alone while an earlier message is still being handled waits for it; on an idle session it is answered at once', async () => {
    rig = await startRig();
    let finishedAt = 0;
    rig.handler.answer = async (_s, m) => {
      if (m.type === 'OFPT_MULTIPART_REQUEST') {
        await new Promise((r) => setTimeout(r, 80));
        finishedAt = performance.now();
        return [{ version: 4, xid: 0, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_DESC', desc: { mfrDesc: 'm', hwDesc: 'h', swDesc: 's', serialNum: 'n', dpDesc: 'd' } }];
      }
      return [];
    };
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    peer.send({ version: 4, xid: 30, type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType: 'OFPMP_DESC' });
    await waitFor(() => rig!.handler.calls.length === 1, { what: 'the DESC request at the handler', timeoutMs: 2000, intervalMs: 2 });
    // The queue is empty now, but the DESC request is still being handled.
    peer.send({ version: 4, xid: 31, type: 'OFPT_BARRIER_REQUEST' });
    const first = await peer.next();
    expect(first).to.include({ type: 'OFPT_MULTIPART_REPLY', xid: 30 });
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 31 });
    expect(finishedAt).to.be.greaterThan(0);
    // Idle: the reply comes without the handler or anything else in between.
    peer.send({ version: 4, xid: 32, type: 'OFPT_BARRIER_REQUEST' });
    expect(await peer.next()).to.include({ type: 'OFPT_BARRIER_REPLY', xid: 32 });
    expect(rig.handler.calls.map((c) => c.type)).to.deep.equal(['OFPT_MULTIPART_REQUEST']);
  });

  it('hands FLOW_MODs queued back to back to handleFlowMods at once, answering each in its place before the barrier', async () => {
    rig = await startRig();
    const batches: number[][] = [];
    const handler = rig.handler as FakeHandler & { handleFlowMods?: BridgeHandler['handleFlowMods'] };
    handler.handleFlowMods = async (_s, msgs) => {
      batches.push(msgs.map((m) => m.xid));
      await new Promise((r) => setTimeout(r, 20));
      return msgs.map((m) => (m.xid === 12 ? new OpenFlowError('OFPFMFC_OVERLAP', 'overlapping flow') : []));
    };
    rig.handler.answer = (_s, m) => (m.type === 'OFPT_MULTIPART_REQUEST'
      ? [{ version: 4, xid: 0, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_DESC', desc: { mfrDesc: 'm', hwDesc: 'h', swDesc: 's', serialNum: 'n', dpDesc: 'd' } }]
      : []);
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    const flowMod = (xid: number): OfMessage => ({
      version: 4, xid, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 1, cookie: 0n, cookieMask: 0n, idleTimeout: 0,
      hardTimeout: 0, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: [], match: [], instructions: { apply: [], clearActions: false },
    });
    // Three flow mods, a DESC request, two more flow mods and a barrier, in one write.
    peer.send(flowMod(11), flowMod(12), flowMod(13), { version: 4, xid: 14, type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType: 'OFPMP_DESC' },
      flowMod(15), flowMod(16), { version: 4, xid: 17, type: 'OFPT_BARRIER_REQUEST' });
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 12, errType: 5, code: 3 });
    expect(await peer.expect('OFPT_MULTIPART_REPLY')).to.include({ xid: 14 });
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 17 });
    // In order, never across the DESC request, and the flow mods of one
    // chunk (one small write on loopback arrives as one) go together: the
    // session starts draining once the whole chunk is queued, not on its
    // first message alone.
    expect(batches).to.deep.equal([[11, 12, 13], [15, 16]]);
    expect(rig.handler.calls.map((c) => c.type)).to.deep.equal(['OFPT_MULTIPART_REQUEST']);
  });

  it('splits a long multipart reply into REPLY_MORE parts with the request xid', async () => {
    rig = await startRig();
    const ports = Array.from({ length: 2000 }, (_, i) => ({ ...TEST_PORTS[0], portNo: i + 1, name: `p${i + 1}` }));
    rig.handler.answer = () => [{ version: 4, xid: 0, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_PORT_DESC', ports }];
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    peer.send({ version: 4, xid: 31, type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType: 'OFPMP_PORT_DESC' });
    const got: number[] = [];
    for (;;) {
      const m = await peer.expect('OFPT_MULTIPART_REPLY');
      expect(m.xid).to.equal(31);
      if (m.mpType === 'OFPMP_PORT_DESC') got.push(...m.ports.map((p) => p.portNo));
      if ((m.flags & 1) === 0) break;
    }
    expect(got).to.deep.equal(ports.map((p) => p.portNo));
  });

  it('keeps miss_send_len per session from SET_CONFIG and cuts packet-ins to it when asked', async () => {
    rig = await startRig();
    let seen = -1;
    rig.handler.answer = (s, m) => {
      if (m.type === 'OFPT_GET_CONFIG_REQUEST') return [{ version: 4, xid: 0, type: 'OFPT_GET_CONFIG_REPLY', flags: 0, missSendLen: s.missSendLen }];
      if (m.type === 'OFPT_SET_CONFIG') seen = s.missSendLen;
      return [];
    };
    peer = await handshake(rig);
    await negotiatedVersion(rig);
    peer.send({ version: 4, xid: 1, type: 'OFPT_GET_CONFIG_REQUEST' });
    expect(await peer.expect('OFPT_GET_CONFIG_REPLY')).to.include({ missSendLen: 128 });
    peer.send({ version: 4, xid: 2, type: 'OFPT_SET_CONFIG', flags: 0, missSendLen: 64 }, { version: 4, xid: 3, type: 'OFPT_GET_CONFIG_REQUEST' });
    expect(await peer.expect('OFPT_GET_CONFIG_REPLY')).to.include({ xid: 3, missSendLen: 64 });
    expect(seen).to.equal(64);
    rig.manager.sendAsync(packetIn(0, 200), { missSendLen: true });
    const pi = await peer.expect('OFPT_PACKET_IN');
    expect(pi.totalLen).to.equal(200);
    expect(pi.data.length).to.equal(64);
    rig.manager.sendAsync(packetIn(0, 200));
    expect((await peer.expect('OFPT_PACKET_IN')).data.length).to.equal(200);
  });
});

describe('agent session: async messages', () => {
  let rig: Rig;
  const peers: OfPeer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) p.end();
    await rig?.close();
  });

  it('a service connection (the mgmt socket) starts at miss_send_len 0 and gets no async message until it sets a nonzero one, as Open vSwitch', async () => {
    rig = await startRig();
    rig.handler.answer = (s, m) => (m.type === 'OFPT_GET_CONFIG_REQUEST'
      ? [{ version: 4, xid: 0, type: 'OFPT_GET_CONFIG_REPLY', flags: 0, missSendLen: s.missSendLen }] : []);
    const controller = await handshake(rig);
    const mgmt = await OfPeer.connect({ path: rig.manager.mgmtPath });
    await mgmt.expect('OFPT_HELLO');
    mgmt.send({ version: 4, xid: 1, type: 'OFPT_HELLO', versions: [4] });
    peers.push(controller, mgmt);
    await negotiatedVersion(rig, 2);
    mgmt.send({ version: 4, xid: 2, type: 'OFPT_GET_CONFIG_REQUEST' });
    expect(await mgmt.expect('OFPT_GET_CONFIG_REPLY')).to.include({ xid: 2, missSendLen: 0 });
    rig.manager.sendAsync(packetIn(0));
    rig.manager.sendAsync(portStatus(2));
    expect(await controller.expect('OFPT_PACKET_IN')).to.include({ reason: 0 });
    expect(await controller.expect('OFPT_PORT_STATUS')).to.include({ reason: 2 });
    expect(await mgmt.quiet(100)).to.equal(undefined);
    // `ovs-ofctl monitor br0 65534` asks for them with SET_CONFIG.
    mgmt.send({ version: 4, xid: 3, type: 'OFPT_SET_CONFIG', flags: 0, missSendLen: 65534 }, { version: 4, xid: 4, type: 'OFPT_BARRIER_REQUEST' });
    await mgmt.expect('OFPT_BARRIER_REPLY');
    rig.manager.sendAsync(packetIn(0));
    rig.manager.sendAsync(portStatus(2));
    expect(await mgmt.expect('OFPT_PACKET_IN')).to.include({ reason: 0 });
    expect(await mgmt.expect('OFPT_PORT_STATUS')).to.include({ reason: 2 });
  });

  it('filters by role and async config: 1.3 defaults, SET_ASYNC, GET_ASYNC; 1.0 gets everything', async () => {
    rig = await startRig();
    const master = await handshake(rig);
    const slave = await handshake(rig);
    const of10 = await handshake(rig, '01 00 0008 00000001');
    peers.push(master, slave, of10);
    await negotiatedVersion(rig, 3);
    master.send({ version: 4, xid: 1, type: 'OFPT_ROLE_REQUEST', role: 'OFPCR_ROLE_MASTER', generationId: 1n });
    await master.expect('OFPT_ROLE_REPLY');
    slave.send({ version: 4, xid: 1, type: 'OFPT_ROLE_REQUEST', role: 'OFPCR_ROLE_SLAVE', generationId: 1n });
    await slave.expect('OFPT_ROLE_REPLY');
    slave.send({ version: 4, xid: 2, type: 'OFPT_GET_ASYNC_REQUEST' });
    expect(await slave.expect('OFPT_GET_ASYNC_REPLY')).to.deep.include({ packetInMask: [3, 0], portStatusMask: [7, 7], flowRemovedMask: [15, 0] });

    rig.manager.sendAsync(packetIn(0)); // NO_MATCH
    rig.manager.sendAsync(packetIn(2)); // INVALID_TTL: off by default
    rig.manager.sendAsync(portStatus(2));
    expect(await master.expect('OFPT_PACKET_IN')).to.include({ reason: 0, xid: 0 });
    expect(await master.expect('OFPT_PORT_STATUS')).to.include({ reason: 2 });
    expect(await slave.expect('OFPT_PORT_STATUS')).to.include({ reason: 2 });
    expect((await of10.expect('OFPT_PACKET_IN')).version).to.equal(1);
    expect(await of10.expect('OFPT_PACKET_IN')).to.include({ reason: 2 });
    expect(await of10.expect('OFPT_PORT_STATUS')).to.include({ version: 1 });
    expect(await master.quiet(100)).to.equal(undefined);
    expect(await slave.quiet(1)).to.equal(undefined);

    // The slave asks for table misses; the master turns port status off.
    slave.send({ version: 4, xid: 3, type: 'OFPT_SET_ASYNC', packetInMask: [3, 1], portStatusMask: [7, 7], flowRemovedMask: [15, 0] },
      { version: 4, xid: 4, type: 'OFPT_GET_ASYNC_REQUEST' });
    expect(await slave.expect('OFPT_GET_ASYNC_REPLY')).to.deep.include({ packetInMask: [3, 1] });
    master.send({ version: 4, xid: 5, type: 'OFPT_SET_ASYNC', packetInMask: [3, 0], portStatusMask: [0, 7], flowRemovedMask: [15, 0] },
      { version: 4, xid: 6, type: 'OFPT_BARRIER_REQUEST' });
    await master.expect('OFPT_BARRIER_REPLY');
    rig.manager.sendAsync(packetIn(0));
    rig.manager.sendAsync(portStatus(0));
    expect(await slave.expect('OFPT_PACKET_IN')).to.include({ reason: 0 });
    expect(await slave.expect('OFPT_PORT_STATUS')).to.include({ reason: 0 });
    expect(await master.expect('OFPT_PACKET_IN')).to.include({ reason: 0 });
    expect(await master.quiet(100)).to.equal(undefined);
  });

  it('rate-limits packet-ins per session and counts the drops', async () => {
    rig = await startRig({ packetInRate: 10 });
    const a = await handshake(rig);
    const b = await handshake(rig);
    peers.push(a, b);
    await negotiatedVersion(rig, 2);
    for (let i = 0; i < 50; i++) rig.manager.sendAsync(packetIn(1));
    for (const p of [a, b]) {
      for (let i = 0; i < 10; i++) await p.expect('OFPT_PACKET_IN');
      expect(await p.quiet(50)).to.equal(undefined);
    }
    for (const s of rig.manager.status().sessions) expect(s).to.include({ packetInSent: 10, packetInDropped: 40 });
    // The bucket refills at 10/s: after 250 ms two more go out.
    await new Promise((r) => setTimeout(r, 250));
    for (let i = 0; i < 5; i++) rig.manager.sendAsync(packetIn(1));
    const counts = rig.manager.status().sessions.map((s) => s.packetInSent);
    expect(counts.every((c) => c >= 12 && c <= 13)).to.equal(true, `sent ${counts}`);
  });
});

describe('agent session: PacketInLimiter', () => {
  it('allows a burst, refills at the rate, counts sent and dropped; 0 is unlimited', () => {
    let now = 0;
    const l = new PacketInLimiter(100, 5, () => now);
    const take = (n: number): number => Array.from({ length: n }, () => l.take()).filter(Boolean).length;
    expect(take(8)).to.equal(5);
    now += 20; // 2 tokens at 100/s
    expect(take(5)).to.equal(2);
    now += 10_000; // refill is capped at the burst
    expect(take(10)).to.equal(5);
    expect({ sent: l.sent, dropped: l.dropped }).to.deep.equal({ sent: 12, dropped: 11 });
    const free = new PacketInLimiter(0);
    expect(Array.from({ length: 1000 }, () => free.take()).every(Boolean)).to.equal(true);
    expect(() => new PacketInLimiter(-1)).to.throw(/packet-in rate -1/);
  });
});
