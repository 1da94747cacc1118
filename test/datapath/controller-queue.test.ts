// The datapath side of OpenFlow through a real switch and real memif
// clients: frames a logic sends to the controller arrive in
// readControllerQueue as modified, with their header fields; max_len
// truncation keeps totalLen; a full queue drops and counts exactly;
// malformed controller outputs are dropped and counted while the rest of
// the answer is forwarded; onControllerQueue wakes JS only when it waits;
// sendFrames reaches memif clients byte-exact; the host's find_logic gives
// a logic l2-learning; memif connect/disconnect reach the logic as link
// events.
//
// The logic is test/datapath/logics/controller_test_logic.cc, built as
// its own shared object and loaded like any third-party logic.
import { expect } from 'chai';
import { dirname, join } from 'path';
import bindings from 'bindings';

import { loadLogic, logics } from '../../controller-agent/src/datapath';
import type { ControllerPacket, FabricMode, NativeMemifClient, SwitchOptions } from '../../controller-agent/src/datapath';
import { BROADCAST, drain, frame, mac, makeRig, receive, sendAll } from './switch-rig';
import type { Rig } from './switch-rig';
import { waitFor } from '../support/wait';

const soPath = (): string =>
  join(dirname(bindings({ bindings: 'mswitch', path: true } as never) as unknown as string),
    'mswitch-test-controller-logic.so');

const LOGIC = 'test-controller';
const HDR = 32; // sizeof(struct msw_to_controller)
const NEW_DST = Buffer.from([0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f]);

// What the test logic puts in the queue for 'f': its destination MAC
// rewritten, and the header fields derived from the tag at byte 14.
function expectEntry(e: ControllerPacket, f: Buffer, inPort: number, maxLen = 0xffff): void {
  const tag = f.readUInt32BE(14);
  const modified = Buffer.concat([NEW_DST, f.subarray(6)]);
  const keep = maxLen === 0xffff ? f.length : Math.min(f.length, maxLen);
  const cookie = 0xc0de000000000000n | BigInt(tag);
  expect({
    reason: e.reason, tableId: e.tableId, cookie: e.cookie, metadata: e.metadata,
    inPort: e.inPort, maxLen: e.maxLen, totalLen: e.totalLen,
  }, `entry for tag ${tag}`).to.deep.equal({
    reason: tag % 3, tableId: tag & 0xff, cookie, metadata: ~cookie & 0xffffffffffffffffn,
    inPort, maxLen, totalLen: f.length,
  });
  expect(e.data.equals(modified.subarray(0, keep)), `data of tag ${tag} (${e.data.length} bytes, want ${keep})`).to.equal(true);
}

function readAll(rig: Rig, max = 1024): ControllerPacket[] {
  const out: ControllerPacket[] = [];
  for (;;) {
    const got = rig.sw.readControllerQueue(max);
    out.push(...got);
    if (got.length < max) return out;
  }
}

describe('datapath: controller queue, packet-out and host services', function () {
  this.timeout(30000);
  let rig: Rig | undefined;

  before(() => {
    if (!logics().includes(LOGIC)) expect(loadLogic(soPath())).to.equal(LOGIC);
  });
  afterEach(() => {
    rig?.close();
    rig = undefined;
  });

  async function start(opts: Partial<SwitchOptions>, ids: number[]): Promise<NativeMemifClient[]> {
    rig = await makeRig(opts);
    for (const id of ids) rig.sw.addMemifInterface({ id, port: id });
    const clients: NativeMemifClient[] = [];
    for (const id of ids) clients.push(await rig.connect(id));
    return clients;
  }

  for (const mode of ['mswitch', 'vale'] as FabricMode[]) {
    it(`delivers every controller output byte-exact with its header fields (${mode} mode)`, async () => {
      const [a] = await start({ logic: LOGIC, mode }, [1]);
      const sizes = [60, 64, 127, 128, 129, 200, 1514, 2048, 2049, 9000, 65535];
      const frames = sizes.map((len, i) => frame(BROADCAST, mac(1), len, 0x01020300 + i));
      sendAll(a, frames);
      const r = rig!;
      await waitFor(() => r.sw.controllerQueue().enqueued === frames.length, { what: 'all frames queued' });
      const got = readAll(r);
      expect(got.length).to.equal(frames.length);
      got.forEach((e, i) => expectEntry(e, frames[i], 1));
      const q = r.sw.controllerQueue();
      expect(q).to.include({ enqueued: frames.length, dequeued: frames.length, dropped: 0, pending: 0, usedSlots: 0 });
      expect(q.bytes).to.equal(sizes.reduce((x, y) => x + y, 0));
      expect(r.port(1).rxPackets).to.equal(frames.length);
    });
  }

  it('truncates to max_len and keeps the original length in totalLen', async () => {
    for (const maxLen of [100, 0]) {
      const [a] = await start({ logic: LOGIC, logicConfig: `max_len=${maxLen}` }, [1]);
      const frames = [60, 100, 101, 1514, 9000].map((len, i) => frame(BROADCAST, mac(1), len, i));
      sendAll(a, frames);
      const r = rig!;
      await waitFor(() => r.sw.controllerQueue().enqueued === frames.length, { what: 'all frames queued' });
      const got = readAll(r);
      expect(got.length).to.equal(frames.length);
      got.forEach((e, i) => expectEntry(e, frames[i], 1, maxLen));
      // Truncated entries take only the slots of what they keep.
      expect(r.sw.controllerQueue().bytes).to.equal(frames.reduce((n, f) => n + Math.min(f.length, maxLen), 0));
      r.close();
      rig = undefined;
    }
  });

  it('drops exactly what does not fit in a full queue, counts it, and takes frames again once read', async () => {
    const [a] = await start({ logic: LOGIC, controllerQueueSlots: 512 }, [1]);
    const r = rig!;
    const q0 = r.sw.controllerQueue();
    expect(q0.slots).to.equal(512);
    // 32 + 1514 bytes = 7 slots of 256: 73 entries fill 511 of 512 slots.
    const perEntry = Math.ceil((HDR + 1514) / q0.slotBytes);
    const fit = Math.floor(q0.slots / perEntry);
    const frames = Array.from({ length: 100 }, (_, i) => frame(BROADCAST, mac(1), 1514, i));
    sendAll(a, frames);
    await waitFor(() => r.port(1).rxPackets === frames.length, { what: 'switch took every frame' });
    await waitFor(() => { const q = r.sw.controllerQueue(); return q.enqueued + q.dropped === frames.length; }, { what: 'every frame accounted' });
    expect(r.sw.controllerQueue()).to.include({ enqueued: fit, dropped: frames.length - fit, pending: fit, usedSlots: fit * perEntry });
    expect(r.port(1).drops['controller-queue'], 'counted on the queue, not the port').to.equal(0);
    const got = readAll(r);
    expect(got.length).to.equal(fit);
    got.forEach((e, i) => expectEntry(e, frames[i], 1));
    // Room again.
    const more = Array.from({ length: 10 }, (_, i) => frame(BROADCAST, mac(1), 1514, 1000 + i));
    sendAll(a, more);
    await waitFor(() => r.sw.controllerQueue().enqueued === fit + more.length, { what: 'more queued' });
    readAll(r).forEach((e, i) => expectEntry(e, more[i], 1));
    expect(r.sw.controllerQueue().dropped).to.equal(frames.length - fit);
  });

  for (const bad of ['magic', 'hdr_len', 'plain', 'short']) {
    it(`drops and counts a malformed controller output (${bad}) and still forwards the rest of the answer`, async () => {
      const [a, b] = await start({ logic: LOGIC, logicConfig: `bad=${bad} normal=1` }, [1, 2]);
      const frames = Array.from({ length: 20 }, (_, i) => frame(BROADCAST, mac(1), 60 + i * 50, i));
      sendAll(a, frames);
      const got = receive(b, frames.length);
      expect(got.length, 'the l2 copies reached port 2').to.equal(frames.length);
      got.forEach((f, i) => expect(f.equals(frames[i]), `frame ${i} unmodified`).to.equal(true));
      const r = rig!;
      await waitFor(() => r.port(1).drops['bad-controller-output'] === frames.length, { what: 'bad outputs counted' });
      expect(r.sw.controllerQueue()).to.include({ enqueued: 0, dropped: 0 });
      expect(r.sw.readControllerQueue()).to.deep.equal([]);
    });
  }

  it('refuses a UNICAST verdict to the controller port', async () => {
    const [a, b] = await start({ logic: LOGIC, logicConfig: 'bad=unicast' }, [1, 2]);
    sendAll(a, [frame(BROADCAST, mac(1), 60, 1), frame(BROADCAST, mac(1), 60, 2)]);
    const r = rig!;
    await waitFor(() => r.port(1).drops['bad-controller-output'] === 2, { what: 'unicast to controller counted' });
    expect(r.port(1).drops['bad-dest']).to.equal(0);
    expect(drain(b)).to.deep.equal([]);
    expect(r.sw.controllerQueue().enqueued).to.equal(0);
  });

  it('wakes JS once when the queue gets entries, and not again until it is drained', async () => {
    const [a] = await start({ logic: LOGIC }, [1]);
    const r = rig!;
    let calls = 0;
    let wake: (() => void) | undefined;
    const woken = (): Promise<void> => new Promise((res) => { wake = res; });
    r.sw.onControllerQueue(() => { calls++; wake?.(); });

    // Armed and idle: a burst wakes it.
    let w = woken();
    sendAll(a, Array.from({ length: 10 }, (_, i) => frame(BROADCAST, mac(1), 100, i)));
    await w;
    await waitFor(() => r.sw.controllerQueue().enqueued === 10, { what: 'burst queued' });
    const afterFirst = calls;
    expect(afterFirst).to.be.at.least(1);
    // Not drained: more entries must not call again.
    sendAll(a, Array.from({ length: 10 }, (_, i) => frame(BROADCAST, mac(1), 100, 10 + i)));
    await waitFor(() => r.sw.controllerQueue().enqueued === 20, { what: 'second burst queued' });
    await new Promise((res) => setTimeout(res, 100));
    expect(calls, 'no call while the reader has not drained').to.equal(afterFirst);
    // Draining re-arms; the next frame calls again.
    expect(readAll(r).length).to.equal(20);
    w = woken();
    sendAll(a, [frame(BROADCAST, mac(1), 100, 99)]);
    await w;
    expect(calls).to.equal(afterFirst + 1);
    expectEntry(readAll(r)[0], frame(BROADCAST, mac(1), 100, 99), 1);
    // Registering while entries wait calls right away; null stops the calls.
    r.sw.onControllerQueue(null);
    sendAll(a, [frame(BROADCAST, mac(1), 100, 7)]);
    await waitFor(() => r.sw.controllerQueue().pending === 1, { what: 'entry waiting' });
    await new Promise((res) => setTimeout(res, 50));
    expect(calls).to.equal(afterFirst + 1);
    w = woken();
    r.sw.onControllerQueue(() => { calls++; wake?.(); });
    await w;
    expect(calls).to.equal(afterFirst + 2);
  });

  it('sends frames out of ports byte-exact; flood skips exceptPort; bad ports throw before sending', async () => {
    const [a, b, c] = await start({ logic: 'l2-learning' }, [1, 2, 3]);
    const r = rig!;
    rig!.sw.addMemifInterface({ id: 4, port: 4 }); // no client: a port, link down
    const small = frame(mac(2), mac(9), 60, 1);
    const big = frame(mac(3), mac(9), 9000, 2);
    expect(r.sw.sendFrames([{ port: 2, data: small }, { port: 3, data: big }])).to.equal(2);
    expect(receive(b, 1).map((f) => f.equals(small))).to.deep.equal([true]);
    expect(receive(c, 1).map((f) => f.equals(big))).to.deep.equal([true]);
    expect(drain(a, 100)).to.deep.equal([]);

    const fl = frame(BROADCAST, mac(9), 300, 3);
    expect(r.sw.sendFrames([{ port: 'flood', data: fl, exceptPort: 1 }])).to.equal(2);
    expect(receive(b, 1).map((f) => f.equals(fl))).to.deep.equal([true]);
    expect(receive(c, 1).map((f) => f.equals(fl))).to.deep.equal([true]);
    expect(drain(a, 100), 'exceptPort gets no copy').to.deep.equal([]);
    expect(r.sw.sendFrames([{ port: 0xffffffff, data: fl }]), 'PORT_FLOOD without exceptPort: every connected port').to.equal(3);
    for (const cl of [a, b, c]) expect(receive(cl, 1).length).to.equal(1);

    expect(r.sw.sendFrames([{ port: 4, data: small }, { port: 4, data: small }]), 'port 4 has no client').to.equal(0);
    // Dropped and counted on the port, as for any port that is down.
    const p4 = r.sw.ports().find((p) => p.index === 4)!;
    expect(p4.drops['port-down'], 'packet-outs to a memif port without a client').to.equal(2);
    expect(p4.txPackets).to.equal(0);
    expect(() => r.sw.sendFrames([{ port: 2, data: small }, { port: 99, data: small }]))
      .to.throw(/port 99, which does not exist/).with.property('code', 'ENOENT');
    expect(() => r.sw.sendFrames([{ port: 2, data: Buffer.alloc(0) }])).to.throw(/must be 1\.\.65535/).with.property('code', 'EINVAL');
    expect(() => r.sw.sendFrames([{ port: 'all' as never, data: small }])).to.throw(/port number or 'flood'/);
    expect(drain(b, 100), 'a refused call sent nothing').to.deep.equal([]);
    expect(r.port(2).txPackets).to.equal(3);
  });

  it('gives a logic the registered l2-learning through msw_host.find_logic', async () => {
    const [a, b, c] = await start({ logic: LOGIC, logicConfig: 'normal=1 ctl=0' }, [1, 2, 3]);
    const r = rig!;
    expect(r.sw.logicControl('find l2-learning')).to.match(/^l2-learning abi [0-9]+$/);  // the registered ops, whatever ABI this build speaks
    expect(r.sw.logicControl('find no-such-logic')).to.equal('none');
    // The private l2-learning instance floods the unknown, then learns.
    const hello = frame(BROADCAST, mac(1), 60, 1);
    sendAll(a, [hello]);
    expect(receive(b, 1).length).to.equal(1);
    expect(receive(c, 1).length).to.equal(1);
    const reply = frame(mac(1), mac(2), 60, 2);
    sendAll(b, [reply]);
    expect(receive(a, 1).map((f) => f.equals(reply))).to.deep.equal([true]);
    expect(drain(c, 100), 'learned: no flood').to.deep.equal([]);
  });

  it('reports a memif client connecting and leaving as link up and down', async () => {
    rig = await makeRig({ logic: LOGIC });
    const r = rig;
    r.sw.addMemifInterface({ id: 5, port: 5 });
    expect(r.sw.logicControl('events')).to.equal('');
    const c = await r.connect(5);
    expect(r.sw.logicControl('events')).to.equal('added:5:1 link:5:1');
    c.close();
    await waitFor(() => !r.port(5).up, { what: 'port 5 down' });
    expect(r.sw.logicControl('events')).to.equal('link:5:0 removed:5:0');
    // A logic swapped in hears about the ports that are up the same way.
    await r.connect(5);
    r.sw.setLogic(LOGIC, '');
    expect(r.sw.logicControl('events')).to.equal('added:5:1 link:5:1');
  });
});
