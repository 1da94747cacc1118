// ovs-ofctl group syntax: parsed, printed as dump-groups prints it (OVS's
// ofp_print_group(): weight only when it differs from the type's default,
// watch_port/watch_group only when set), written as native group lines and
// read back from the native group_dump form.  Golden native lines are
// written by hand from control-text.md.
import { expect } from 'chai';

import {
  FlowSyntaxError, formatGroup, groupDelLine, groupModLine, NativeTranslationError, OFPP_LOCAL, parseGroup,
  parseGroupDumpLine, parseGroupFilter, parseGroupStatsLine,
} from '../../ovs-compat/src';

describe('groups: ovs-ofctl syntax and the native form', () => {
  const GOLDEN: [string, string, string][] = [
    // [ovs-ofctl input, what dump-groups prints, the native group_add line]
    ['group_id=1,type=all,bucket=output:1,bucket=output:2',
      'group_id=1,type=all,bucket=actions=output:1,bucket=actions=output:2',
      'group_add group_id=1 type=all bucket=actions=output:1 bucket=actions=output:2'],
    ['group_id=2,type=select,bucket=weight:5,actions=output:1,mod_dl_src:00:00:00:00:00:01,bucket=actions=output:2',
      'group_id=2,type=select,bucket=weight:5,actions=output:1,set_field:00:00:00:00:00:01->eth_src,bucket=actions=output:2',
      'group_add group_id=2 type=select bucket=weight=5,actions=output:1,set_field:eth_src=00:00:00:00:00:01 bucket=weight=1,actions=output:2'],
    ['group_id=3,type=fast_failover,bucket=watch_port:1,actions=output:1,bucket=watch_port:LOCAL,watch_group:1,actions=LOCAL',
      'group_id=3,type=ff,bucket=watch_port:1,actions=output:1,bucket=watch_port:LOCAL,watch_group:1,actions=LOCAL',
      'group_add group_id=3 type=ff bucket=watch_port=1,actions=output:1 bucket=watch_port=local,watch_group=1,actions=output:local'],
    ['group_id=4,type=indirect,bucket=actions=push_vlan:0x8100,mod_vlan_vid:7,group:1',
      'group_id=4,type=indirect,bucket=actions=push_vlan:0x8100,set_field:4103->vlan_vid,group:1',
      'group_add group_id=4 type=indirect bucket=actions=push_vlan:0x8100,set_field:vlan_vid=0x1007,group:1'],
    ['group_id=5,type=all', 'group_id=5,type=all', 'group_add group_id=5 type=all'],
    ['group_id=6,type=all,bucket=actions=drop', 'group_id=6,type=all,bucket=actions=drop', 'group_add group_id=6 type=all bucket=actions=drop'],
  ];

  for (const [input, printed, native] of GOLDEN) {
    it(input, () => {
      const g = parseGroup(input);
      expect(formatGroup(g)).to.equal(printed);
      expect(parseGroup(printed), 'the printed form reads back').to.deep.equal(g);
      expect(groupModLine('group_add', g)).to.equal(native);
      // group_dump prints a group as group_add reads it.
      const dumped = parseGroupDumpLine(native.replace(/^group_add /, ''));
      expect(formatGroup(dumped)).to.equal(printed);
    });
  }

  it('reads the buckets of a watch_port:LOCAL', () => {
    expect(parseGroup('group_id=3,type=ff,bucket=watch_port:LOCAL,actions=output:1').buckets[0].watchPort).to.equal(OFPP_LOCAL);
  });

  it('refuses what it cannot do, naming the token', () => {
    const bad: [string, RegExp][] = [
      ['type=all,bucket=output:1', /group_id/],
      ['group_id=1,bucket=output:1', /type/],
      ['group_id=1,type=fancy', /fancy/],
      ['group_id=1,type=select,selection_method=hash', /selection_method/],
      ['group_id=1,type=all,bucket=bucket_id:3,actions=output:1', /bucket_id/],
      ['group_id=1,type=all,bucket=actions=goto_table:1', /instructions/],
      ['group_id=4294967041,type=all', /group_id/],
      ['group_id=1,type=all,bucket=actions=frobnicate', /frobnicate/],
    ];
    for (const [text, re] of bad) expect(() => parseGroup(text), text).to.throw(FlowSyntaxError, re);
    expect(() => groupModLine('group_add', parseGroup('group_id=1,type=all,bucket=weight:2,actions=output:1'))).to.throw(NativeTranslationError, /weight/);
  });

  it('del-groups filters and lines', () => {
    expect(parseGroupFilter(undefined)).to.equal('all');
    expect(parseGroupFilter('group_id=all')).to.equal('all');
    expect(parseGroupFilter('group_id=7')).to.equal(7);
    expect(() => parseGroupFilter('7')).to.throw(FlowSyntaxError);
    expect(groupDelLine(7)).to.equal('group_del group_id=7');
    expect(groupDelLine('all')).to.equal('group_del group_id=all');
  });

  it('reads group_stats lines', () => {
    expect(parseGroupStatsLine('group_id=2 duration_ns=5 n_packets=3 n_bytes=180 bucket=2:120 bucket=1:60')).to.deep.equal({
      groupId: 2, durationNs: 5n, packets: 3n, bytes: 180n, buckets: [{ packets: 2n, bytes: 120n }, { packets: 1n, bytes: 60n }],
    });
    expect(() => parseGroupStatsLine('group_id=2 n_packets=3')).to.throw(FlowSyntaxError);
  });
});
