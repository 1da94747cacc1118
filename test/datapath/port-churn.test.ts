// Port churn: 1000 memif ports come and go (each with a client connecting
// and leaving) while traffic flows between two other ports, which must
// not lose or reorder a frame.
import { expect } from 'chai';

import { MemifClient } from '../../controller-agent/src/datapath';
import { makeRig } from './switch-rig';
import type { Rig } from './switch-rig';
import { expectOrdered, runTraffic } from './traffic';

describe('port churn', function () {
  this.timeout(180000);
  let rig: Rig;
  afterEach(() => rig?.close());

  it('adds and removes 1000 memif ports while traffic flows on two others', async () => {
    rig = await makeRig({ logic: 'static', logicConfig: '1=2' });
    rig.sw.addMemifInterface({ id: 0, port: 1 });
    rig.sw.addMemifInterface({ id: 1, port: 2 });
    let churned = 0;
    let stop = false;
    let failure: Error | undefined;
    const churn = (async () => {
      await new Promise((r) => setTimeout(r, 800));
      try {
        for (let i = 0; i < 1000 && !stop; i++) {
          const id = 1000 + i;
          const port = rig.sw.addMemifInterface({ id });
          // Every other port gets a real client: handshake, map, publish, tear down.
          if (i % 2 === 0) {
            const c = new MemifClient({ socket: rig.socket, id, ringSize: 16 });
            c.close();
          }
          rig.sw.removePort(port);
          churned++;
          if (i % 50 === 0) await new Promise((r) => setImmediate(r));
        }
      } catch (e) {
        failure = e as Error;
      }
    })();
    const { tx, rx } = await runTraffic({ socket: rig.socket, txId: 0, rxId: 1, seconds: 8, rate: '100k' });
    stop = true;
    await churn;
    if (failure) throw failure;
    expect(churned).to.equal(1000);
    // Every frame arrived, or found the receiver's ring full (the receiver
    // shares two CPUs with everything else): none lost to the churn.
    const p1 = rig.port(0);
    const p2 = rig.port(1);
    expect(p1.rxPackets, 'the switch took every frame sent').to.equal(tx.tx.packets);
    expect(p1.drops['logic-drop'] + p1.drops['bad-dest'] + p1.drops['port-down']).to.equal(0);
    expect(p2.txPackets).to.equal(rx.rx.packets);
    expect(p2.txPackets + p2.drops['no-space'], 'delivered + counted drops').to.equal(tx.tx.packets);
    expectOrdered(rx);
    expect(rig.sw.ports().filter((p) => p.index > 2)).to.have.length(0);
  });

  it('holds 1000 connected ports at once and floods to all of them', async () => {
    rig = await makeRig();
    const clients = [];
    for (let i = 0; i < 1000; i++) clients.push(new MemifClient({ socket: rig.socket, id: i, ringSize: 16 }));
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.sw.ports().filter((p) => p.up)).to.have.length(1000);
    const f = Buffer.alloc(60, 1);
    f.fill(0xff, 0, 6);
    expect(clients[0].send([f])).to.equal(1);
    let got = 0;
    for (let i = 1; i < 1000; i++) {
      if (clients[i].waitRx(2000)) got += clients[i].recv().length;
    }
    expect(got).to.equal(999);
    for (const c of clients) c.close();
  });
});
