// Ports added through the REST API carry real traffic: two memif clients
// attach to ports made by POST /switches/br0/ports, one floods frames to
// the other, and GET /switches/br0/ports shows the counters move.
import { expect } from 'chai';
import { join } from 'path';

import { MemifClient } from '../../../controller-agent/src/datapath';
import type { NativeMemifClient } from '../../../controller-agent/src/datapath';
import { BROADCAST, frame, mac, receive, sendAll } from '../../datapath/switch-rig';
import { waitForAsync } from '../../support/wait';
import { makeApiRig, viaInject } from './api-rig';
import type { ApiRig, Transport } from './api-rig';

interface PortJson { port: number; name: string; up: boolean; memifId: number; stats: Record<string, number>; drops: Record<string, number> }

describe('REST API: memif ports with traffic', () => {
  let rig: ApiRig | undefined;
  const clients: NativeMemifClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await rig?.close();
    rig = undefined;
  });

  const ports = async (call: Transport): Promise<PortJson[]> => (await call({ method: 'GET', url: '/switches/br0/ports' })).json.ports;

  it('a client attaches to an API-made port; its counters and drops show in GET .../ports', async () => {
    rig = await makeApiRig();
    const call = viaInject(rig.unixApp);
    for (const [id, port, name] of [[11, 4, 'left'], [12, 9, 'right']] as const) {
      const a = await call({ method: 'POST', url: '/switches/br0/ports', body: { type: 'memif', id, port, name } });
      expect(a.status, a.text).to.equal(201);
    }
    const socket = join(rig.rundir, 'br0.memif');
    const left = new MemifClient({ socket, id: 11, name: 'api-left' });
    clients.push(left);
    const right = new MemifClient({ socket, id: 12, name: 'api-right' });
    clients.push(right);
    await waitForAsync(async () => (await ports(call)).every((p) => p.up), { what: 'both ports up', timeoutMs: 20_000 });

    const frames = Array.from({ length: 20 }, (_, i) => frame(BROADCAST, mac(1), 100, i));
    // Generous deadlines: they bound a failure, they are not what is tested.
    sendAll(left, frames, 20_000);
    expect(receive(right, frames.length, 20_000)).to.have.length(frames.length);
    await waitForAsync(async () => {
      const [l, r] = await ports(call);
      return l.stats.rxPackets === 20 && r.stats.txPackets === 20;
    }, { what: 'the counters of both ports', timeoutMs: 20_000 });

    const [l, r] = await ports(call);
    expect(l).to.include({ port: 4, name: 'left', up: true, memifId: 11 });
    expect(l.stats).to.include({ rxPackets: 20, rxBytes: 2000, drops: 0 });
    expect(r).to.include({ port: 9, name: 'right', up: true, memifId: 12 });
    expect(r.stats).to.include({ txPackets: 20, txBytes: 2000 });

    // Deleting the port through the API disconnects its client.
    const d = await call({ method: 'DELETE', url: '/switches/br0/ports/right' });
    expect(d.status, d.text).to.equal(204);
    await waitForAsync(async () => !right.connected(), { what: 'the right client to be disconnected', timeoutMs: 20_000 });
    // Frames flooded now find no other port: nothing is counted as sent.
    sendAll(left, frames.slice(0, 5), 20_000);
    await waitForAsync(async () => (await ports(call))[0].stats.rxPackets === 25, { what: 'left rx 25', timeoutMs: 20_000 });
    const after = await ports(call);
    expect(after.map((p) => p.name)).to.deep.equal(['left']);
  });
});
