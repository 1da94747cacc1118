// Swapping the switching logic live (l2-learning <-> static) while the
// generator runs: no crash, no frame lost in the swap, counters consistent.
import { expect } from 'chai';

import { makeRig } from './switch-rig';
import type { Rig } from './switch-rig';
import { expectOrdered, runTraffic } from './traffic';

describe('logic swap under traffic', function () {
  this.timeout(60000);
  let rig: Rig;
  afterEach(() => rig?.close());

  it('swaps l2-learning and static back and forth without losing a frame', async () => {
    rig = await makeRig({ logic: 'l2-learning' });
    rig.sw.addMemifInterface({ id: 0, port: 1 });
    rig.sw.addMemifInterface({ id: 1, port: 2 });
    let swaps = 0;
    let stop = false;
    // Both logics send port 1's broadcast frames to port 2, so nothing may be lost.
    const swapper = (async () => {
      while (!stop) {
        rig.sw.setLogic(swaps % 2 === 0 ? 'static' : 'l2-learning', swaps % 2 === 0 ? '1=2' : '');
        swaps++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const { tx, rx } = await runTraffic({ socket: rig.socket, txId: 0, rxId: 1, seconds: 3, rate: '200k' });
    stop = true;
    await swapper;
    expect(swaps).to.be.greaterThan(20);
    const p1 = rig.port(0);
    const p2 = rig.port(1);
    expect(tx.tx.packets).to.be.greaterThan(100000);
    expect(p1.rxPackets, 'the switch took every frame sent').to.equal(tx.tx.packets);
    // None lost in a swap: every frame was delivered, or found the
    // receiver's ring full (the receiver shares 2 cores with everyone).
    expect(p1.drops['logic-drop'] + p1.drops['bad-dest'] + p1.drops['hairpin']).to.equal(0);
    expect(p2.txPackets).to.equal(rx.rx.packets);
    expect(p2.txPackets + p2.drops['no-space'], 'delivered + counted drops').to.equal(tx.tx.packets);
    expectOrdered(rx);
  });

  it('refuses an unknown logic or a bad config and keeps the running one', async () => {
    rig = await makeRig({ logic: 'l2-learning' });
    expect(() => rig.sw.setLogic('no-such-logic')).to.throw(/no switching logic named 'no-such-logic'/);
    expect(() => rig.sw.setLogic('static', '1=x')).to.throw(/IN=OUT/);
    expect(rig.sw.logic()).to.equal('l2-learning');
  });
});
