// ovs-ofctl meter syntax: parsed, printed as dump-meters prints it (OVS's
// ofputil_format_meter_config()), written as native meter lines and read
// back from the native meter_dump form.  Golden native lines are written by
// hand from control-text.md.
import { expect } from 'chai';

import {
  FlowSyntaxError, formatMeter, formatMeterSpec, meterDelLine, meterModLine, parseMeter, parseMeterDumpLine, parseMeterFilter,
  parseMeterStatsLine,
} from '../../ovs-compat/src';

describe('meters: ovs-ofctl syntax and the native form', () => {
  const GOLDEN: [string, string[], string][] = [
    ['meter=1,kbps,band=type=drop,rate=1000', ['meter=1 kbps bands=', 'type=drop rate=1000'], 'meter_add meter_id=1 kbps band=type=drop,rate=1000'],
    ['meter=2,pktps,burst,stats,band=type=drop,rate=100,burst_size=10,type=dscp_remark,rate=50,burst_size=5,prec_level=2',
      ['meter=2 pktps burst stats bands=', 'type=drop rate=100 burst_size=10', 'type=dscp_remark rate=50 burst_size=5 prec_level=2'],
      'meter_add meter_id=2 pktps burst stats band=type=drop,rate=100,burst_size=10 band=type=dscp_remark,rate=50,burst_size=5,prec_level=2'],
    // Flags print in ovs-ofctl's order whatever order they came in; space separated input works too.
    ['meter=3 stats kbps bands=type=dscp_remark rate=2000', ['meter=3 kbps stats bands=', 'type=dscp_remark rate=2000 prec_level=0'],
      'meter_add meter_id=3 kbps stats band=type=dscp_remark,rate=2000,prec_level=0'],
  ];
  for (const [input, printed, native] of GOLDEN) {
    it(input, () => {
      const m = parseMeter(input);
      expect(formatMeter(m)).to.deep.equal(printed);
      expect(meterModLine('meter_add', m)).to.equal(native);
      expect(parseMeterDumpLine(native.replace(/^meter_add /, ''))).to.deep.equal(m);
      expect(parseMeter(formatMeterSpec(m)), 'the add-meter form reads back').to.deep.equal(m);
    });
  }

  it('refuses what ovs-ofctl refuses, naming the token', () => {
    const bad: [string, RegExp][] = [
      ['meter=1,kbps', /must specify bands/],
      ['kbps,band=type=drop,rate=1', /'meter'/],
      ['meter=1,band=type=drop,rate=1', /kbps' or 'pktps/],
      ['meter=0,kbps,band=type=drop,rate=1', /meter=0/],
      ['meter=slowpath,kbps,band=type=drop,rate=1', /slowpath/],
      ['meter=1,kbps,band=rate=1', /'type'/],
      ['meter=1,kbps,band=type=mark,rate=1', /mark/],
      ['meter=1,kbps,band=type=drop,rate=x', /rate=x/],
      ['meter=1,kbps,colour=red,band=type=drop,rate=1', /colour/],
    ];
    for (const [text, re] of bad) expect(() => parseMeter(text), text).to.throw(FlowSyntaxError, re);
  });

  it('del-meters filters, lines and stats', () => {
    expect(parseMeterFilter(undefined)).to.equal('all');
    expect(parseMeterFilter('meter=all')).to.equal('all');
    expect(parseMeterFilter('meter=4')).to.equal(4);
    expect(() => parseMeterFilter('4')).to.throw(FlowSyntaxError);
    expect(meterDelLine(4)).to.equal('meter_del meter_id=4');
    expect(parseMeterStatsLine('meter_id=2 duration_ns=7 n_packets=5 n_bytes=320 band=1:64 band=0:0')).to.deep.equal({
      meterId: 2, durationNs: 7n, packets: 5n, bytes: 320n, bands: [{ packets: 1n, bytes: 64n }, { packets: 0n, bytes: 0n }],
    });
  });
});
