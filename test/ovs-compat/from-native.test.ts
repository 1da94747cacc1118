// The native logic's replies (ovs-compat/native/control-text.md) into
// flows, events, trace steps and OpenFlow errors.  Reply lines are written
// by hand from the contract; the expected dump-flows lines are the ones
// ovs-ofctl prints for the same flows (the printer is checked against real
// ovs-ofctl in dump-flows.test.ts).
import { expect } from 'chai';

import {
  countersOf, formatFlowStats, NativeReplyError, OFPP_CONTROLLER, OFPP_FLOOD, parseAggregate, parseDump, parseDumpLine,
  parseEvents, parseEventsReply, parseFlow, parseNativeError, parseTableStats, parseTrace,
} from '../../ovs-compat/src';

const dumpFlows = (line: string): string => {
  const e = parseDumpLine(line);
  return formatFlowStats(e.flow, countersOf(e));
};

describe('from-native: replies of the native logic', () => {
  it('prints dump lines exactly as ovs-ofctl dump-flows does', () => {
    const cases: [string, string][] = [
      ['id=1 table=0 priority=10 cookie=0x0 duration_ns=1234000000 idle_timeout=10 hard_timeout=0 importance=0 n_packets=0 n_bytes=0 eth_type=0x0800 ipv4_dst=10.0.0.1',
        ' cookie=0x0, duration=1.234s, table=0, n_packets=0, n_bytes=0, idle_timeout=10, priority=10,ip,nw_dst=10.0.0.1 actions=drop'],
      ['id=7 table=3 priority=100 cookie=0x5 duration_ns=12001000000 idle_timeout=0 hard_timeout=0 importance=0 n_packets=123456789 n_bytes=9876543210 in_port=1 eth_type=0x0800 ip_proto=6 ipv4_dst=10.0.0.0/255.255.255.0 tcp_dst=80 apply=set_field:ipv4_dst=10.0.0.9,output:2',
        ' cookie=0x5, duration=12.001s, table=3, n_packets=123456789, n_bytes=9876543210, priority=100,tcp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=80 actions=set_field:10.0.0.9->ip_dst,output:2'],
      ['id=2 table=0 priority=32768 cookie=0x0 duration_ns=3000000001 idle_timeout=0 hard_timeout=20 importance=7 send_flow_rem n_packets=1 n_bytes=64 vlan_vid=0x1005 vlan_pcp=3 apply=pop_vlan,output:normal',
        ' cookie=0x0, duration=3.000000001s, table=0, n_packets=1, n_bytes=64, hard_timeout=20, send_flow_rem importance=7, dl_vlan=5,dl_vlan_pcp=3 actions=pop_vlan,NORMAL'],
      ['id=3 table=0 priority=0 cookie=0x0 duration_ns=0 idle_timeout=0 hard_timeout=0 importance=0 n_packets=0 n_bytes=0 eth_type=0x86dd ip_proto=17 ipv6_src=2001:db8::/ffff:ffff:: udp_src=53 apply=group:4 goto_table=5',
        ' cookie=0x0, duration=0s, table=0, n_packets=0, n_bytes=0, priority=0,udp6,ipv6_src=2001:db8::/32,tp_src=53 actions=group:4,goto_table:5'],
      ['id=4 table=1 priority=5 cookie=0x0 duration_ns=500000000 idle_timeout=0 hard_timeout=0 importance=0 n_packets=0 n_bytes=0 metadata=0x5/0xff eth_type=0x0806 arp_spa=1.2.3.4 arp_op=2 meter=3 apply=output:in_port clear_actions write=output:7 write_metadata=0x1/0xff goto_table=9',
        ' cookie=0x0, duration=0.500s, table=1, n_packets=0, n_bytes=0, priority=5,arp,metadata=0x5/0xff,arp_spa=1.2.3.4,arp_op=2 actions=meter:3,IN_PORT,clear_actions,write_actions(output:7),write_metadata:0x1/0xff,goto_table:9'],
      ['id=5 table=0 priority=32768 cookie=0x0 duration_ns=1000000000 idle_timeout=0 hard_timeout=0 importance=0 n_packets=0 n_bytes=0 eth_type=0x0800 ip_ttl=5 apply=set_nw_ttl:9,dec_nw_ttl,output:controller:100,output:controller',
        ' cookie=0x0, duration=1s, table=0, n_packets=0, n_bytes=0, ip,nw_ttl=5 actions=set_field:9->nw_ttl,dec_ttl,CONTROLLER:100,CONTROLLER:65535'],
      ['id=6 table=0 priority=32768 cookie=0x0 duration_ns=7123456700 idle_timeout=0 hard_timeout=0 importance=0 n_packets=0 n_bytes=0 in_port=local eth_src=00:11:22:00:00:00/ff:ff:ff:00:00:00',
        ' cookie=0x0, duration=7.1234567s, table=0, n_packets=0, n_bytes=0, in_port=LOCAL,dl_src=00:11:22:00:00:00/ff:ff:ff:00:00:00 actions=drop'],
    ];
    for (const [native, ovs] of cases) expect(dumpFlows(native), native).to.equal(ovs);
  });

  it('reads a dumped flow as the flow that was added', () => {
    const e = parseDumpLine('id=9 table=0 priority=10 cookie=0x0 duration_ns=5 idle_timeout=0 hard_timeout=0 importance=0 n_packets=3 n_bytes=180 in_port=1 apply=output:flood');
    expect(e.flow).to.deep.equal(parseFlow('priority=10,in_port=1,actions=flood'));
    expect(e.flow.instructions.apply).to.deep.equal([{ type: 'output', port: OFPP_FLOOD }]);
    expect([e.id, e.packets, e.bytes, e.durationNs]).to.deep.equal([9n, 3n, 180n, 5n]);
  });

  it('pages: the last line says where to go on', () => {
    const d = parseDump('id=1 table=0 priority=1 cookie=0x0 duration_ns=0 idle_timeout=0 hard_timeout=0 importance=0 n_packets=0 n_bytes=0\nmore after=1\n');
    expect(d.flows).to.have.length(1);
    expect(d.moreAfter).to.equal(1n);
    expect(parseDump('')).to.deep.equal({ flows: [] });
  });

  it('refuses lines that are not of the contract, saying which', () => {
    const bad = [
      'table=0 priority=1 n_packets=0 n_bytes=0 duration_ns=0',               // no id
      'id=1 duration_ns=0 n_packets=0 n_bytes=0 bogus_field=1',
      'id=1 duration_ns=0 n_packets=0 n_bytes=0 apply=frobnicate',
      'id=1 duration_ns=0 n_packets=x n_bytes=0',
      'id=1 duration_ns=0 n_packets=0 n_bytes=0 ipv4_dst=300.1.1.1',
      'id=1 duration_ns=0 n_packets=0 n_bytes=0 whatever',
    ];
    for (const line of bad) expect(() => parseDumpLine(line), line).to.throw(NativeReplyError, /:/);
  });

  it('reads flow-removed events', () => {
    const [ev, ev2] = parseEvents('flow_removed reason=idle_timeout table=2 priority=7 cookie=0x9 idle_timeout=5 hard_timeout=0 duration_ns=6000000000 n_packets=4 n_bytes=256 eth_type=0x0800 ipv4_src=10.0.0.1\n'
      + 'flow_removed reason=delete table=0 priority=1 cookie=0x0 idle_timeout=0 hard_timeout=0 duration_ns=1 n_packets=0 n_bytes=0\n');
    expect(ev.reason).to.equal('idle_timeout');
    expect(ev.flow.table).to.equal(2);
    expect(ev.flow.priority).to.equal(7);
    expect(ev.flow.cookie).to.equal(9n);
    expect(ev.flow.idleTimeout).to.equal(5);
    expect(ev.flow.match).to.deep.equal(parseFlow('ip,nw_src=10.0.0.1,actions=drop').match);
    expect([ev.durationNs, ev.packets, ev.bytes]).to.deep.equal([6000000000n, 4n, 256n]);
    expect(ev2.reason).to.equal('delete');
    expect(() => parseEvents('flow_removed reason=sunset table=0 duration_ns=0 n_packets=0 n_bytes=0')).to.throw(NativeReplyError, /sunset/);
    expect(() => parseEvents('port_status up')).to.throw(NativeReplyError, /port_status/);
    // A full queue drops events and says how many at the end of the next reply.
    const r = parseEventsReply('flow_removed reason=delete table=0 priority=1 cookie=0x0 idle_timeout=0 hard_timeout=0 duration_ns=1 n_packets=0 n_bytes=0\nevents_lost n=12\n');
    expect(r.events).to.have.length(1);
    expect(r.lost).to.equal(12n);
    expect(parseEventsReply('').lost).to.equal(0n);
  });

  it('reads trace steps', () => {
    const steps = parseTrace('table=0 id=4 priority=10\ntable=1 miss\noutput port=3 hex=0a0b\noutput port=controller hex=ff\npacket_in reason=action table=1 cookie=0x2 hex=00\ndrop\n');
    expect(steps).to.deep.equal([
      { type: 'match', table: 0, id: 4n, priority: 10 },
      { type: 'miss', table: 1 },
      { type: 'output', port: 3, frame: Buffer.from([10, 11]) },
      { type: 'output', port: OFPP_CONTROLLER, frame: Buffer.from([255]) },
      { type: 'packet_in', reason: 'action', table: 1, cookie: 2n, frame: Buffer.from([0]) },
      { type: 'drop' },
    ]);
    expect(() => parseTrace('output port=3 hex=abc')).to.throw(NativeReplyError, /hex/);
  });

  it('reads aggregate and table statistics', () => {
    expect(parseAggregate('flows=3 n_packets=10 n_bytes=640\n')).to.deep.equal({ flows: 3n, packets: 10n, bytes: 640n });
    expect(parseTableStats('table=0 active=2 lookups=10 matched=7\ntable=1 active=0 lookups=7 matched=0\n')).to.deep.equal([
      { table: 0, active: 2n, lookups: 10n, matched: 7n },
      { table: 1, active: 0n, lookups: 7n, matched: 0n },
    ]);
  });

  it('turns error lines into OpenFlow 1.3 error types and codes', () => {
    // Numbers from OpenFlow 1.3.5 section 7.4.4 (enum ofp_error_type and the per-type code enums).
    const cases: [string, [string, string, number, number, number]][] = [
      ['line 1: bad_match.bad_prereq: \'tcp_dst\' lacks its prerequisite', ['bad_match', 'bad_prereq', 4, 9, 1]],
      ['openflow: line 3: flow_mod_failed.overlap: overlaps a flow of priority 10', ['flow_mod_failed', 'overlap', 5, 3, 3]],
      ['line 2: bad_action.bad_out_port: output:5000', ['bad_action', 'bad_out_port', 2, 4, 2]],
      ['line 1: bad_action.bad_out_group: group:9 does not exist', ['bad_action', 'bad_out_group', 2, 9, 1]],
      ['line 1: bad_instruction.bad_table_id: goto_table=0', ['bad_instruction', 'bad_table_id', 3, 2, 1]],
      ['line 1: flow_mod_failed.table_full: table 0 is full', ['flow_mod_failed', 'table_full', 5, 1, 1]],
      ['line 1: group_mod_failed.unknown_group: 4', ['group_mod_failed', 'unknown_group', 6, 8, 1]],
      ['line 1: meter_mod_failed.meter_exists: 2', ['meter_mod_failed', 'meter_exists', 12, 1, 1]],
      ['line 1: bad_request.bad_type: what', ['bad_request', 'bad_type', 1, 1, 1]],
    ];
    for (const [text, [type, code, typeNumber, codeNumber, line]] of cases) {
      const e = parseNativeError(text);
      expect(e, text).to.not.equal(undefined);
      expect(e, text).to.include({ type, code, typeNumber, codeNumber, line });
    }
    expect(parseNativeError('line 1: flow_mod_failed.overlap: x')?.message).to.equal('x');
    expect(parseNativeError('no such thing')).to.equal(undefined);
    expect(parseNativeError('line 1: bad_match.no_such_code: x')).to.equal(undefined);
  });
});
