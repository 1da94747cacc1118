// ovs-ofctl flows into the `openflow` logic's native control form
// (ovs-compat/native/control-text.md).  The golden lines are written by
// hand from the contract, not produced by the translator; the round trip
// through from-native.ts runs over the whole flow corpus.
import { expect } from 'chai';

import {
  emptyFilterFlow, filterTokens, flowModLine, FlowMod, nativeBatches, NativeTranslationError, parseDumpLine, parseFlow,
} from '../../ovs-compat/src';
import { VALID } from './flow-corpus';

const add = (text: string): string => flowModLine({ command: 'add', flow: parseFlow(text) });

describe('to-native: flows into the native control form', () => {
  const GOLDEN: [string, string][] = [
    ['priority=10,in_port=1,actions=output:2', 'add table=0 priority=10 in_port=1 apply=output:2'],
    ['actions=drop', 'add table=0 priority=32768'],
    ['table=3,priority=100,tcp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=80,actions=set_field:10.0.0.9->ip_dst,output:2',
      'add table=3 priority=100 in_port=1 eth_type=0x0800 ipv4_dst=10.0.0.0/255.255.255.0 ip_proto=6 tcp_dst=80 apply=set_field:ipv4_dst=10.0.0.9,output:2'],
    ['cookie=0x7,idle_timeout=5,hard_timeout=9,importance=3,send_flow_rem,check_overlap,priority=10,ip,nw_dst=10.0.0.1,actions=drop',
      'add table=0 priority=10 cookie=0x7 idle_timeout=5 hard_timeout=9 importance=3 send_flow_rem check_overlap eth_type=0x0800 ipv4_dst=10.0.0.1'],
    // Reserved ports are words.
    ['in_port=LOCAL,actions=in_port,flood,all,local,normal,controller:100,output:controller',
      'add table=0 priority=32768 in_port=4294967294 apply=output:in_port,output:flood,output:all,output:local,output:normal,output:controller:100,output:controller'],
    // The VLAN TCI becomes OXM vlan_vid (with OFPVID_PRESENT) and vlan_pcp.
    ['dl_vlan=5,dl_vlan_pcp=3,actions=pop_vlan', 'add table=0 priority=32768 vlan_vid=0x1005 vlan_pcp=3 apply=pop_vlan'],
    ['dl_vlan_pcp=3,actions=drop', 'add table=0 priority=32768 vlan_vid=0x1000/0x1000 vlan_pcp=3'],
    ['dl_vlan=0xffff,actions=drop', 'add table=0 priority=32768 vlan_vid=0x0'],
    ['vlan_tci=0x1000/0x1000,actions=drop', 'add table=0 priority=32768 vlan_vid=0x1000/0x1000'],
    ['actions=mod_vlan_vid:7,output:1', 'add table=0 priority=32768 apply=push_vlan:0x8100,set_field:vlan_vid=0x1007,output:1'],
    ['ip,nw_ttl=5,actions=mod_nw_ttl:9,dec_ttl', 'add table=0 priority=32768 eth_type=0x0800 ip_ttl=5 apply=set_field:ip_ttl=9,dec_nw_ttl'],
    ['ip,nw_tos=16,nw_ecn=1,actions=mod_nw_tos:32', 'add table=0 priority=32768 eth_type=0x0800 ip_dscp=4 ip_ecn=1 apply=set_field:ip_dscp=8'],
    ['dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00,actions=mod_dl_dst:aa:bb:cc:dd:ee:ff',
      'add table=0 priority=32768 eth_src=00:11:22:00:00:00/ff:ff:ff:00:00:00 apply=set_field:eth_dst=aa:bb:cc:dd:ee:ff'],
    ['udp6,ipv6_src=2001:db8::/32,ipv6_label=0x12345,tp_src=53,actions=group:4,goto_table:5',
      'add table=0 priority=32768 eth_type=0x86dd ipv6_src=2001:db8::/ffff:ffff:: ipv6_flabel=0x12345 ip_proto=17 udp_src=53 apply=group:4 goto_table=5'],
    ['metadata=0x5/0xff,arp,arp_spa=1.2.3.4,arp_op=2,actions=meter:3,in_port,clear_actions,write_actions(output:7,set_queue:2),write_metadata:0x1/0xff,goto_table:9',
      'add table=0 priority=32768 metadata=0x5/0xff eth_type=0x0806 arp_spa=1.2.3.4 arp_op=2 meter=3 apply=output:in_port clear_actions write=output:7,set_queue:2 write_metadata=0x1/0xff goto_table=9'],
    ['mpls,mpls_label=5,mpls_tc=2,mpls_bos=1,actions=dec_mpls_ttl,set_mpls_ttl(9),pop_mpls:0x0800,dec_ttl',
      'add table=0 priority=32768 eth_type=0x8847 mpls_label=5 mpls_tc=2 mpls_bos=1 apply=dec_mpls_ttl,set_mpls_ttl:9,pop_mpls:0x0800,dec_nw_ttl'],
    ['ip,actions=push_mpls:0x8847,copy_ttl_out,copy_ttl_in', 'add table=0 priority=32768 eth_type=0x0800 apply=push_mpls:0x8847,copy_ttl_out,copy_ttl_in'],
    ['tcp,tcp_flags=+syn-ack,actions=drop', 'add table=0 priority=32768 eth_type=0x0800 ip_proto=6 tcp_flags=0x2/0x12'],
    ['icmp6,icmp_type=135,icmp_code=0,actions=drop', 'add table=0 priority=32768 eth_type=0x86dd ip_proto=58 icmpv6_type=135 icmpv6_code=0'],
    ['arp,arp_sha=00:00:00:00:00:01,nw_dst=10.0.0.1,actions=load:0x2->NXM_OF_ETH_SRC[]',
      'add table=0 priority=32768 eth_type=0x0806 arp_tpa=10.0.0.1 arp_sha=00:00:00:00:00:01 apply=set_field:eth_src=00:00:00:00:00:02'],
    ['actions=write_actions(),goto_table:1', 'add table=0 priority=32768 write=drop goto_table=1'],
  ];
  for (const [flow, line] of GOLDEN) {
    it(`add ${flow}`, () => expect(add(flow)).to.equal(line));
  }

  it('mod and del select all tables unless told, with strict adding the priority', () => {
    const f = parseFlow('table=2,priority=7,cookie=0x10/0xf0,out_port=3,ip,actions=output:4', { filter: true });
    expect(flowModLine({ command: 'mod', flow: f, allTables: true })).to.equal('mod table=all cookie=0x10/0xf0 eth_type=0x0800 apply=output:4');
    expect(flowModLine({ command: 'mod', flow: f, strict: true })).to.equal('mod table=2 strict priority=7 cookie=0x10/0xf0 eth_type=0x0800 apply=output:4');
    expect(flowModLine({ command: 'del', flow: f, allTables: true })).to.equal('del table=all cookie=0x10/0xf0 out_port=3 eth_type=0x0800');
    expect(flowModLine({ command: 'del', flow: f, strict: true })).to.equal('del table=2 strict priority=7 cookie=0x10/0xf0 out_port=3 eth_type=0x0800');
    const g = parseFlow('out_port=LOCAL,out_group=9', { filter: true });
    expect(flowModLine({ command: 'del', flow: g, allTables: true })).to.equal('del table=all out_port=local out_group=9');
    expect(flowModLine({ command: 'mod', flow: parseFlow('reset_counts,actions=drop'), allTables: true })).to.equal('mod table=all reset_counts');
  });

  it('a dump filter is a del filter without the verb', () => {
    expect(filterTokens({ flow: emptyFilterFlow(), allTables: true }).join(' ')).to.equal('table=all');
    expect(filterTokens({ flow: parseFlow('table=1,tcp,tp_dst=22', { filter: true }) }).join(' ')).to.equal('table=1 eth_type=0x0800 ip_proto=6 tcp_dst=22');
  });

  it('refuses what the native form cannot say, naming the token', () => {
    const refused: [string, RegExp][] = [
      ['actions=controller(reason=no_match)', /reason=no_match/],
      ['actions=set_field:5->metadata', /metadata/],
    ];
    for (const [flow, re] of refused) {
      let err: unknown;
      try {
        add(flow);
      } catch (e) {
        err = e;
      }
      expect(err, flow).to.be.instanceOf(NativeTranslationError);
      expect((err as NativeTranslationError).token, flow).to.match(re);
      expect((err as NativeTranslationError).type).to.equal('bad_action');
    }
  });

  it('every corpus flow comes back from the native form as the same flow', () => {
    let checked = 0;
    for (const text of VALID) {
      const flow = parseFlow(text);
      let line: string;
      try {
        line = add(text);
      } catch (e) {
        if (e instanceof NativeTranslationError) continue; // covered by the refusal test
        throw e;
      }
      // A dump line is the add line's arguments with the counters the logic adds.
      const args = line.replace(/^add table=(\d+) priority=(\d+)/, 'id=1 table=$1 priority=$2 duration_ns=0 n_packets=0 n_bytes=0');
      const back = parseDumpLine(args).flow;
      // set_field on vlan_vid always carries OFPVID_PRESENT natively.
      for (const a of [...flow.instructions.apply, ...(flow.instructions.writeActions ?? [])]) {
        if (a.type === 'set_field' && a.field === 'vlan_vid') a.value |= 0x1000n;
        if (a.type === 'load') Object.assign(a, { type: 'set_field' });
      }
      expect(back, `${text}\n${line}`).to.deep.equal(flow);
      checked++;
    }
    expect(checked).to.be.greaterThan(VALID.length * 0.9);
  });

  it('cuts batches by lines and by bytes, keeping the order', () => {
    const lines = Array.from({ length: 25 }, (_, i) => `add priority=${i}`);
    const b = nativeBatches(lines, 10);
    expect(b.map((x) => x.length)).to.deep.equal([10, 10, 5]);
    expect(b.flat()).to.deep.equal(lines);
    const bytes = nativeBatches(['a'.repeat(10), 'b'.repeat(10), 'c'.repeat(30)], 100, 25);
    expect(bytes).to.deep.equal([['a'.repeat(10), 'b'.repeat(10)], ['c'.repeat(30)]]);
    expect(nativeBatches([])).to.deep.equal([]);
  });

  it('an add keeps counter flags and a mod only reset_counts', () => {
    const f = parseFlow('reset_counts,no_packet_counts,no_byte_counts,actions=drop');
    expect(flowModLine({ command: 'add', flow: f } as FlowMod)).to.equal('add table=0 priority=32768 reset_counts no_packet_counts no_byte_counts');
  });
});
