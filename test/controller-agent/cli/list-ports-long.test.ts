// `mswitch list-ports --long`'s table (cli/format.ts formatPortList): one
// port a line in number order with type, state, MTU and speed, '-' where
// a port kind has none (memif), speeds in the units `ethtool` users read.
import { expect } from 'chai';

import type { components } from '../../../controller-agent/src/api/schema';
import { formatPortList } from '../../../controller-agent/src/cli/format';

type Port = components['schemas']['Port'];

const stats = { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, rxDropped: 0, rxErrors: 0, txDropped: 0, txErrors: 0, drops: 0 };
const port = (p: Partial<Port> & Pick<Port, 'port' | 'name' | 'type' | 'up'>): Port =>
  ({ rxQueues: 1, txQueues: 1, stats, drops: {}, ...p });

describe('mswitch list-ports --long', () => {
  it('prints number, name, type, state, MTU and speed in number order, aligned', () => {
    const out = formatPortList([
      port({ port: 3, name: 'veth-long-name', type: 'afxdp', up: false, mtu: 9000, speedMbps: 10000 }),
      port({ port: 1, name: 'memif1', type: 'memif', up: true, memifId: 1 }),
      port({ port: 2, name: 'br0', type: 'tap', up: true, mtu: 1500, speedMbps: 10 }),
      port({ port: 4, name: 'eth1', type: 'afpacket', up: true, mtu: 1500 }),
    ]);
    expect(out).to.equal([
      'PORT  NAME            TYPE      STATE  MTU   SPEED',
      '1     memif1          memif     up     -     -',
      '2     br0             tap       up     1500  10Mb/s',
      '3     veth-long-name  afxdp     down   9000  10Gb/s',
      '4     eth1            afpacket  up     1500  -',
      '',
    ].join('\n'));
  });

  it('prints only the header for a bridge without ports', () => {
    expect(formatPortList([])).to.equal('PORT  NAME  TYPE  STATE  MTU  SPEED\n');
  });
});
