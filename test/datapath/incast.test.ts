// Incast (the paper's §3.3 destination-port parallelism, Fig. 12): several
// senders on different workers copy into one destination port at once.
// With room in the ring nothing is lost, duplicated or reordered per
// sender; with an overfull ring every frame is either received or counted.
import { expect } from 'chai';

import { pktGen } from '../support/pkt-gen';
import { makeRig, receive } from './switch-rig';
import type { Rig } from './switch-rig';
import type { RxSummary, TxSummary } from './traffic';
import { expectOrdered } from './traffic';

const SENDERS = 3;

describe('incast: several senders into one port', function () {
  this.timeout(120000);
  let rig: Rig;
  afterEach(() => rig?.close());

  // Senders on ids 0..2 (ports 1..3), spread over two workers; receiver id 9 on port 9.
  async function incastRig(): Promise<Rig> {
    const r = await makeRig({ workers: 2, logic: 'static', logicConfig: '1=9,2=9,3=9' });
    for (let i = 0; i < SENDERS; i++) r.sw.addMemifInterface({ id: i, port: i + 1, worker: i % 2 });
    r.sw.addMemifInterface({ id: 9, port: 9 });
    return r;
  }

  it('with ring space: no loss, no duplicate, per-sender order kept', async () => {
    rig = await incastRig();
    const per = 3000;
    const rxP = pktGen<RxSummary>(['-f', 'rx', '-i', rig.socket, '--id', '9', '--ring-size', '16384',
      '-n', String(per * SENDERS), '-T', '30'], { timeoutMs: 60000 });
    await new Promise((r) => setTimeout(r, 500));
    const txs = await Promise.all(Array.from({ length: SENDERS }, (_, i) =>
      pktGen<TxSummary>(['-f', 'tx', '-i', rig.socket, '--id', String(i), '--stream', String(i),
        '-n', String(per), '-l', '60'], { timeoutMs: 60000 })));
    const rx = await rxP;
    txs.forEach((t) => expect(t.tx.packets).to.equal(per));
    expect(rx.rx.packets).to.equal(per * SENDERS);
    expectOrdered(rx);
    for (let i = 0; i < SENDERS; i++) {
      const s = rx.rx.streams.find((x) => x.stream === i);
      expect(s, `stream ${i}`).to.not.equal(undefined);
      expect(s!.received).to.equal(per);
      expect(s!.gaps).to.equal(0);
    }
  });

  it('with an overfull ring: sent = received + counted drops, exactly', async () => {
    rig = await incastRig();
    const per = 20000;
    const sink = await rig.connect(9, { ringSize: 256 });  // does not read while they send
    await Promise.all(Array.from({ length: SENDERS }, (_, i) =>
      pktGen<TxSummary>(['-f', 'tx', '-i', rig.socket, '--id', String(i), '--stream', String(i),
        '-n', String(per), '-l', '60'], { timeoutMs: 60000 })));
    const p = rig.port(9);
    const got = receive(sink, 100000, 500);
    expect(got.length).to.equal(p.txPackets);
    expect(got.length).to.be.at.most(256);
    expect(p.txPackets + p.drops['no-space']).to.equal(per * SENDERS);
  });
});
