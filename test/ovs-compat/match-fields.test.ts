// The match-field table: OXM numbers against the OpenFlow 1.3.5 spec's
// enum oxm_ofb_match_fields (section 7.2.3.7), typed in here from the spec,
// spellings, widths and prerequisites.

import { expect } from 'chai';
import {
  fieldByName, fieldBySpelling, fieldByNxmName, MATCH_FIELDS, OFPXMC_OPENFLOW_BASIC, parseFlow, PROTOCOL_ALIASES,
} from '../../ovs-compat/src';

// OFPXMT_OFB_* from the spec, with the width of each field's value (Table 12).
const SPEC: Record<string, [number, number, boolean]> = {
  in_port: [0, 32, false], metadata: [2, 64, true], eth_dst: [3, 48, true], eth_src: [4, 48, true],
  eth_type: [5, 16, false], vlan_vid: [6, 13, true], vlan_pcp: [7, 3, false], ip_dscp: [8, 6, false],
  ip_ecn: [9, 2, false], ip_proto: [10, 8, false], ipv4_src: [11, 32, true], ipv4_dst: [12, 32, true],
  tcp_src: [13, 16, true], tcp_dst: [14, 16, true], udp_src: [15, 16, true], udp_dst: [16, 16, true],
  sctp_src: [17, 16, true], sctp_dst: [18, 16, true], icmpv4_type: [19, 8, false], icmpv4_code: [20, 8, false],
  arp_op: [21, 16, false], arp_spa: [22, 32, true], arp_tpa: [23, 32, true], arp_sha: [24, 48, true],
  arp_tha: [25, 48, true], ipv6_src: [26, 128, true], ipv6_dst: [27, 128, true], ipv6_flabel: [28, 20, true],
  icmpv6_type: [29, 8, false], icmpv6_code: [30, 8, false], mpls_label: [34, 20, false], mpls_tc: [35, 3, false],
  mpls_bos: [36, 1, false],
};

describe('ovs-compat match-field table', () => {
  for (const [name, [field, bits]] of Object.entries(SPEC)) {
    it(`${name} is OXM_OF_${name.toUpperCase()} (${field}), ${bits} bits`, () => {
      const f = fieldByName(name);
      expect(f.oxmClass).to.equal(OFPXMC_OPENFLOW_BASIC);
      expect(f.oxmField).to.equal(field);
      expect(f.bits).to.equal(bits);
    });
  }

  it('gives OXM payload lengths as the spec lays them out (Table 12)', () => {
    const bytes: Record<string, number> = { in_port: 4, metadata: 8, eth_dst: 6, vlan_vid: 2, vlan_pcp: 1, ip_dscp: 1, ipv4_src: 4,
      tcp_src: 2, arp_op: 2, ipv6_src: 16, ipv6_flabel: 4, mpls_label: 4, mpls_tc: 1, mpls_bos: 1 };
    for (const [name, n] of Object.entries(bytes)) expect(fieldByName(name).bytes, name).to.equal(n);
  });

  it('has no OXM class/field pair twice', () => {
    const keys = MATCH_FIELDS.map((f) => `${f.oxmClass}:${f.oxmField}`);
    expect(new Set(keys).size).to.equal(keys.length);
  });

  it('knows the old and new ovs-ofctl spellings', () => {
    const pairs: [string, string][] = [['nw_src', 'ip_src'], ['nw_dst', 'ip_dst'], ['dl_src', 'eth_src'], ['dl_dst', 'eth_dst'],
      ['dl_type', 'eth_type'], ['nw_proto', 'ip_proto'], ['dl_vlan', 'vlan_vid'], ['dl_vlan_pcp', 'vlan_pcp']];
    for (const [old, now] of pairs) expect(fieldBySpelling(old), old).to.equal(fieldBySpelling(now));
    expect(PROTOCOL_ALIASES.tp_dst).to.deep.equal({ '6': 'tcp_dst', '17': 'udp_dst', '132': 'sctp_dst' });
    expect(fieldByNxmName('NXM_OF_ETH_SRC')?.name).to.equal('eth_src');
  });

  it('resolves tp_dst by protocol', () => {
    for (const [sh, name] of [['tcp', 'tcp_dst'], ['udp6', 'udp_dst'], ['sctp', 'sctp_dst']]) {
      expect(parseFlow(`${sh},tp_dst=1,actions=drop`).match.map((m) => m.field)).to.include(name);
    }
  });

  it('parses every value format: MAC, IPv4 prefix and mask, IPv6 prefix, integers with masks', () => {
    const m = (flow: string) => parseFlow(`${flow},actions=drop`).match;
    expect(m('dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00')).to.deep.equal([{ field: 'eth_src', value: 0x001122000000n, mask: 0xffffff000000n }]);
    expect(m('ip,nw_dst=10.1.2.3/16')[1]).to.deep.equal({ field: 'ipv4_dst', value: 0x0a010000n, mask: 0xffff0000n });
    expect(m('ip,nw_dst=10.1.2.3/255.0.255.0')[1]).to.deep.equal({ field: 'ipv4_dst', value: 0x0a000200n, mask: 0xff00ff00n });
    expect(m('ipv6,ipv6_src=2001:db8::1/32')[1]).to.deep.equal({ field: 'ipv6_src', value: 0x20010db8n << 96n, mask: 0xffffffffn << 96n });
    expect(m('metadata=0x10/0xf0')).to.deep.equal([{ field: 'metadata', value: 0x10n, mask: 0xf0n }]);
    expect(m('tcp,tp_dst=0x50/0xfff0')[2]).to.deep.equal({ field: 'tcp_dst', value: 0x50n, mask: 0xfff0n });
  });

  it('gives every field with prerequisites a hint naming a shorthand', () => {
    for (const f of MATCH_FIELDS) for (const p of f.prerequisites) expect(p.hint, f.name).to.match(/^[a-z]/);
  });
});
