// The real ovs-ofctl (Debian's openvswitch-common) against our session
// layer: over <rundir>/br0.mgmt with OVS_RUNDIR pointed at our run
// directory, and over TCP to a ptcp listener.  The bridge handler is a
// test double answering from fixed data (the real one is the handlers'
// work, tested end to end there); what is under test is that ovs-ofctl
// negotiates, gets its FEATURES, ECHO, BARRIER and error answers, and reads
// a REPLY_MORE dump whole.
import { expect } from 'chai';
import { execFile } from 'node:child_process';

import { OpenFlowError, OFP_VERSION_1_0 } from '../../../controller-agent/src/openflow';
import type { FlowStats, OfMessage, TableFeatures } from '../../../controller-agent/src/openflow';
import { startRig, TEST_PORTS, type Rig } from './session-rig';

interface Run {
  code: number;
  out: string;
  err: string;
}

// Asynchronous on purpose: the switch under test runs in this process's event loop.
function ofctl(rig: Rig, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('ovs-ofctl', ['--timeout=10', ...args], { env: { ...process.env, OVS_RUNDIR: rig.rundir }, encoding: 'utf8', maxBuffer: 64 << 20 },
      (e, out, err) => resolve({ code: e ? Number(e.code ?? 1) : 0, out, err }));
  });
}

const flow = (i: number): FlowStats => ({
  table: 0, durationSec: 5, durationNsec: 0, priority: 100 + i, idleTimeout: 0, hardTimeout: 0, flags: [], cookie: BigInt(i),
  packetCount: 0n, byteCount: 0n, match: [{ field: 'in_port', value: 1n, mask: 0xffffffffn }], instructions: { apply: [{ type: 'output', port: 2 } as never], clearActions: false },
});

describe('agent mgmt socket: real ovs-ofctl', function () {
  this.timeout(30_000);
  let rig: Rig;
  let flows: FlowStats[] = [];

  beforeEach(async () => {
    rig = await startRig();
    flows = [flow(1)];
    rig.handler.answer = (s, m): OfMessage[] => {
      const v = s.version;
      if (m.type === 'OFPT_GET_CONFIG_REQUEST') return [{ version: v, xid: 0, type: 'OFPT_GET_CONFIG_REPLY', flags: 0, missSendLen: s.missSendLen }];
      if (m.type === 'OFPT_MULTIPART_REQUEST' && m.mpType === 'OFPMP_PORT_DESC') return [{ version: v, xid: 0, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_PORT_DESC', ports: TEST_PORTS }];
      if (m.type === 'OFPT_MULTIPART_REQUEST' && m.mpType === 'OFPMP_FLOW') return [{ version: v, xid: 0, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_FLOW', flows }];
      // ovs-ofctl 3.x reads the table features before add-flow.
      if (m.type === 'OFPT_MULTIPART_REQUEST' && m.mpType === 'OFPMP_TABLE_FEATURES') {
        const inPort = 0x80000004; // OXM in_port
        const table: TableFeatures = {
          tableId: 0, name: 'table0', metadataMatch: 0n, metadataWrite: 0n, config: 0, maxEntries: 1_000_000,
          properties: [
            { type: 'OFPTFPT_INSTRUCTIONS', instructions: [{ type: 4 }] }, { type: 'OFPTFPT_NEXT_TABLES', tables: [] },
            { type: 'OFPTFPT_WRITE_ACTIONS', actions: [{ type: 0 }] }, { type: 'OFPTFPT_APPLY_ACTIONS', actions: [{ type: 0 }] },
            { type: 'OFPTFPT_MATCH', oxmIds: [inPort] }, { type: 'OFPTFPT_WILDCARDS', oxmIds: [inPort] },
            { type: 'OFPTFPT_WRITE_SETFIELD', oxmIds: [] }, { type: 'OFPTFPT_APPLY_SETFIELD', oxmIds: [] },
          ],
        };
        return [{ version: v, xid: 0, type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType: 'OFPMP_TABLE_FEATURES', tables: [table] }];
      }
      if (m.type === 'OFPT_FLOW_MOD' && m.priority === 666) throw new OpenFlowError('OFPFMFC_TABLE_FULL', 'table 0 is full');
      return [];
    };
  });
  afterEach(async () => rig.close());

  it('ovs-ofctl -O OpenFlow13 show br0: features, port descriptions and config', async () => {
    const r = await ofctl(rig, '-O', 'OpenFlow13', 'show', 'br0');
    expect(r.err).to.equal('');
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^OFPT_FEATURES_REPLY \(OF1\.3\) \(xid=0x\w+\): dpid:00000000000000ab\nn_tables:254, n_buffers:0\ncapabilities: FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS QUEUE_STATS\n/);
    expect(r.out).to.match(/ 1\(p1\): addr:02:00:00:00:00:01\n/);
    expect(r.out).to.match(/ 2\(p2\): addr:02:00:00:00:00:02\n/);
    // A service connection starts at miss_send_len 0 (what real ovs-vswitchd answers ovs-ofctl show too).
    expect(r.out).to.match(/OFPT_GET_CONFIG_REPLY \(OF1\.3\) \(xid=0x\w+\): frags=normal miss_send_len=0\n$/);
    // ovs-ofctl's session is a service connection: no controller for fail modes.
    expect(rig.handler.connectedCounts).to.deep.equal([]);
  });

  it('ovs-ofctl -O OpenFlow10 show br0: the 1.0 FEATURES_REPLY carries the ports', async () => {
    const r = await ofctl(rig, '-O', 'OpenFlow10', 'show', 'br0');
    expect(r.code).to.equal(0, r.err);
    expect(r.out).to.match(/^OFPT_FEATURES_REPLY \(xid=0x\w+\): dpid:00000000000000ab\n/);
    expect(r.out).to.match(/actions: output set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst\n/);
    expect(r.out).to.match(/ 1\(p1\): addr:02:00:00:00:00:01\n[^]* 2\(p2\): addr:02:00:00:00:00:02\n/);
    expect(rig.records.some((x) => x.event === 'openflow_negotiated' && x.version === OFP_VERSION_1_0)).to.equal(true);
  });

  it('ovs-ofctl probe br0 (an echo on a 1.0 session) and -O OpenFlow13 probe', async () => {
    expect(await ofctl(rig, 'probe', 'br0')).to.deep.equal({ code: 0, out: '', err: '' });
    expect(await ofctl(rig, '-O', 'OpenFlow13', 'probe', 'br0')).to.deep.equal({ code: 0, out: '', err: '' });
    expect(rig.records.filter((x) => x.event === 'openflow_negotiated').map((x) => x.version)).to.deep.equal([1, 4]);
  });

  it('ovs-ofctl -O OpenFlow13 dump-flows br0 reads a REPLY_MORE dump of 3000 flows whole', async () => {
    flows = Array.from({ length: 3000 }, (_, i) => flow(i));
    const r = await ofctl(rig, '-O', 'OpenFlow13', 'dump-flows', 'br0');
    expect(r.code).to.equal(0, r.err);
    const lines = r.out.split('\n').filter((l) => l.startsWith(' cookie='));
    expect(lines).to.have.length(3000);
    expect(lines[0]).to.match(/^ cookie=0x0, duration=5s, table=0, n_packets=0, n_bytes=0, priority=100,in_port=1 actions=output:2$/);
    expect(lines[2999]).to.match(/cookie=0xbb7, .*priority=3099,in_port=1 actions=output:2$/);
  });

  it('ovs-ofctl add-flow: success after its barrier, and our OFPT_ERROR printed by name', async () => {
    const ok = await ofctl(rig, '-O', 'OpenFlow13', 'add-flow', 'br0', 'priority=5,in_port=1,actions=output:2');
    expect(ok.code).to.equal(0, ok.err);
    expect(rig.handler.calls.map((c) => c.type)).to.include('OFPT_FLOW_MOD');
    const bad = await ofctl(rig, '-O', 'OpenFlow13', 'add-flow', 'br0', 'priority=666,in_port=1,actions=output:2');
    expect(bad.code).to.not.equal(0);
    expect(bad.err).to.match(/OFPT_ERROR \(OF1\.3\) \(xid=0x\w+\): OFPFMFC_TABLE_FULL/);
  });

  it('ovs-ofctl over TCP to a ptcp listener', async () => {
    const r = await ofctl(rig, '-O', 'OpenFlow13', 'show', `tcp:127.0.0.1:${rig.port}`);
    expect(r.code).to.equal(0, r.err);
    expect(r.out).to.match(/^OFPT_FEATURES_REPLY \(OF1\.3\)/);
    // A ptcp session is a controller session while it lasts (ovs-ofctl show opens more than one).
    const counts = rig.handler.connectedCounts;
    expect(counts[0]).to.equal(1);
    expect(counts.at(-1)).to.equal(0);
  });
});
