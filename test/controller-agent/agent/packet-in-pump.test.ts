// PacketInPump (agent/packet-io.ts) against a scripted controller queue:
// it reads in batches until a read comes back short (which re-arms the
// queue's wake-up), yields to the event loop after a bounded number of
// entries so sockets flush and requests are answered during a flood, and
// reads nothing while every controller is backlogged, coming back by
// itself when one can; with no controller taking packet-ins it parks (no
// read, no timer) until resume(), which discards what waited.  The daemon-level behaviour under a real flood is
// in packet-in-flood.test.ts.
import { expect } from 'chai';

import { PacketInPump } from '../../../controller-agent/src/agent/packet-io';
import type { AsyncMessage } from '../../../controller-agent/src/agent/types';
import type { ControllerPacket } from '../../../controller-agent/src/datapath';
import { sleep, waitFor } from '../../support/wait';

// A queue holding 'waiting' entries; every read is logged.
class FakeQueue {
  waiting = 0;
  reads: number[] = [];
  cb: (() => void) | null = null;

  onControllerQueue(cb: (() => void) | null): void {
    this.cb = cb;
  }

  readControllerQueue(max = 1024): ControllerPacket[] {
    const n = Math.min(max, this.waiting);
    this.waiting -= n;
    this.reads.push(n);
    return Array.from({ length: n }, (_, i) => ({
      reason: 0, tableId: 0, cookie: 0n, metadata: 0n, inPort: 1, maxLen: 0xffff, totalLen: 60, data: Buffer.alloc(60, i),
    }));
  }

  // The worker side: entries arrive, the armed queue calls back.
  fill(n: number): void {
    this.waiting += n;
    this.cb?.();
  }
}

describe('agent: PacketInPump', () => {
  let q: FakeQueue;
  let sent: AsyncMessage[];
  let pump: PacketInPump | undefined;

  beforeEach(() => {
    q = new FakeQueue();
    sent = [];
  });
  afterEach(() => pump?.stop());

  it('turns every entry into a PACKET_IN with NO_BUFFER and stops at the first short read', () => {
    pump = new PacketInPump(q, (m) => sent.push(m));
    pump.start();
    q.fill(300);
    expect(sent).to.have.length(300);
    expect(q.reads).to.deep.equal([256, 44]);
    expect(sent[0]).to.include({ type: 'OFPT_PACKET_IN', bufferId: 0xffffffff, totalLen: 60, reason: 0 });
    expect(pump.sent).to.equal(300);
  });

  it('yields to the event loop during a flood and finishes the backlog in later turns', async () => {
    pump = new PacketInPump(q, (m) => sent.push(m));
    pump.start();
    let other = 0;
    // Something else the event loop has to do meanwhile (a socket flush, a FLOW_MOD).
    const tick = setInterval(() => other++, 0);
    try {
      q.fill(20000);
      const firstTurn = sent.length;
      expect(firstTurn, 'entries read before yielding').to.be.within(256, 4096);
      await waitFor(() => sent.length === 20000, { what: 'the whole backlog read' });
      expect(other, 'other work done while the backlog was read').to.be.greaterThan(0);
      expect(q.reads.at(-1), 'the last read came back short (re-arming the queue)').to.be.lessThan(256);
    } finally {
      clearInterval(tick);
    }
  });

  it('reads nothing while every controller is backlogged, and resumes by itself when one can take more', async () => {
    let ready = false;
    pump = new PacketInPump(q, (m) => sent.push(m), () => (ready ? 'ready' : 'backlogged'));
    pump.start();
    q.fill(1000);
    await sleep(30);
    expect(sent).to.have.length(0);
    expect(q.reads, 'no read while backlogged').to.deep.equal([]);
    expect(pump.paused).to.be.greaterThan(0);
    expect(q.waiting).to.equal(1000);
    ready = true;
    // No new entry arrives to wake it: the pump must come back on its own.
    await waitFor(() => sent.length === 1000, { what: 'the held entries read after the backlog cleared' });
    expect(q.waiting).to.equal(0);
  });

  it('stop() ends the reading, including a pending retry', async () => {
    let ready = false;
    pump = new PacketInPump(q, (m) => sent.push(m), () => (ready ? 'ready' : 'backlogged'));
    pump.start();
    q.fill(100);
    pump.stop();
    expect(q.cb).to.equal(null);
    ready = true;
    await sleep(30);
    expect(sent).to.have.length(0);
  });

  it('parks with no controller taking packet-ins: no read, no timer; resume() discards the backlog, then delivers what comes after', async () => {
    let state: 'ready' | 'none' = 'none';
    const discarded: number[] = [];
    pump = new PacketInPump(q, (m) => sent.push(m), () => state, (p) => discarded.push(p.reason));
    pump.start();
    q.fill(1000);
    await sleep(30);
    expect(q.reads, 'nothing read while no controller takes packet-ins').to.deep.equal([]);
    expect(pump.isParked).to.equal(true);
    expect(pump.paused, 'parked, not polling').to.equal(0);
    pump.resume();   // still no taker: stays parked, reads nothing
    expect(q.reads).to.deep.equal([]);
    state = 'ready';
    pump.resume();
    expect(pump.isParked).to.equal(false);
    expect(discarded).to.have.length(1000);
    expect(pump.discarded).to.equal(1000);
    expect(sent, 'the backlog from before the controller is not delivered').to.have.length(0);
    q.fill(5);
    expect(sent).to.have.length(5);
  });
});
