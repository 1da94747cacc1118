// The REST flows resource against the real daemon and the real `openflow`
// logic: flows added as ovs-ofctl strings and as JSON come back from GET
// with their counters and in ovs-ofctl dump-flows text; each refused flow
// mod carries its OpenFlow error while the others apply; modify, delete
// and the dump-flows filters select what ovs-ofctl's would; and flows
// added through the API steer memif traffic, counted exactly.
import { expect } from 'chai';
import { join } from 'path';

import { MemifClient } from '../../../controller-agent/src/datapath';
import type { NativeMemifClient } from '../../../controller-agent/src/datapath';
import { drain, frame, mac, receive, sendAll } from '../../datapath/switch-rig';
import { waitForAsync } from '../../support/wait';
import { makeApiRig, TOKEN, viaHttp, viaInject } from './api-rig';
import type { Answer, ApiRig, Transport } from './api-rig';

// ovs-ofctl's dump-flows line (OVS ofputil_flow_stats_format()).
const DUMP_LINE = /^ cookie=0x[0-9a-f]+, duration=\d+\.\d{3,9}s, table=\d+, n_packets=\d+, n_bytes=\d+, (idle_timeout=\d+, )?(hard_timeout=\d+, )?([a-z_]+ )*(importance=\d+, )?\S* ?actions=\S+$/;

describe('REST API: flows', function () {
  this.timeout(60_000);
  let rig: ApiRig | undefined;
  let call: Transport;
  const clients: NativeMemifClient[] = [];

  beforeEach(async () => {
    rig = await makeApiRig();
    call = viaInject(rig.unixApp);
    const r = await call({ method: 'POST', url: '/switches', body: { name: 'of0', logic: 'openflow' } });
    expect(r.status, r.text).to.equal(201);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await rig?.close();
    rig = undefined;
  });

  const post = (body: unknown): Promise<Answer> => call({ method: 'POST', url: '/switches/of0/flows', body });
  const dump = async (query = ''): Promise<any[]> => {
    const r = await call({ method: 'GET', url: `/switches/of0/flows${query}` });
    expect(r.status, r.text).to.equal(200);
    return r.json.flows;
  };

  describe('requests refused before anything is applied', () => {
    it('names the flow and token of a syntax error and applies none of the request', async () => {
      const r = await post({ flows: ['priority=1,actions=drop', 'priority=10,tp_dst=80,actions=output:2'] });
      expect(r.status).to.equal(400);
      expect(r.json).to.include({ code: 'FLOW_SYNTAX', field: 'body.flows[1]', token: 'tp_dst=80' });
      expect(r.json.message).to.match(/^body\.flows\[1\]: tp_dst: prerequisites not met/);
      expect(await dump()).to.deep.equal([]);
    });

    it('wants exactly one of flow and flows, and no unknown field anywhere', async () => {
      for (const body of [{}, { flow: 'actions=drop', flows: ['actions=drop'] }]) {
        const r = await post(body);
        expect(r.status, JSON.stringify(body)).to.equal(400);
        expect(r.json.code).to.equal('VALIDATION_FAILED');
      }
      const unknown = await post({ flow: { priority: 1, bogus: 2 } });
      expect(unknown.status).to.equal(400);
      expect(unknown.json.code).to.equal('VALIDATION_FAILED');
      const tooMany = await post({ flows: Array.from({ length: 1001 }, () => 'actions=drop') });
      expect(tooMany.status).to.equal(400);
      expect(tooMany.json.code).to.equal('VALIDATION_FAILED');
    });

    it('keeps JSON values and keys from smuggling text into the flow string', async () => {
      const value = await post({ flow: { match: { in_port: '1,actions=output:9' }, actions: 'drop' } });
      expect(value.status).to.equal(400);
      expect(value.json.code).to.equal('VALIDATION_FAILED');
      const key = await post({ flow: { match: { 'ip,actions=output:9,nw_dst': '10.0.0.1' }, actions: 'drop' } });
      expect(key.status).to.equal(400);
      expect(key.json).to.include({ code: 'FLOW_SYNTAX', field: 'body.flow' });
      expect(await dump()).to.deep.equal([]);
    });

    it('answers NOT_OPENFLOW for a switch without flow tables, SWITCH_NOT_FOUND for none', async () => {
      const r = await call({ method: 'POST', url: '/switches/br0/flows', body: { flow: 'actions=drop' } });
      expect(r.status).to.equal(409);
      expect(r.json.code).to.equal('NOT_OPENFLOW');
      expect(r.json.message).to.match(/l2-learning/);
      const g = await call({ method: 'GET', url: '/switches/nope/flows' });
      expect(g.status).to.equal(404);
      expect(g.json.code).to.equal('SWITCH_NOT_FOUND');
    });

    it('needs the bearer token over TCP to change flows, not to read them', async () => {
      const tcp = viaInject(rig!.tcpApp);
      const denied = await tcp({ method: 'POST', url: '/switches/of0/flows', body: { flow: 'actions=drop' } });
      expect(denied.status).to.equal(401);
      const ok = await tcp({ method: 'POST', url: '/switches/of0/flows', body: { flow: 'actions=drop' }, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status, ok.text).to.equal(201);
      expect((await tcp({ method: 'GET', url: '/switches/of0/flows' })).json.flows).to.have.length(1);
    });
  });

  describe('with the openflow logic', () => {
    it('takes concurrent flow changes over the real unix socket, losing none', async () => {
      await rig!.close();
      rig = await makeApiRig({ listen: true });
      const sock = viaHttp({ socketPath: rig.addresses!.socket });
      expect((await sock({ method: 'POST', url: '/switches', body: { name: 'of0', logic: 'openflow' } })).status).to.equal(201);
      // 20 clients at once, 50 flows each, then half of them deleted at once.
      const adds = await Promise.all(Array.from({ length: 20 }, (_, c) => sock({
        method: 'POST', url: '/switches/of0/flows',
        body: { flows: Array.from({ length: 50 }, (__, i) => `priority=${c * 50 + i + 1},cookie=${c},ip,nw_dst=10.1.${c}.${i},actions=output:1`) },
      })));
      for (const a of adds) expect(a.status, a.text).to.equal(201);
      const count = async () => (await sock({ method: 'GET', url: '/switches/of0/flows' })).json.flows.length;
      expect(await count()).to.equal(1000);
      const dels = await Promise.all(Array.from({ length: 10 }, (_, c) => sock({ method: 'DELETE', url: `/switches/of0/flows?cookie=${c}/-1` })));
      for (const d of dels) expect(d.json).to.deep.equal({ deleted: 50 });
      expect(await count()).to.equal(500);
    });

    it('refuses a body over the limit with BODY_TOO_LARGE', async () => {
      const flows = Array.from({ length: 400 }, (_, i) => `priority=${i},ip,nw_dst=10.0.${i >> 8}.${i & 255},actions=output:1`);
      const r = await post({ flows });
      expect(r.status).to.equal(413);
      expect(r.json.code).to.equal('BODY_TOO_LARGE');
      expect(await dump()).to.deep.equal([]);
    });

    it('adds flows given as strings and as JSON; GET answers JSON and ovs-ofctl text', async () => {
      const r = await post({
        flows: [
          'priority=10,in_port=1,actions=output:2',
          { table: 1, priority: 20, cookie: '0x2a', idleTimeout: 30, flags: ['send_flow_rem'], match: { tcp: true, nw_dst: '10.0.0.0/24', tp_dst: 80 }, actions: 'set_field:10.0.0.9->ip_dst,output:3' },
        ],
      });
      expect(r.status, r.text).to.equal(201);
      expect(r.json).to.deep.equal({ applied: 2 });

      const flows = await dump();
      expect(flows).to.have.length(2);
      const t1 = flows.find((f) => f.table === 1);
      expect(t1).to.deep.include({
        priority: 20, cookie: '0x2a', idleTimeout: 30, hardTimeout: 0, packets: 0, bytes: 0, flags: ['send_flow_rem'],
        match: { eth_type: '0x800', ipv4_dst: '10.0.0.0/24', ip_proto: '6', tcp_dst: '80' },
        actions: 'set_field:10.0.0.9->ip_dst,output:3',
        flow: 'table=1,cookie=0x2a,idle_timeout=30,send_flow_rem,priority=20,tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=set_field:10.0.0.9->ip_dst,output:3',
      });
      expect(t1.durationSeconds).to.be.a('number').and.at.least(0);

      const text = await call({ method: 'GET', url: '/switches/of0/flows?format=text' });
      expect(text.status).to.equal(200);
      expect(text.headers['content-type']).to.match(/^text\/plain/);
      const lines = text.text.split('\n').filter((l) => l !== '');
      expect(lines).to.have.length(2);
      for (const l of lines) expect(l).to.match(DUMP_LINE);
      expect(lines.join('\n')).to.include('table=0, n_packets=0, n_bytes=0, priority=10,in_port=1 actions=output:2');
      expect(lines.join('\n')).to.include('table=1, n_packets=0, n_bytes=0, idle_timeout=30, send_flow_rem priority=20,tcp,nw_dst=10.0.0.0/24,tp_dst=80 actions=set_field:10.0.0.9->ip_dst,output:3');
    });

    it('a dumped flow posted back as JSON is the same flow (it replaces itself)', async () => {
      await post({ flow: 'table=2,priority=7,ipv6,ipv6_src=2001:db8::/32,dl_vlan=5,actions=pop_vlan,output:4' });
      const [e] = await dump();
      const again = await post({ flow: { table: e.table, priority: e.priority, match: e.match, actions: e.actions } });
      expect(again.status, again.text).to.equal(201);
      const after = await dump();
      expect(after).to.have.length(1);
      expect(after[0].flow).to.equal(e.flow);
    });

    it('applies every flow mod of a batch but the refused ones, each with its OpenFlow error', async () => {
      expect((await post({ flow: 'priority=10,ip,actions=output:1' })).status).to.equal(201);
      const r = await post({
        flows: [
          'priority=5,actions=output:2',
          'check_overlap,priority=10,ip,nw_dst=10.0.0.1,actions=output:3',   // overlaps priority=10,ip
          'priority=6,actions=output:2',
          'priority=7,actions=group:77',                                     // no group 77
        ],
      });
      expect(r.status, r.text).to.equal(409);
      expect(r.json).to.include({ code: 'FLOW_OVERLAP', field: 'body.flows[1]', applied: 2 });
      expect(r.json.failures).to.have.length(2);
      expect(r.json.failures[0]).to.include({ index: 1, type: 'flow_mod_failed', code: 'overlap', typeNumber: 5, codeNumber: 3 });
      expect(r.json.failures[1]).to.include({ index: 3, type: 'bad_action', code: 'bad_out_group', typeNumber: 2, codeNumber: 9 });
      expect(r.json.failures[1].message).to.be.a('string').and.not.equal('');
      const priorities = (await dump()).map((f) => f.priority).sort((a, b) => a - b);
      expect(priorities).to.deep.equal([5, 6, 10]);
    });

    it('answers FLOW_REFUSED with the OpenFlow error for a flow the logic refuses', async () => {
      const r = await post({ flow: 'table=3,priority=1,actions=goto_table:2' });
      expect(r.status, r.text).to.equal(400);
      expect(r.json).to.include({ code: 'FLOW_REFUSED', field: 'body.flow', applied: 0 });
      expect(r.json.failures[0]).to.include({ index: 0, type: 'bad_instruction', code: 'bad_table_id' });
    });

    it('modifies (and strictly modifies) what the match selects, never adding', async () => {
      await post({ flows: ['priority=10,in_port=1,actions=output:2', 'priority=20,in_port=1,ip,actions=output:2', 'priority=30,in_port=2,actions=output:1'] });
      const loose = await call({ method: 'PATCH', url: '/switches/of0/flows', body: { flow: 'in_port=1,actions=output:5' } });
      expect(loose.status, loose.text).to.equal(200);
      const byPrio = async () => Object.fromEntries((await dump()).map((f) => [f.priority, f.actions]));
      expect(await byPrio()).to.deep.equal({ 10: 'output:5', 20: 'output:5', 30: 'output:1' });
      const strict = await call({ method: 'PATCH', url: '/switches/of0/flows', body: { flow: 'priority=20,in_port=1,ip,actions=output:6', strict: true } });
      expect(strict.status, strict.text).to.equal(200);
      expect(await byPrio()).to.deep.equal({ 10: 'output:5', 20: 'output:6', 30: 'output:1' });
      await call({ method: 'PATCH', url: '/switches/of0/flows', body: { flow: 'in_port=9,actions=output:6' } });
      expect(await dump()).to.have.length(3);
      const noActions = await call({ method: 'PATCH', url: '/switches/of0/flows', body: { flow: 'in_port=1' } });
      expect(noActions.status).to.equal(400);
      expect(noActions.json.code).to.equal('FLOW_SYNTAX');
    });

    it('filters dumps and deletes as dump-flows and del-flows do', async () => {
      await post({
        flows: [
          'table=0,priority=10,cookie=0x11,in_port=1,actions=output:2',
          'table=0,priority=20,cookie=0x21,tcp,tp_dst=22,actions=output:3',
          'table=1,priority=10,cookie=0x12,udp,actions=output:2',
          'table=1,priority=30,cookie=0x22,actions=drop',
        ],
      });
      const cookies = async (q: string) => (await dump(q)).map((f) => f.cookie).sort();
      expect(await cookies('?table=1')).to.deep.equal(['0x12', '0x22']);
      expect(await cookies(`?cookie=${encodeURIComponent('0x1/0xf')}`)).to.deep.equal(['0x11', '0x21']);
      expect(await cookies('?out_port=2')).to.deep.equal(['0x11', '0x12']);
      expect(await cookies(`?match=${encodeURIComponent('tcp')}`)).to.deep.equal(['0x21']);
      expect(await cookies(`?match=${encodeURIComponent('priority=10,in_port=1')}&strict=true`)).to.deep.equal(['0x11']);
      expect(await cookies(`?match=${encodeURIComponent('in_port=1')}&strict=true`)).to.deep.equal([]);
      const bad = await call({ method: 'GET', url: `/switches/of0/flows?match=${encodeURIComponent('tp_dst=22')}` });
      expect(bad.status).to.equal(400);
      expect(bad.json).to.include({ code: 'FLOW_SYNTAX', token: 'tp_dst=22' });

      const del = await call({ method: 'DELETE', url: '/switches/of0/flows?out_port=2' });
      expect(del.status, del.text).to.equal(200);
      expect(del.json).to.deep.equal({ deleted: 2 });
      expect(await cookies('')).to.deep.equal(['0x21', '0x22']);
      const all = await call({ method: 'DELETE', url: '/switches/of0/flows' });
      expect(all.json).to.deep.equal({ deleted: 2 });
      expect(await dump()).to.deep.equal([]);
    });

    it('steers memif traffic by the added flows, counting every frame', async () => {
      for (const [id, port] of [[1, 1], [2, 2], [3, 3]]) {
        const r = await call({ method: 'POST', url: '/switches/of0/ports', body: { type: 'memif', id, port } });
        expect(r.status, r.text).to.equal(201);
      }
      const socket = join(rig!.rundir, 'of0.memif');
      const [a, b, c] = [1, 2, 3].map((id) => {
        const cl = new MemifClient({ socket, id, name: `flows-${id}` });
        clients.push(cl);
        return cl;
      });
      await waitForAsync(async () => {
        const p = (await call({ method: 'GET', url: '/switches/of0/ports' })).json.ports;
        return p.length === 3 && p.every((x: { up: boolean }) => x.up);
      }, { what: 'three ports up', timeoutMs: 20_000 });

      // frame() sends ethertype 0x88b5: the priority-20 flow is the more specific one.
      const added = await post({ flows: ['priority=10,in_port=1,actions=output:2', 'priority=20,in_port=1,dl_type=0x88b5,actions=output:3'] });
      expect(added.status, added.text).to.equal(201);
      const frames = Array.from({ length: 37 }, (_, i) => frame(mac(9), mac(1), 100, i));
      sendAll(a, frames, 20_000);
      const got = receive(c, frames.length, 20_000);
      expect(got).to.have.length(frames.length);
      got.forEach((f, i) => expect(f.equals(frames[i]), `frame ${i}`).to.equal(true));
      expect(drain(b)).to.have.length(0);
      await waitForAsync(async () => (await dump()).find((f) => f.priority === 20)?.packets === frames.length,
        { what: 'the counters of the priority-20 flow', timeoutMs: 20_000 });
      const flows = await dump();
      expect(flows.find((f) => f.priority === 20)).to.include({ packets: 37, bytes: 3700 });
      expect(flows.find((f) => f.priority === 10)).to.include({ packets: 0, bytes: 0 });

      // Deleting the specific flow sends the traffic to the other one.
      await call({ method: 'DELETE', url: `/switches/of0/flows?match=${encodeURIComponent('priority=20,in_port=1,dl_type=0x88b5')}&strict=true` });
      sendAll(a, frames.slice(0, 5), 20_000);
      expect(receive(b, 5, 20_000)).to.have.length(5);
      expect(drain(c)).to.have.length(0);
    });
  });

  describe('groups', () => {
    const groups = async (q = ''): Promise<any[]> => {
      const r = await call({ method: 'GET', url: `/switches/of0/groups${q}` });
      expect(r.status, r.text).to.equal(200);
      return r.json.groups;
    };

    it('adds, modifies, dumps and deletes groups; a refused group mod carries its OpenFlow error', async () => {
      const a = await call({ method: 'POST', url: '/switches/of0/groups', body: { group: 'group_id=1,type=select,bucket=weight:3,actions=output:1,bucket=output:2' } });
      expect(a.status, a.text).to.equal(201);
      expect(a.json).to.deep.include({ groupId: 1, type: 'select', group: 'group_id=1,type=select,bucket=weight:3,actions=output:1,bucket=actions=output:2' });
      expect(a.json.buckets).to.deep.equal([{ weight: 3, actions: 'output:1' }, { weight: 1, actions: 'output:2' }]);

      const dup = await call({ method: 'POST', url: '/switches/of0/groups', body: { group: 'group_id=1,type=all,bucket=output:3' } });
      expect(dup.status).to.equal(409);
      expect(dup.json).to.include({ code: 'GROUP_EXISTS', field: 'body.group' });
      expect(dup.json.failures[0]).to.include({ type: 'group_mod_failed', code: 'group_exists', typeNumber: 6, codeNumber: 0 });

      const missing = await call({ method: 'PATCH', url: '/switches/of0/groups', body: { group: 'group_id=9,type=all,bucket=output:3' } });
      expect(missing.status).to.equal(404);
      expect(missing.json.code).to.equal('GROUP_NOT_FOUND');
      const syntax = await call({ method: 'POST', url: '/switches/of0/groups', body: { group: 'group_id=2,type=fancy' } });
      expect(syntax.status).to.equal(400);
      expect(syntax.json).to.include({ code: 'GROUP_SYNTAX', token: 'type=fancy' });

      const m = await call({ method: 'PATCH', url: '/switches/of0/groups', body: { group: 'group_id=1,type=all,bucket=output:3,bucket=output:4' } });
      expect(m.status, m.text).to.equal(200);
      const [g] = await groups();
      expect(g).to.deep.include({ groupId: 1, type: 'all', packets: 0, bytes: 0, text: ' group_id=1,type=all,bucket=actions=output:3,bucket=actions=output:4' });
      const text = await call({ method: 'GET', url: '/switches/of0/groups?format=text' });
      expect(text.text).to.equal('OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):\n group_id=1,type=all,bucket=actions=output:3,bucket=actions=output:4\n');

      // A flow that uses the group goes when the group goes (OpenFlow 1.3 section 6.5).
      expect((await post({ flow: 'priority=1,actions=group:1' })).status).to.equal(201);
      const d = await call({ method: 'DELETE', url: '/switches/of0/groups?group_id=1' });
      expect(d.status, d.text).to.equal(204);
      expect(await groups()).to.deep.equal([]);
      expect(await dump()).to.deep.equal([]);
    });

    it('an all group copies each frame to every bucket\'s port, counted by the flow and the group', async () => {
      for (const id of [1, 2, 3]) {
        const r = await call({ method: 'POST', url: '/switches/of0/ports', body: { type: 'memif', id, port: id } });
        expect(r.status, r.text).to.equal(201);
      }
      const socket = join(rig!.rundir, 'of0.memif');
      const [a, b, c] = [1, 2, 3].map((id) => {
        const cl = new MemifClient({ socket, id, name: `groups-${id}` });
        clients.push(cl);
        return cl;
      });
      await waitForAsync(async () => (await call({ method: 'GET', url: '/switches/of0/ports' })).json.ports.every((x: { up: boolean }) => x.up),
        { what: 'three ports up', timeoutMs: 20_000 });
      expect((await call({ method: 'POST', url: '/switches/of0/groups', body: { group: 'group_id=7,type=all,bucket=output:2,bucket=output:3' } })).status).to.equal(201);
      expect((await post({ flow: 'priority=5,in_port=1,actions=group:7' })).status).to.equal(201);
      const frames = Array.from({ length: 21 }, (_, i) => frame(mac(9), mac(1), 80, i));
      sendAll(a, frames, 20_000);
      for (const [name, cl] of [['b', b], ['c', c]] as const) {
        const got = receive(cl, frames.length, 20_000);
        expect(got, name).to.have.length(frames.length);
        got.forEach((f, i) => expect(f.equals(frames[i]), `${name} frame ${i}`).to.equal(true));
      }
      await waitForAsync(async () => (await groups())[0]?.packets === frames.length, { what: 'the group counters', timeoutMs: 20_000 });
      expect((await groups())[0]).to.include({ packets: 21, bytes: 21 * 80 });
      expect((await dump())[0]).to.include({ packets: 21, bytes: 21 * 80 });
    });
  });

  describe('meters', () => {
    const meters = async (): Promise<any[]> => {
      const r = await call({ method: 'GET', url: '/switches/of0/meters' });
      expect(r.status, r.text).to.equal(200);
      return r.json.meters;
    };

    it('adds, modifies, dumps and deletes meters; refusals carry their OpenFlow error', async () => {
      const a = await call({ method: 'POST', url: '/switches/of0/meters', body: { meter: 'meter=1,kbps,burst,band=type=drop,rate=1000,burst_size=64' } });
      expect(a.status, a.text).to.equal(201);
      expect(a.json).to.deep.include({ meterId: 1, flags: ['kbps', 'burst'], meter: 'meter=1,kbps,burst,band=type=drop,rate=1000,burst_size=64' });
      const dup = await call({ method: 'POST', url: '/switches/of0/meters', body: { meter: 'meter=1,kbps,band=type=drop,rate=5' } });
      expect(dup.status).to.equal(409);
      expect(dup.json.code).to.equal('METER_EXISTS');
      expect(dup.json.failures[0]).to.include({ type: 'meter_mod_failed', code: 'meter_exists', typeNumber: 12, codeNumber: 1 });
      const missing = await call({ method: 'PATCH', url: '/switches/of0/meters', body: { meter: 'meter=9,kbps,band=type=drop,rate=5' } });
      expect(missing.status).to.equal(404);
      expect(missing.json.code).to.equal('METER_NOT_FOUND');
      const syntax = await call({ method: 'POST', url: '/switches/of0/meters', body: { meter: 'meter=2,band=type=drop,rate=5' } });
      expect(syntax.status).to.equal(400);
      expect(syntax.json.code).to.equal('METER_SYNTAX');
      const zero = await call({ method: 'POST', url: '/switches/of0/meters', body: { meter: 'meter=2,kbps,band=type=drop,rate=0' } });
      expect(zero.status).to.equal(400);
      expect(zero.json.failures[0]).to.include({ type: 'meter_mod_failed', code: 'bad_rate' });

      expect((await call({ method: 'PATCH', url: '/switches/of0/meters', body: { meter: 'meter=1,pktps,band=type=dscp_remark,rate=10,prec_level=2' } })).status).to.equal(200);
      const [m] = await meters();
      expect(m).to.deep.include({ meterId: 1, flags: ['pktps'], packets: 0, bytes: 0 });
      expect(m.bands).to.deep.equal([{ type: 'dscp_remark', rate: 10, burstSize: 0, precLevel: 2, packets: 0, bytes: 0 }]);
      const text = await call({ method: 'GET', url: '/switches/of0/meters?format=text' });
      expect(text.text).to.equal('OFPST_METER_CONFIG reply (OF1.3) (xid=0x2):\nmeter=1 pktps bands=\ntype=dscp_remark rate=10 prec_level=2\n');

      expect((await post({ flow: 'priority=1,actions=meter:1,output:2' })).status).to.equal(201);
      expect((await call({ method: 'DELETE', url: '/switches/of0/meters?meter_id=1' })).status).to.equal(204);
      expect(await meters()).to.deep.equal([]);
      expect(await dump(), 'the flow went with its meter').to.deep.equal([]);
    });

    it('a meter drops above its rate: every frame is either delivered or counted by the band', async () => {
      for (const id of [1, 2]) {
        const r = await call({ method: 'POST', url: '/switches/of0/ports', body: { type: 'memif', id, port: id } });
        expect(r.status, r.text).to.equal(201);
      }
      const socket = join(rig!.rundir, 'of0.memif');
      const [a, b] = [1, 2].map((id) => {
        const cl = new MemifClient({ socket, id, name: `meters-${id}` });
        clients.push(cl);
        return cl;
      });
      await waitForAsync(async () => (await call({ method: 'GET', url: '/switches/of0/ports' })).json.ports.every((x: { up: boolean }) => x.up),
        { what: 'two ports up', timeoutMs: 20_000 });
      // 10 packets a second with a burst of 5: 200 frames sent at once cannot all pass.
      expect((await call({ method: 'POST', url: '/switches/of0/meters', body: { meter: 'meter=3,pktps,burst,stats,band=type=drop,rate=10,burst_size=5' } })).status).to.equal(201);
      expect((await post({ flow: 'priority=5,in_port=1,actions=meter:3,output:2' })).status).to.equal(201);
      const frames = Array.from({ length: 200 }, (_, i) => frame(mac(9), mac(1), 64, i));
      sendAll(a, frames, 20_000);
      const got = drain(b, 1000);
      expect(got.length).to.be.greaterThan(0);
      expect(got.length).to.be.below(100);
      await waitForAsync(async () => (await meters())[0]?.packets === frames.length, { what: 'the meter counters', timeoutMs: 20_000 });
      const [m] = await meters();
      expect(m.bands[0].packets, 'dropped by the band').to.equal(frames.length - got.length);
    });
  });

  describe('trace', () => {
    it('shows the flows a frame hits and what leaves, without counting it', async () => {
      await post({ flows: ['priority=10,in_port=1,actions=output:2,goto_table:1', 'table=1,priority=5,dl_type=0x88b5,actions=mod_dl_dst:02:00:00:00:00:09,CONTROLLER:64,output:3'] });
      const f = frame(mac(2), mac(1), 64, 7);
      const r = await call({ method: 'POST', url: '/switches/of0/trace', body: { inPort: 1, packet: f.toString('hex') } });
      expect(r.status, r.text).to.equal(200);
      const changed = Buffer.from(f);
      mac(9).copy(changed, 0);
      // packet-ins carry the whole frame (OpenFlow 1.3 section 7.2.5 allows it; OVS does the same).
      expect(r.json.steps).to.deep.equal([
        // The logic lists the tables visited, then what left, in order.
        { type: 'match', table: 0, priority: 10, flow: 'priority=10,in_port=1,actions=output:2,goto_table:1' },
        { type: 'match', table: 1, priority: 5, flow: 'table=1,priority=5,dl_type=0x88b5,actions=set_field:02:00:00:00:00:09->eth_dst,CONTROLLER:64,output:3' },
        { type: 'output', port: '2', packet: f.toString('hex') },
        { type: 'packet_in', table: 1, reason: 'action', cookie: '0x0', packet: changed.toString('hex') },
        { type: 'output', port: '3', packet: changed.toString('hex') },
      ]);
      expect(r.json.text).to.match(/^table 0: priority=10,in_port=1,actions=output:2,goto_table:1\n/);
      expect(r.json.text).to.match(/\nFinal: 2,CONTROLLER,3\n$/);
      expect((await dump()).every((e) => e.packets === 0), 'trace counts nothing').to.equal(true);

      const miss = await call({ method: 'POST', url: '/switches/of0/trace', body: { inPort: 2, packet: f.toString('hex') } });
      expect(miss.json.steps[0]).to.deep.equal({ type: 'miss', table: 0 });
      expect(miss.json.text).to.match(/Final: drop\n$/);
      const bad = await call({ method: 'POST', url: '/switches/of0/trace', body: { inPort: 1, packet: 'xyz' } });
      expect(bad.status).to.equal(400);
      expect(bad.json.code).to.equal('VALIDATION_FAILED');
    });
  });
});
