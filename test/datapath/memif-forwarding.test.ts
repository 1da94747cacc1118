// Frames through the switch between our own memif clients: sizes from
// runts to chained 64 KiB frames arrive byte-identical, and the default
// l2-learning logic floods unknown destinations and unicasts learned ones.
import { expect } from 'chai';

import { BROADCAST, drain, frame, mac, makeRig, receive, sendAll } from './switch-rig';
import type { Rig } from './switch-rig';

describe('memif forwarding (l2-learning)', function () {
  let rig: Rig;
  afterEach(() => rig?.close());

  it('delivers 60..1514-byte frames byte-identical and chains 9000 and 65535-byte frames', async () => {
    rig = await makeRig();
    const a = await rig.connect(0);
    const b = await rig.connect(1);
    // Teach the switch where b lives so a's frames unicast to it.
    sendAll(b, [frame(mac(1), mac(2), 60)]);
    expect(receive(a, 1)).to.have.length(1);
    for (const len of [60, 64, 128, 512, 1514, 2048, 2049, 4097, 9000, 65535]) {
      const frames = [0, 1, 2].map((t) => frame(mac(2), mac(1), len, t));
      sendAll(a, frames);
      const got = receive(b, frames.length);
      expect(got.map((f) => f.length), `lengths at ${len}`).to.deep.equal(frames.map((f) => f.length));
      got.forEach((f, i) => expect(f.equals(frames[i]), `frame ${i} of ${len} bytes`).to.equal(true));
    }
    const pa = rig.port(0);
    const pb = rig.port(1);
    expect(pa.rxPackets).to.equal(30);
    expect(pb.txPackets).to.equal(30);
  });

  it('floods unknown and broadcast destinations to every port but the source', async () => {
    rig = await makeRig();
    const [a, b, c] = [await rig.connect(0), await rig.connect(1), await rig.connect(2)];
    const unknown = frame(mac(99), mac(1), 100, 1);
    const bcast = frame(BROADCAST, mac(1), 100, 2);
    sendAll(a, [unknown, bcast]);
    for (const [name, cl] of [['b', b], ['c', c]] as const) {
      const got = receive(cl, 2);
      expect(got, `${name} gets both`).to.have.length(2);
      expect(got[0].equals(unknown) && got[1].equals(bcast)).to.equal(true);
    }
    expect(drain(a), 'never back to the source').to.have.length(0);
  });

  it('after one frame each way, unicast reaches only the learned port', async () => {
    rig = await makeRig();
    const [a, b, c] = [await rig.connect(0), await rig.connect(1), await rig.connect(2)];
    sendAll(a, [frame(mac(2), mac(1), 64)]);      // unknown: flooded to b and c
    expect(receive(b, 1)).to.have.length(1);
    expect(receive(c, 1)).to.have.length(1);
    sendAll(b, [frame(mac(1), mac(2), 64)]);      // a is known: only a
    expect(receive(a, 1)).to.have.length(1);
    expect(drain(c), 'c must not see b->a').to.have.length(0);
    const f = frame(mac(2), mac(1), 300, 7);       // both known now
    sendAll(a, [f]);
    const got = receive(b, 1);
    expect(got).to.have.length(1);
    expect(got[0].equals(f)).to.equal(true);
    expect(drain(c), 'c must not see a->b').to.have.length(0);
    const table = rig.sw.logicControl('show');
    expect(table).to.match(/02:00:00:00:00:01 1 /);
    expect(table).to.match(/02:00:00:00:00:02 2 /);
  });

  it('drops a frame whose learned destination is its own source port', async () => {
    rig = await makeRig();
    const [a, b] = [await rig.connect(0), await rig.connect(1)];
    sendAll(a, [frame(BROADCAST, mac(1), 64), frame(BROADCAST, mac(3), 64)]);
    expect(receive(b, 2)).to.have.length(2);
    sendAll(a, [frame(mac(3), mac(1), 64)]);        // mac 3 lives on a's own port
    expect(drain(b)).to.have.length(0);
    expect(drain(a)).to.have.length(0);
    expect(rig.port(0).drops['logic-drop']).to.equal(1);
  });

  it('forgets what it learned on a port whose client left', async () => {
    rig = await makeRig();
    const [a, b] = [await rig.connect(0), await rig.connect(1)];
    sendAll(b, [frame(BROADCAST, mac(2), 64)]);
    expect(receive(a, 1)).to.have.length(1);
    expect(rig.sw.logicControl('show')).to.match(/02:00:00:00:00:02/);
    b.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(rig.sw.logicControl('show')).to.not.match(/02:00:00:00:00:02/);
  });

  it('counts a full receiver ring exactly: sent = received + no-space drops', async () => {
    rig = await makeRig({ logic: 'static', logicConfig: '1=2' });
    rig.sw.addMemifInterface({ id: 0, port: 1 });
    rig.sw.addMemifInterface({ id: 1, port: 2 });
    const a = await rig.connect(0);
    const b = await rig.connect(1, { ringSize: 64 });
    const frames = Array.from({ length: 1000 }, (_, i) => frame(mac(2), mac(1), 60, i));
    sendAll(a, frames);                             // b does not read meanwhile
    await new Promise((r) => setTimeout(r, 300));
    const got = receive(b, 1000, 1000);
    const pb = rig.port(1);
    expect(got.length).to.be.at.most(64);
    expect(got.length + pb.drops['no-space']).to.equal(1000);
    expect(pb.txPackets).to.equal(got.length);
    got.forEach((f, i) => expect(f.readUInt32BE(14), 'in order').to.equal(i));
  });

  it('counts frames to a configured port whose client is not connected as port-down', async () => {
    rig = await makeRig({ logic: 'static', logicConfig: '1=2' });
    rig.sw.addMemifInterface({ id: 0, port: 1 });
    rig.sw.addMemifInterface({ id: 1, port: 2 });
    const a = await rig.connect(0);
    sendAll(a, [frame(mac(2), mac(1), 60), frame(mac(2), mac(1), 60)]);
    await new Promise((r) => setTimeout(r, 200));
    const p1 = rig.port(0);
    expect(p1.rxPackets).to.equal(2);
    expect(p1.drops['port-down']).to.equal(2);
    expect(p1.drops['bad-dest']).to.equal(0);
    expect(rig.port(1).up).to.equal(false);
  });

  it('forwards from and to every queue pair of a multi-queue client', async () => {
    rig = await makeRig({ workers: 2, logic: 'static', logicConfig: '1=2' });
    rig.sw.addMemifInterface({ id: 0, port: 1 });
    rig.sw.addMemifInterface({ id: 1, port: 2 });
    const a = await rig.connect(0, { queues: 4 });
    const b = await rig.connect(1, { queues: 2 });
    const p1 = rig.port(0);
    expect(p1.rxQueues).to.equal(4);
    expect(rig.port(1).txQueues).to.equal(2);
    const sent: Buffer[] = [];
    for (let q = 0; q < 4; q++) {
      const frames = [0, 1, 2].map((i) => frame(mac(2), mac(1), 100 + q * 10 + i, q * 10 + i));
      sendAll({ send: (f: Buffer[]) => a.send(f, q) } as never, frames);
      sent.push(...frames);
    }
    // The switch spreads its transmit queues over workers; b reads both.
    const got: Buffer[] = [];
    const end = Date.now() + 3000;
    while (got.length < sent.length && Date.now() < end) {
      for (let q = 0; q < 2; q++) if (b.waitRx(20, q)) got.push(...b.recv(256, q));
    }
    const key = (f: Buffer): string => f.toString('hex');
    expect(got.map(key).sort()).to.deep.equal(sent.map(key).sort());
  });

  it('handles clients with different buffer sizes on each side (2 KiB, 4 KiB, 9216 B)', async () => {
    rig = await makeRig({ logic: 'static', logicConfig: '1=2,2=1' });
    rig.sw.addMemifInterface({ id: 0, port: 1 });
    rig.sw.addMemifInterface({ id: 1, port: 2 });
    const a = await rig.connect(0, { bufferSize: 4096 });
    const b = await rig.connect(1, { bufferSize: 9216 });
    for (const len of [60, 4096, 4097, 9000, 9216, 9217, 20000, 65535]) {
      const ab = frame(mac(2), mac(1), len, len);
      const ba = frame(mac(1), mac(2), len, len + 1);
      sendAll(a, [ab]);
      sendAll(b, [ba]);
      const gb = receive(b, 1);
      const ga = receive(a, 1);
      expect(gb.length === 1 && gb[0].equals(ab), `a->b ${len} bytes`).to.equal(true);
      expect(ga.length === 1 && ga[0].equals(ba), `b->a ${len} bytes`).to.equal(true);
    }
  });
});
