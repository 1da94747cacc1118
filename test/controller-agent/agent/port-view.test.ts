// PortView (controller-agent/src/agent/ports.ts): the ofp_port list the
// agent answers FEATURES and PORT_DESC with.  The switch's port list here
// is a plain array the test changes (PortView reads only `ports()`), so
// the poll that sends PORT_STATUS (diff) can be held back: a port that
// came up must show LIVE in a description reply before that poll runs
// (ovs-ofctl show used to print LINK_DOWN for a connected memif port).
import { expect } from 'chai';

import { OFPPS_LINK_DOWN, OFPPS_LIVE, PortView } from '../../../controller-agent/src/agent/ports';
import type { PortInfo } from '../../../controller-agent/src/datapath';

function memif(index: number, up: boolean): PortInfo {
  return {
    index, name: `memif${index}`, kind: 'memif', up, memifId: index, rxQueues: 1, txQueues: 1,
    rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, drops: {} as PortInfo['drops'],
  };
}

describe('agent port view', () => {
  it('describes each port with its link state as it is now, whether or not the PORT_STATUS poll ran', () => {
    let list = [memif(1, false), memif(2, false)];
    const view = new PortView({ ports: () => list }, 0x0a0000000000n);
    expect(view.diff(0n).map((s) => s.port.state)).to.deep.equal([OFPPS_LINK_DOWN, OFPPS_LINK_DOWN]);
    list = [memif(1, true), memif(2, false)];
    expect(view.descs().map((d) => d.state)).to.deep.equal([OFPPS_LIVE, OFPPS_LINK_DOWN]);
    // The poll still reports the change once.
    const changes = view.diff(1n);
    expect(changes.map((c) => [c.port.portNo, c.port.state])).to.deep.equal([[1, OFPPS_LIVE]]);
    expect(view.diff(2n)).to.deep.equal([]);
  });
});
