// Controller roles: the role table's rules (generation ids with
// wrap-around, one master) and the same across two real sessions, with
// slave restrictions answered IS_SLAVE.
import { expect } from 'chai';

import { RoleTable } from '../../../controller-agent/src/agent/roles';
import { OpenFlowError } from '../../../controller-agent/src/openflow';
import type { OfMessage } from '../../../controller-agent/src/openflow';
import { handshake, negotiatedVersion, OfPeer, startRig, type Rig } from './session-rig';

describe('agent roles: RoleTable', () => {
  it('starts EQUAL and answers NOCHANGE with the current role', () => {
    const t = new RoleTable();
    t.add('a');
    expect(t.request('a', 'OFPCR_ROLE_NOCHANGE', 99n)).to.deep.equal({ role: 'OFPCR_ROLE_EQUAL', generationId: 0n, demoted: [] });
  });

  it('refuses an older generation id with OFPRRFC_STALE, comparing with wrap-around', () => {
    const t = new RoleTable();
    t.add('a');
    t.request('a', 'OFPCR_ROLE_MASTER', 0xfffffffffffffffen);
    // 1 is newer than 2^64-2 (the difference is small and positive modulo 2^64).
    expect(t.request('a', 'OFPCR_ROLE_SLAVE', 1n).generationId).to.equal(1n);
    expect(() => t.request('a', 'OFPCR_ROLE_MASTER', 0xffffffffffffffffn)).to.throw(OpenFlowError, /OFPRRFC_STALE/);
    // An equal id is not stale; EQUAL requests do not look at the id.
    expect(t.request('a', 'OFPCR_ROLE_MASTER', 1n).role).to.equal('OFPCR_ROLE_MASTER');
    expect(t.request('a', 'OFPCR_ROLE_EQUAL', 0n)).to.deep.equal({ role: 'OFPCR_ROLE_EQUAL', generationId: 1n, demoted: [] });
  });

  it('keeps one master: a new master demotes the old one to SLAVE', () => {
    const t = new RoleTable();
    for (const id of ['a', 'b', 'c']) t.add(id);
    t.request('a', 'OFPCR_ROLE_MASTER', 1n);
    expect(t.request('b', 'OFPCR_ROLE_MASTER', 2n).demoted).to.deep.equal(['a']);
    expect([t.get('a'), t.get('b'), t.get('c')]).to.deep.equal(['OFPCR_ROLE_SLAVE', 'OFPCR_ROLE_MASTER', 'OFPCR_ROLE_EQUAL']);
    expect(t.master()).to.equal('b');
    t.remove('b');
    expect(t.master()).to.equal(undefined);
  });
});

describe('agent roles: two sessions', () => {
  let rig: Rig;
  const peers: OfPeer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) p.end();
    await rig?.close();
  });

  const role = (xid: number, r: 'OFPCR_ROLE_NOCHANGE' | 'OFPCR_ROLE_EQUAL' | 'OFPCR_ROLE_MASTER' | 'OFPCR_ROLE_SLAVE', gen: bigint): OfMessage =>
    ({ version: 4, xid, type: 'OFPT_ROLE_REQUEST', role: r, generationId: gen });

  it('elects by generation id, demotes the old master, answers stale requests and enforces IS_SLAVE', async () => {
    rig = await startRig();
    const a = await handshake(rig);
    const b = await handshake(rig);
    peers.push(a, b);
    await negotiatedVersion(rig, 2);

    a.send(role(1, 'OFPCR_ROLE_NOCHANGE', 0n));
    expect(await a.expect('OFPT_ROLE_REPLY')).to.include({ xid: 1, role: 'OFPCR_ROLE_EQUAL' });
    a.send(role(2, 'OFPCR_ROLE_MASTER', 5n));
    expect(await a.expect('OFPT_ROLE_REPLY')).to.include({ xid: 2, role: 'OFPCR_ROLE_MASTER', generationId: 5n });

    // b's id 4 is older than 5: OFPET_ROLE_REQUEST_FAILED (11) / OFPRRFC_STALE (0), request quoted.
    b.send(role(3, 'OFPCR_ROLE_MASTER', 4n));
    const stale = await b.expect('OFPT_ERROR');
    expect(stale).to.include({ xid: 3, errType: 11, code: 0 });
    expect(stale.data.length).to.equal(24);
    b.send(role(4, 'OFPCR_ROLE_NOCHANGE', 0n));
    expect(await b.expect('OFPT_ROLE_REPLY')).to.include({ role: 'OFPCR_ROLE_EQUAL' });

    b.send(role(5, 'OFPCR_ROLE_MASTER', 6n));
    expect(await b.expect('OFPT_ROLE_REPLY')).to.include({ role: 'OFPCR_ROLE_MASTER', generationId: 6n });
    a.send(role(6, 'OFPCR_ROLE_NOCHANGE', 0n));
    expect(await a.expect('OFPT_ROLE_REPLY')).to.include({ role: 'OFPCR_ROLE_SLAVE', generationId: 6n });
    expect(rig.manager.status().sessions.map((s) => s.role).sort()).to.deep.equal(['OFPCR_ROLE_MASTER', 'OFPCR_ROLE_SLAVE']);

    // The slave may read but not modify (1.3.5 section 6.3.5): OFPBRC_IS_SLAVE (1, 10), the handler never called.
    const modifications: OfMessage[] = [
      { version: 4, xid: 10, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 1, cookie: 0n, cookieMask: 0n, idleTimeout: 0, hardTimeout: 0,
        bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: [], match: [], instructions: { apply: [], clearActions: false } },
      { version: 4, xid: 11, type: 'OFPT_PACKET_OUT', bufferId: 0xffffffff, inPort: 0xfffffffd, actions: [], data: Buffer.alloc(14) },
      { version: 4, xid: 12, type: 'OFPT_PORT_MOD', portNo: 1, hwAddr: 0n, config: 0, mask: 0, advertise: 0 },
      { version: 4, xid: 13, type: 'OFPT_TABLE_MOD', tableId: 0, config: 0 },
      { version: 4, xid: 14, type: 'OFPT_GROUP_MOD', command: 'OFPGC_ADD', groupType: 'OFPGT_ALL', groupId: 1, buckets: [] },
      { version: 4, xid: 15, type: 'OFPT_METER_MOD', command: 'OFPMC_ADD', flags: 1, meterId: 1, bands: [] },
    ];
    for (const m of modifications) {
      a.send(m);
      expect(await a.expect('OFPT_ERROR')).to.include({ xid: m.xid, errType: 1, code: 10 });
    }
    a.send({ version: 4, xid: 16, type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType: 'OFPMP_DESC' }, { version: 4, xid: 17, type: 'OFPT_BARRIER_REQUEST' });
    await a.expect('OFPT_BARRIER_REPLY');
    expect(rig.handler.calls.map((c) => [c.type, c.role])).to.deep.equal([['OFPT_MULTIPART_REQUEST', 'OFPCR_ROLE_SLAVE']]);

    // The master's modifications reach the handler.
    b.send({ version: 4, xid: 20, type: 'OFPT_TABLE_MOD', tableId: 0, config: 0 }, { version: 4, xid: 21, type: 'OFPT_BARRIER_REQUEST' });
    await b.expect('OFPT_BARRIER_REPLY');
    expect(rig.handler.calls.at(-1)).to.include({ type: 'OFPT_TABLE_MOD', role: 'OFPCR_ROLE_MASTER' });

    // When the master leaves, nobody is master; the slave stays slave until it asks.
    b.end();
    await new Promise((r) => setTimeout(r, 100));
    expect(rig.manager.status().sessions.map((s) => s.role)).to.deep.equal(['OFPCR_ROLE_SLAVE']);
    a.send(role(30, 'OFPCR_ROLE_MASTER', 6n));
    expect(await a.expect('OFPT_ROLE_REPLY')).to.include({ role: 'OFPCR_ROLE_MASTER' });
  });

  it('answers a bad role number with OFPRRFC_BAD_ROLE', async () => {
    rig = await startRig();
    const a = await handshake(rig);
    peers.push(a);
    await negotiatedVersion(rig);
    a.sendRaw('04 18 0018 00000009 00000007 00000000 0000000000000001');
    expect(await a.expect('OFPT_ERROR')).to.include({ xid: 9, errType: 11, code: 2 });
  });
});
