// The openflow-control benchmark's readings: port counters taken from
// every part of an OFPMP_PORT_STATS reply and refused when a port is
// missing or doubled, and nearest-rank percentiles that are always one of
// the measured values; the packet-out the benchmark sends decodes as the
// PACKET_OUT it claims to be.
import { expect } from 'chai';

import { OFP_NO_BUFFER, OFPMPF_REPLY_MORE, OFPP_CONTROLLER, decodeMessage } from '../../controller-agent/src/openflow';
import type { OfMessage, PortStats } from '../../controller-agent/src/openflow';
import { OUT_PORT, packetOuts, udpFrame } from './of-bench-messages';
import { percentile, portCounters } from './of-bench-stats';

function stats(portNo: number, tx: number): PortStats {
  return {
    portNo, rxPackets: 7n, txPackets: BigInt(tx), rxBytes: 0n, txBytes: 0n, rxDropped: 0n, txDropped: 3n, rxErrors: 0n, txErrors: 1n,
    rxFrameErr: 0n, rxOverErr: 0n, rxCrcErr: 0n, collisions: 0n, durationSec: 0, durationNsec: 0,
  };
}

const part = (flags: number, ports: PortStats[]): OfMessage =>
  ({ version: 4, xid: 9, type: 'OFPT_MULTIPART_REPLY', flags, mpType: 'OFPMP_PORT_STATS', ports });

describe('openflow-control bench: port counters and percentiles', () => {
  it('takes the asked ports from every part of a split reply', () => {
    const c = portCounters([part(OFPMPF_REPLY_MORE, [stats(1, 10), stats(2, 20)]), part(0, [stats(3, 30)])], [2, 3], 'sw');
    expect([...c.keys()].sort()).to.deep.equal([2, 3]);
    expect(c.get(3)).to.deep.equal({ rxPackets: 7, txPackets: 30, txDropped: 3, txErrors: 1 });
    expect(c.get(2)!.txPackets).to.equal(20);
  });

  it('refuses a reply without one of the ports, naming the switch and the port', () => {
    expect(() => portCounters([part(0, [stats(1, 10)])], [1, 2], 'ovs')).to.throw(/ovs: no port stats for port\(s\) 2 \(got 1\)/);
  });

  it('refuses a port counted twice and a reply of another kind', () => {
    expect(() => portCounters([part(OFPMPF_REPLY_MORE, [stats(2, 1)]), part(0, [stats(2, 2)])], [2], 'sw')).to.throw(/port 2 appears twice/);
    expect(() => portCounters([{ version: 4, xid: 9, type: 'OFPT_BARRIER_REPLY' }], [2], 'sw')).to.throw(/got OFPT_BARRIER_REPLY/);
  });

  it('gives nearest-rank percentiles, each a measured value', () => {
    const xs = Array.from({ length: 200 }, (_, i) => 200 - i);   // 200 .. 1, unsorted
    expect(percentile(xs, 50)).to.equal(100);
    expect(percentile(xs, 99)).to.equal(198);
    expect(percentile(xs, 100)).to.equal(200);
    expect(percentile([5, 1, 9], 50)).to.equal(5);
    expect(percentile([5, 1, 9], 99)).to.equal(9);
    expect(percentile([4], 1)).to.equal(4);
    expect(percentile([], 50)).to.be.NaN;
    expect(() => percentile([1], 0)).to.throw(/not in/);
  });

  it('sends packet-outs from the controller to port 2 carrying the 60-byte frame, xids in order', () => {
    const chunks = packetOuts(600, 0x200000);
    expect(chunks).to.have.length(2);                  // 512 messages per chunk
    const all = Buffer.concat(chunks);
    const size = all.readUInt16BE(2);
    expect(all.length).to.equal(600 * size);
    for (const i of [0, 599]) {
      const m = decodeMessage(all.subarray(i * size, (i + 1) * size));
      expect(m).to.deep.include({ version: 4, xid: 0x200000 + i, type: 'OFPT_PACKET_OUT', bufferId: OFP_NO_BUFFER, inPort: OFPP_CONTROLLER });
      if (m.type !== 'OFPT_PACKET_OUT') throw new Error('not a packet-out');
      expect(m.actions).to.deep.equal([{ type: 'output', port: OUT_PORT }]);
      expect(m.data.equals(udpFrame())).to.equal(true);
    }
  });
});
