// Errors of the flow parser: each names the token that is wrong (the
// FlowSyntaxError's `token`, and the message says what is wrong with it).

import { expect } from 'chai';
import { FlowSyntaxError, parseFlow } from '../../ovs-compat/src';

const CASES: { flow: string; token: string; says: RegExp }[] = [
  { flow: 'tp_dst=80,actions=drop', token: 'tp_dst=80', says: /tp_dst: prerequisites not met.*tcp, udp or sctp/ },
  { flow: 'ip,tp_src=80,actions=drop', token: 'tp_src=80', says: /tp_src: prerequisites not met/ },
  { flow: 'nw_dst=10.0.0.1,actions=drop', token: 'nw_dst=10.0.0.1', says: /nw_dst: prerequisites not met.*\bip\b/ },
  { flow: 'ipv6_src=::1,actions=drop', token: 'ipv6_src=::1', says: /ipv6_src: prerequisites not met.*ipv6/ },
  { flow: 'icmp_type=3,actions=drop', token: 'icmp_type=3', says: /icmp_type: prerequisites not met/ },
  { flow: 'ip,mpls_label=3,actions=drop', token: 'mpls_label=3', says: /mpls_label: prerequisites not met.*mpls/ },
  { flow: 'udp,tcp_dst=80,actions=drop', token: 'tcp_dst=80', says: /tcp_dst: prerequisites not met.*tcp/ },
  { flow: 'foo=1,actions=drop', token: 'foo=1', says: /unknown keyword foo/ },
  { flow: 'ip,bogus,actions=drop', token: 'bogus', says: /unknown keyword bogus/ },
  { flow: 'actions=bogus:3', token: 'bogus:3', says: /unknown action bogus/ },
  { flow: 'actions=resubmit(,2)', token: 'resubmit(,2)', says: /resubmit is not supported by mswitch/ },
  { flow: 'actions=resubmit:3', token: 'resubmit:3', says: /resubmit is not supported/ },
  { flow: 'ip,actions=set_field:1.1.1.1/24->ip_dst', token: 'set_field:1.1.1.1/24->ip_dst', says: /masked set_field is not supported/ },
  { flow: 'actions=set_field:1->nosuch', token: 'nosuch', says: /nosuch is not a valid OXM field name/ },
  { flow: 'ip,actions=load:0x1->NXM_OF_IP_DST[8..15]', token: 'load:0x1->NXM_OF_IP_DST[8..15]', says: /field slice \[8\.\.15\] is not supported/ },
  { flow: 'actions=set_field:1.2.3.4->ip_dst', token: 'set_field:1.2.3.4->ip_dst', says: /OFPBAC_MATCH_INCONSISTENT.*ip/ },
  { flow: 'actions=mod_tp_dst:80', token: 'mod_tp_dst:80', says: /OFPBAC_MATCH_INCONSISTENT/ },
  { flow: 'dl_src=zz,actions=drop', token: 'zz', says: /zz: invalid Ethernet address/ },
  { flow: 'ip,nw_src=300.1.1.1,actions=drop', token: '300.1.1.1', says: /invalid IP address/ },
  { flow: 'ip,nw_src=1.2.3.4/33,actions=drop', token: '1.2.3.4/33', says: /prefix bits not between 0 and 32/ },
  { flow: 'ip,nw_tos=17,actions=drop', token: 'nw_tos=17', says: /ECN bits must be zero/ },
  { flow: 'in_port=1/1,actions=drop', token: 'in_port=1/1', says: /1\/1: port is not valid/ },
  { flow: 'actions=output:x', token: 'output:x', says: /x: output to unknown port/ },
  { flow: 'priority=70000,actions=drop', token: 'priority=70000', says: /invalid priority "70000"/ },
  { flow: 'table=300,actions=drop', token: 'table=300', says: /unknown table "300"/ },
  { flow: 'cookie=0x1/-1,actions=drop', token: 'cookie=0x1/-1', says: /flow additions cannot use a cookie mask/ },
  { flow: 'priority=5', token: 'priority=5', says: /must specify an action/ },
  { flow: 'actions=drop,output:1', token: 'drop', says: /"drop" must not be accompanied/ },
  { flow: 'actions=goto_table:1,output:1', token: 'output:1', says: /apply_actions must appear before goto_table/ },
  { flow: 'actions=controller(foo=1)', token: 'foo=1', says: /unsupported controller argument/ },
  { flow: 'actions=copy_ttl_in(3)', token: 'copy_ttl_in(3)', says: /unexpected argument to copy_ttl_in/ },
  { flow: 'tcp,tcp_flags=+syn+bogus,actions=drop', token: 'bogus', says: /bogus: unknown TCP flag/ },
  { flow: 'actions=write_actions(output:1', token: 'write_actions(output:1', says: /unbalanced parentheses/ },
];

describe('ovs-compat flow syntax errors name the token', () => {
  for (const c of CASES) {
    it(`${c.flow} -> ${c.token}`, () => {
      let err: unknown;
      try {
        parseFlow(c.flow);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(FlowSyntaxError);
      const e = err as FlowSyntaxError;
      expect(e.code).to.equal('FLOW_SYNTAX');
      expect(e.token).to.equal(c.token);
      expect(c.flow).to.include(e.token);
      expect(e.message).to.match(c.says);
    });
  }
});
