// A hostile memif client (mswitch-hostile-client, test/datapath/hostile/)
// attacks the switch while well-behaved clients use it.  For each attack:
// the switch (in this process: a crash fails the whole run) keeps
// forwarding between a well-behaved pair with nothing lost, duplicated or
// damaged; the hostile port counts every bad frame under its named drop
// reason, exactly where the attack's outcome is fixed in advance; and
// nothing but well-formed frames made of the hostile client's own buffer
// bytes is ever forwarded from it.
//
// Ports (static logic "1=2,2=1,3=4,4=3", pre-created memif ids = ports):
//   1 A <-> 2 B   the well-behaved pair, lock-step windows of frames each
//                 way (never more in flight than a ring holds, so nothing
//                 may legitimately be dropped)
//   3 hostile <-> 4 C   C receives whatever the switch forwards from the
//                 hostile port, and sends towards it for the transmit-side
//                 attack.
// One worker thread serves every port: a hostile client that could stall
// or starve a worker would starve the pair too.
import { expect } from 'chai';
import { dirname, join } from 'path';

import { pktGenPath } from '../../controller-agent/src/datapath';
import type { NativeMemifClient, PortInfo } from '../../controller-agent/src/datapath';
import { killTracked, spawnTracked } from '../support/processes';
import type { TrackedProcess } from '../support/processes';
import { sleep, waitFor } from '../support/wait';
import { frame, mac, makeRig, receive, sendAll } from './switch-rig';
import type { Rig } from './switch-rig';

const hostileClientPath = (): string => join(dirname(pktGenPath()), 'mswitch-hostile-client');

// mswitch-hostile-client's JSON summary (test/datapath/hostile/hostile.h).
interface Counts {
  rounds: number;
  frames: Record<string, number>;   // drop reason -> frames posted
  valid: number;
  racy: number;
  rewrites: number;
  ring_jumps: number;
  tx_bad_offered: number;
  tx_bad_taken: number;
  undrained: number;
}
interface HostileSummary {
  attack: string;
  interrupted: boolean;
  disconnected: string | null;
  totals: Counts;
  attacks: Record<string, Counts>;
}

// Receive-side drop reasons: one of them per bad frame the hostile posts.
const RX_REASONS = ['bad-region', 'bad-offset', 'bad-length', 'bad-chain', 'too-long'];

// The bytes the hostile client keeps in every buffer: byte k of anything
// forwarded from it must be PATTERN[k].
const PATTERN = Buffer.from(Array.from({ length: 65535 }, (_, k) => 0xc0 | (k & 63)));

// ---- the well-behaved pair ----

const PAIR_LENGTHS = [60, 1514, 4000]; // 4000: a two-buffer chain
const WINDOW = 32;

// Sends WINDOW frames each way per round and waits for all of them;
// checks each arrives once, in order, byte-identical.
class Pair {
  sent = [0, 0];
  received = [0, 0];

  constructor(private readonly a: NativeMemifClient, private readonly b: NativeMemifClient) {}

  private frameOf(dir: number, seq: number): Buffer {
    const len = PAIR_LENGTHS[seq % PAIR_LENGTHS.length];
    return frame(mac(dir === 0 ? 2 : 1), mac(dir === 0 ? 1 : 2), len, (dir << 24) | seq);
  }

  round(): void {
    const ends = [this.a, this.b];
    for (const dir of [0, 1]) {
      const frames = Array.from({ length: WINDOW }, (_, i) => this.frameOf(dir, this.sent[dir] + i));
      sendAll(ends[dir], frames);
      this.sent[dir] += WINDOW;
    }
    const deadline = Date.now() + 5000;
    for (;;) {
      let waiting = false;
      for (const dir of [0, 1]) {
        const rx = ends[1 - dir];
        for (const f of rx.recv(WINDOW)) {
          const want = this.frameOf(dir, this.received[dir]);
          if (!f.equals(want)) {
            throw new Error(`pair direction ${dir}: frame ${this.received[dir]} arrived as ${f.length} bytes ` +
              `tagged 0x${f.length >= 18 ? f.readUInt32BE(14).toString(16) : '?'}, wanted ${want.length} bytes`);
          }
          this.received[dir]++;
        }
        waiting ||= this.received[dir] < this.sent[dir];
      }
      if (!waiting) return;
      if (Date.now() > deadline) {
        throw new Error(`pair: sent ${this.sent.join('/')}, received ${this.received.join('/')} after 5 s`);
      }
      const slow = this.received[0] < this.sent[0] ? this.b : this.a;
      slow.waitRx(10);
    }
  }
}

// ---- C, the hostile port's peer ----

class Peer {
  received = 0;
  sent = 0;
  lengths = new Set<number>();

  constructor(readonly c: NativeMemifClient) {}

  // Takes everything the switch forwarded from the hostile port and checks
  // it is the hostile client's pattern.
  drain(): void {
    for (;;) {
      const got = this.c.recv(256);
      if (got.length === 0) return;
      for (const f of got) {
        if (!f.equals(PATTERN.subarray(0, f.length))) {
          const at = f.findIndex((v, k) => v !== PATTERN[k]);
          throw new Error(`forwarded from the hostile port: a ${f.length}-byte frame that is not its buffer ` +
            `content (byte ${at} is 0x${f[at].toString(16)})`);
        }
        this.received++;
        this.lengths.add(f.length);
      }
    }
  }

  // Sends a few 60-byte frames towards the hostile port (returns at once
  // when the ring is full: nothing is promised about those).
  send(n: number): void {
    const f = frame(mac(3), mac(4), 60);
    this.sent += this.c.send(Array.from({ length: n }, () => f));
  }
}

// ---- one attack run ----

interface Outcome {
  summary: HostileSummary;
  hostile: PortInfo;
  peer: PortInfo;
  pairPorts: PortInfo[];
  pair: Pair;
  c: Peer;
}

describe('hostile memif client', function () {
  this.timeout(90_000);
  let rig: Rig | undefined;
  let hostile: TrackedProcess | undefined;

  afterEach(async () => {
    if (hostile) await killTracked(hostile);
    hostile = undefined;
    rig?.close();
    rig = undefined;
  });

  const port = (n: number): PortInfo => rig!.sw.ports().find((p) => p.index === n) as PortInfo;

  // The switch, the pair (already exchanging) and C; then the hostile
  // client, connected and about to attack.
  async function setUp(name: string, hostileArgs: string[]): Promise<{ pair: Pair; c: Peer; h: TrackedProcess }> {
    rig = await makeRig({ logic: 'static', logicConfig: '1=2,2=1,3=4,4=3', workers: 1 });
    for (const id of [1, 2, 3, 4]) rig.sw.addMemifInterface({ id, port: id });
    const a = await rig.connect(1);
    const b = await rig.connect(2);
    const c = new Peer(await rig.connect(4));
    const pair = new Pair(a, b);
    pair.round(); // the pair works before the attack

    const h = spawnTracked(hostileClientPath(), ['-i', rig.socket, '--id', '3', '--attack', name, ...hostileArgs]);
    hostile = h;
    await h.waitForLine('stdout', (l) => l.startsWith('ready'), { what: 'the hostile client to connect', timeoutMs: 10_000 });
    return { pair, c, h };
  }

  async function attack(name: string, seconds: number, opts: { cSends?: boolean } = {}): Promise<Outcome> {
    const { pair, c, h } = await setUp(name, ['-T', String(seconds), '--hold', '60']);

    // Traffic until the hostile client prints its summary (it then stays
    // connected, idle, until SIGTERM: its port must still be up).
    const deadline = Date.now() + (seconds + 30) * 1000;
    let last: string | undefined;
    while ((last = h.stdoutLines().find((l) => l.startsWith('{'))) === undefined) {
      if (h.exitStatus()) throw new Error(`hostile client exited before its summary:\n${h.tail()}`);
      if (Date.now() > deadline) throw new Error(`no summary from the hostile client:\n${h.tail()}`);
      pair.round();
      c.drain();
      if (opts.cSends) c.send(8);
      await sleep(1); // let the child's output in
    }
    const summary = JSON.parse(last) as HostileSummary;

    // The pair still works after the attack; then let C's side settle:
    // everything C sent was taken in, everything forwarded to C arrived.
    for (let i = 0; i < 3; i++) pair.round();
    // C's frames are counted received before they are delivered or
    // dropped on port 3: wait until every one is accounted for there.
    await waitFor(() => {
      const [p3, p4] = [port(3), port(4)];
      return p4.rxPackets === c.sent &&
        p3.txPackets + p3.drops['tx-bad-desc'] + p3.drops['no-space'] + p3.drops['port-down'] === c.sent;
    }, { what: `the switch to take and account for C's ${c.sent} frames`, timeoutMs: 5000 });
    await waitFor(() => {
      c.drain();
      return c.received === port(4).txPackets;
    }, { what: 'C to receive what the switch sent it', timeoutMs: 5000 });
    const out: Outcome = { summary, hostile: port(3), peer: port(4), pairPorts: [port(1), port(2)], pair, c };

    // The hostile client ends on SIGTERM with exit code 0 (not disconnected).
    const status = await killTracked(h, 'SIGTERM');
    expect(status, h.tail()).to.deep.equal({ code: 0, signal: null });
    return out;
  }

  // What every attack must leave true.
  function expectContained(o: Outcome): void {
    const { summary, hostile: hp, peer, pairPorts, pair, c } = o;
    expect(summary.disconnected, 'the switch kept the hostile client connected').to.equal(null);
    expect(summary.interrupted).to.equal(false);
    expect(summary.totals.undrained, 'rounds the switch never consumed').to.equal(0);
    expect(summary.totals.rounds).to.be.greaterThan(0);
    expect(hp.up, 'hostile port still up').to.equal(true);

    // The pair: every frame, once, in order, intact (checked per frame by
    // Pair.round), and the switch dropped nothing of theirs.
    expect(pair.received).to.deep.equal(pair.sent);
    expect(pair.sent[0]).to.be.greaterThan(WINDOW * 4);
    for (const p of pairPorts) {
      expect(p.rxPackets, `port ${p.index} rx`).to.equal(pair.sent[p.index - 1]);
      expect(p.txPackets, `port ${p.index} tx`).to.equal(pair.sent[2 - p.index]);
      expect(Object.entries(p.drops).filter(([, v]) => v > 0), `port ${p.index} drops`).to.deep.equal([]);
    }

    // Nothing was ever written into the hostile client's (withdrawn or bad)
    // receive buffers; what the switch took from it went to C, whole.
    expect(hp.txPackets, 'frames written to the hostile client').to.equal(0);
    expect(peer.txPackets + peer.drops['no-space'], 'forwarded from the hostile port').to.equal(hp.rxPackets);
    expect(c.received).to.equal(peer.txPackets);
    expect(Object.entries(peer.drops).filter(([k, v]) => v > 0 && k !== 'no-space'), 'C port drops').to.deep.equal([]);
  }

  // Exact accounting of a fixed-outcome attack: each reason counted once
  // per frame posted with it, every other receive reason zero, and only
  // the deliberately valid frames received.
  function expectExactDrops(o: Outcome): void {
    const posted = o.summary.totals.frames;
    for (const r of RX_REASONS) expect(o.hostile.drops[r], `drops['${r}']`).to.equal(posted[r] ?? 0);
    expect(o.hostile.rxPackets, 'frames accepted from the hostile port').to.equal(o.summary.totals.valid);
  }

  it('bad-region: descriptors naming unregistered regions are dropped as bad-region', async () => {
    const o = await attack('bad-region', 1.5);
    expectContained(o);
    expect(o.summary.totals.frames['bad-region']).to.be.greaterThan(0);
    expectExactDrops(o);
    expect(o.c.received).to.equal(0);
  });

  it('bad-offset: offsets past the region end or overflowing 32 bits are dropped as bad-offset', async () => {
    const o = await attack('bad-offset', 1.5);
    expectContained(o);
    expect(o.summary.totals.frames['bad-offset']).to.be.greaterThan(0);
    expectExactDrops(o);
    expect(o.c.received).to.equal(0);
  });

  it('bad-length: zero and larger-than-region lengths are dropped as bad-length', async () => {
    const o = await attack('bad-length', 1.5);
    expectContained(o);
    expect(o.summary.totals.frames['bad-length']).to.be.greaterThan(0);
    expectExactDrops(o);
    expect(o.c.received).to.equal(0);
  });

  it('loop-chain: chains that never end (a whole ring of NEXT) are dropped as bad-chain', async () => {
    const o = await attack('loop-chain', 1.5);
    expectContained(o);
    expect(o.summary.totals.frames['bad-chain']).to.be.greaterThan(0);
    expectExactDrops(o);
    expect(o.c.received).to.equal(0);
  });

  it('long-chain: 65536 bytes is too-long and 65 buffers bad-chain; 65535 bytes and 64 buffers pass', async () => {
    const o = await attack('long-chain', 1.5);
    expectContained(o);
    expect(o.summary.totals.frames['too-long']).to.be.greaterThan(0);
    expect(o.summary.totals.frames['bad-chain']).to.be.greaterThan(0);
    expect(o.summary.totals.valid).to.be.greaterThan(0);
    expectExactDrops(o);
    expect([...o.c.lengths].sort((x, y) => x - y)).to.deep.equal([4096, 65535]);
  });

  it('head-jump: a head far beyond the ring counts bad-ring, and the ring works once it is back', async () => {
    const o = await attack('head-jump', 1.5);
    expectContained(o);
    expect(o.summary.totals.ring_jumps).to.be.greaterThan(0);
    expect(o.hostile.drops['bad-ring'], "drops['bad-ring']").to.be.greaterThan(0);
    expectExactDrops(o);
    expect(o.c.received).to.be.greaterThan(0);
    expect([...o.c.lengths]).to.deep.equal([60]);
  });

  it('rewrite: descriptors rewritten while the switch reads them are each forwarded in bounds or dropped once', async () => {
    const o = await attack('rewrite', 2);
    expectContained(o);
    const t = o.summary.totals;
    expect(t.rewrites).to.be.greaterThan(0);
    expect(t.racy).to.be.greaterThan(0);
    const bad = ['bad-region', 'bad-offset', 'bad-length'].reduce((s, r) => s + o.hostile.drops[r], 0);
    expect(bad, 'frames dropped as bad').to.be.greaterThan(0);
    expect(o.hostile.rxPackets + bad, 'every racy frame accounted for exactly once').to.equal(t.racy);
    expect(o.hostile.drops['bad-chain'] + o.hostile.drops['too-long']).to.equal(0);
  });

  it('tx-bad-buffers: bad receive buffers offered by a client are refused (tx-bad-desc), never written', async () => {
    const o = await attack('tx-bad-buffers', 1.5, { cSends: true });
    expectContained(o);
    expect(o.summary.totals.tx_bad_offered).to.be.greaterThan(0);
    expect(o.c.sent).to.be.greaterThan(0);
    expect(o.hostile.drops['tx-bad-desc'], "drops['tx-bad-desc']").to.be.greaterThan(0);
    // Each of C's frames met a bad buffer or found none offered.
    expect(o.hostile.drops['tx-bad-desc'] + o.hostile.drops['no-space']).to.equal(o.c.sent);
    // The switch gave refused buffers back (as empty ones), one per frame;
    // C sent on for a moment after the client's last look at the ring.
    expect(o.summary.totals.tx_bad_taken).to.be.greaterThan(0);
    expect(o.summary.totals.tx_bad_taken).to.be.at.most(o.hostile.drops['tx-bad-desc']);
    expectExactDrops(o);
  });

  it('all: every attack in turn, each bad frame counted once', async () => {
    const o = await attack('all', 8, { cSends: true });
    expectContained(o);
    const t = o.summary.totals;
    for (const name of ['bad-region', 'bad-offset', 'bad-length', 'loop-chain', 'long-chain', 'head-jump', 'rewrite',
      'tx-bad-buffers']) {
      expect(o.summary.attacks[name]?.rounds, `${name} rounds`).to.be.greaterThan(0);
    }
    for (const r of [...RX_REASONS, 'bad-ring', 'tx-bad-desc']) {
      expect(o.hostile.drops[r], `drops['${r}']`).to.be.greaterThan(0);
    }
    // rewrite's frames may fall under any of three reasons or be
    // forwarded; the chain reasons are exact.
    expect(o.hostile.drops['bad-chain']).to.equal(t.frames['bad-chain']);
    expect(o.hostile.drops['too-long']).to.equal(t.frames['too-long']);
    const dropped = RX_REASONS.reduce((s, r) => s + o.hostile.drops[r], 0);
    const posted = Object.values(t.frames).reduce((s, v) => s + v, 0) + t.valid + t.racy;
    expect(o.hostile.rxPackets + dropped, 'every frame posted accounted for exactly once').to.equal(posted);
    expect(o.hostile.drops['tx-bad-desc'] + o.hostile.drops['no-space']).to.equal(o.c.sent);
  });

  it('a hostile client killed mid-attack: its port goes down, the pair carries on, its id serves a new client', async () => {
    const { pair, c, h } = await setUp('rewrite', ['-T', '60']);
    for (let i = 0; i < 50; i++) {
      pair.round();
      c.drain();
      await sleep(1);
    }
    expect((await killTracked(h, 'SIGKILL')).signal).to.equal('SIGKILL');
    await waitFor(() => !port(3).up, { what: 'the killed client\'s port to go down' });
    for (let i = 0; i < 5; i++) pair.round();
    c.drain(); // what the switch forwarded from the hostile client before it died
    expect(pair.received).to.deep.equal(pair.sent);
    for (const n of [1, 2]) {
      expect(Object.entries(port(n).drops).filter(([, v]) => v > 0), `port ${n} drops`).to.deep.equal([]);
    }

    // A well-behaved client takes id 3 over and reaches C.
    const d = await rig!.connect(3);
    const f = frame(mac(4), mac(3), 100, 7);
    sendAll(d, [f]);
    const got = receive(c.c, 1);
    expect(got.map((x) => x.equals(f))).to.deep.equal([true]);
  });
});
