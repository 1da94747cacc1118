// Packet-ins under a flood, through the real daemon (`mswitch start`):
// every frame a memif client sends into port 1 goes to the controller
// (table-miss flow actions=CONTROLLER), and the controller stops reading
// its socket for a while.  What a user relies on:
//   - the excess is dropped in the switch's controller queue and counted
//     there (REST stats controllerQueue.dropped, metrics
//     mswitch_controller_queue_drops_total{reason="full"}), and every frame
//     the port received is accounted for: enqueued + dropped = received;
//   - the agent does not read packet-ins only to throw them away: while
//     the controller's socket is backlogged it leaves them in the queue
//     (no packet-in counted queue_full, the queue's dequeued count stands
//     still);
//   - once the controller reads again, every entry the queue held reaches
//     it: packet-ins received = enqueued, and the agent's sent count says
//     the same.
import { expect } from 'chai';
import { request } from 'http';
import { createServer } from 'net';
import type { Server, Socket } from 'net';
import { join } from 'path';

import { MemifClient } from '../../../controller-agent/src/datapath';
import type { NativeMemifClient } from '../../../controller-agent/src/datapath';
import { Framer, OFP_NO_BUFFER, OFP_VERSION_1_3, OFPCML_NO_BUFFER, OFPG_ANY, OFPP_ANY, encodeMessage } from '../../../controller-agent/src/openflow';
import type { OfMessage } from '../../../controller-agent/src/openflow';
import { frame, mac, sendAll } from '../../datapath/switch-rig';
import { startDaemon } from '../../support/daemon-process';
import type { DaemonProcess } from '../../support/daemon-process';
import { killTracked } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { sleep, waitFor, waitForAsync } from '../../support/wait';
import { parseExposition } from '../metrics/exposition';

const OFPT_PACKET_IN = 10;

// A controller on a unix socket that answers HELLO, counts packet-ins
// (decoding none: it must keep up), and can stop reading its socket.
class PausableController {
  packetIns = 0;
  private conn: Socket | undefined;
  private readonly framer = new Framer();
  private xid = 100;

  private constructor(private readonly server: Server) {
    server.on('connection', (s) => {
      this.conn = s;
      s.write(encodeMessage({ version: OFP_VERSION_1_3, xid: 1, type: 'OFPT_HELLO', versions: [OFP_VERSION_1_3] }));
      s.on('data', (chunk: Buffer) => {
        for (const f of this.framer.push(chunk)) {
          if (f.kind === 'message' && f.bytes[1] === OFPT_PACKET_IN) this.packetIns++;
        }
      });
      s.on('error', () => { /* 'close' follows */ });
    });
  }

  static listen(path: string): Promise<PausableController> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(path, () => resolve(new PausableController(server)));
    });
  }

  get connected(): boolean {
    return this.conn !== undefined && !this.conn.destroyed;
  }

  send(m: OfMessage): void {
    this.conn!.write(encodeMessage({ ...m, xid: this.xid++ }));
  }

  pause(): void {
    this.conn!.pause();
  }

  resume(): void {
    this.conn!.resume();
  }

  close(): Promise<void> {
    this.conn?.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}

function getJson(socketPath: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request({ socketPath, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode} ${body}`));
        else resolve(path === '/metrics' ? body : JSON.parse(body));
      });
    }).on('error', reject).end();
  });
}

interface QueueStats { enqueued: number; dequeued: number; dropped: number; invalid: number; pending: number; capacityBytes: number; usedBytes: number }

describe('agent: packet-ins under a flood, through the daemon', function () {
  this.timeout(60000);
  let rundir: string;
  let d: DaemonProcess | undefined;
  let ctl: PausableController | undefined;
  let client: NativeMemifClient | undefined;

  before(async () => {
    rundir = makeTempRunDir();
    ctl = await PausableController.listen(join(rundir, 'ctl.sock'));
    d = await startDaemon({ rundir, args: ['--controller', `unix:${join(rundir, 'ctl.sock')}`, '--memif-ports', '2', '--fail-mode', 'secure'] });
    await waitFor(() => ctl!.connected, { what: 'the switch connected to the controller' });
  });
  after(async () => {
    client?.close();
    if (d) await killTracked(d.proc, 'SIGTERM');
    await ctl?.close();
    removeTempDir(rundir);
  });

  it('drops the excess in the controller queue, counted in REST and metrics, and delivers every entry it kept', async () => {
    const api = join(rundir, 'mswitch.sock');
    const stats = async (): Promise<QueueStats> => ((await getJson(api, '/switches/br0/stats')) as { controllerQueue: QueueStats }).controllerQueue;
    const rx1 = async (): Promise<number> => {
      const ports = (await getJson(api, '/switches/br0/ports')) as { ports: { port: number; stats: { rxPackets: number } }[] };
      return ports.ports.find((p) => p.port === 1)!.stats.rxPackets;
    };
    // The table-miss flow (priority=0, match all: packet-ins of reason no_match), whole frames.
    ctl!.send({
      version: OFP_VERSION_1_3, xid: 0, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 0, cookie: 0n, cookieMask: 0n,
      idleTimeout: 0, hardTimeout: 0, bufferId: OFP_NO_BUFFER, outPort: OFPP_ANY, outGroup: OFPG_ANY, flags: [], match: [],
      instructions: { apply: [{ type: 'controller', maxLen: OFPCML_NO_BUFFER, reason: 'action' }], clearActions: false },
    } as OfMessage);
    client = new MemifClient({ socket: d!.socket(), id: 0 });
    await waitFor(() => client!.connected(), { what: 'memif client connected' });
    // The flow is in once a frame comes back as a packet-in.
    const probe = frame(mac(2), mac(1), 60, 0);
    await waitForAsync(async () => {
      sendAll(client!, [probe]);
      await sleep(50);
      return ctl!.packetIns > 0;
    }, { what: 'a first packet-in' });
    await waitForAsync(async () => ctl!.packetIns === (await stats()).enqueued, { what: 'the probes delivered' });

    // The controller stops reading; floods far beyond what its socket and
    // the queue (4096 one-slot entries for 60-byte frames) can hold.  Once
    // the socket is backlogged the agent stops reading, so the queue fills
    // to the last slot and stays full.
    ctl!.pause();
    const before = await stats();
    const frames = Array.from({ length: 256 }, (_, i) => frame(mac(2), mac(1), 60, i));
    const slots = before.capacityBytes / 256;
    let offered = 0;
    let held = before;
    for (let round = 0; round < 5 && held.pending < slots; round++) {
      for (let i = 0; i < 40; i++) sendAll(client!, frames, 5000);
      offered += 40 * 256;
      await waitForAsync(async () => {
        held = await stats();
        return held.enqueued + held.dropped === before.enqueued + before.dropped + offered;
      }, { what: 'every flood frame enqueued or dropped', timeoutMs: 10000 });
    }
    expect(held.pending, 'entries waiting: the queue is full').to.equal(slots);
    expect(held.usedBytes).to.equal(held.capacityBytes);
    expect(held.dropped - before.dropped, 'frames dropped in the controller queue').to.be.greaterThan(1000);
    expect(held.enqueued).to.equal(held.dequeued + held.pending);
    expect(held.invalid).to.equal(0);
    // While the controller is backlogged the agent reads nothing more.
    await sleep(300);
    expect((await stats()).dequeued, 'entries read while the controller was backlogged').to.equal(held.dequeued);
    expect(held.enqueued + held.dropped, 'frames port 1 received, each enqueued or dropped').to.equal(await rx1());

    let m = parseExposition((await getJson(api, '/metrics')) as string);
    expect(m.value('mswitch_controller_queue_drops_total', { bridge: 'br0', reason: 'full' })).to.equal(held.dropped);
    expect(m.value('mswitch_controller_queue_drops_total', { bridge: 'br0', reason: 'invalid' })).to.equal(0);
    expect(m.value('mswitch_controller_queue_enqueued_total', { bridge: 'br0' })).to.equal(held.enqueued);
    expect(m.value('mswitch_controller_queue_pending', { bridge: 'br0' })).to.equal(held.pending);
    expect(m.value('mswitch_controller_queue_capacity_bytes', { bridge: 'br0' })).to.equal(held.capacityBytes);
    expect(m.find('mswitch_packet_ins_total', { bridge: 'br0', result: 'queue_full' }), 'packet-ins read only to be dropped').to.deep.equal([]);

    // The controller reads again: everything the queue kept arrives.
    ctl!.resume();
    await waitForAsync(async () => (await stats()).pending === 0 && ctl!.packetIns === (await stats()).enqueued,
      { what: 'the held packet-ins delivered', timeoutMs: 15000 });
    const after = await stats();
    expect(after.dropped).to.equal(held.dropped);
    m = parseExposition((await getJson(api, '/metrics')) as string);
    expect(m.value('mswitch_controller_queue_dequeued_total', { bridge: 'br0' })).to.equal(after.enqueued);
    expect(m.value('mswitch_packet_ins_total', { bridge: 'br0', reason: 'no_match', result: 'sent' })).to.equal(ctl!.packetIns);
  });

  it('with no controller the agent reads nothing (the queue drops, counted); one that connects gets the packets after it, not the backlog', async () => {
    const api = join(rundir, 'mswitch.sock');
    const stats = async (): Promise<QueueStats> => ((await getJson(api, '/switches/br0/stats')) as { controllerQueue: QueueStats }).controllerQueue;
    // The controller goes away (secure mode: the table-miss flow stays).
    await ctl!.close();
    ctl = undefined;
    await sleep(300);
    const before = await stats();
    const frames = Array.from({ length: 256 }, (_, i) => frame(mac(2), mac(1), 60, i));
    for (let i = 0; i < 40; i++) sendAll(client!, frames, 5000);
    let held = before;
    await waitForAsync(async () => {
      held = await stats();
      return held.enqueued + held.dropped === before.enqueued + before.dropped + 40 * 256;
    }, { what: 'every flood frame enqueued or dropped', timeoutMs: 10000 });
    await sleep(300);
    const idle = await stats();
    expect(idle.dequeued, 'entries the agent read with no controller').to.equal(before.dequeued);
    expect(idle.pending, 'the queue is full').to.equal(idle.capacityBytes / 256);
    expect(idle.dropped - before.dropped).to.be.greaterThan(1000);

    // A controller comes (the switch reconnects to the same socket path):
    // what waited is discarded and counted, fresh packets reach it.
    ctl = await PausableController.listen(join(rundir, 'ctl.sock'));
    await waitFor(() => ctl!.connected, { what: 'the switch reconnected', timeoutMs: 20000 });
    await waitForAsync(async () => (await stats()).pending === 0, { what: 'the backlog discarded' });
    await sleep(200);
    expect(ctl.packetIns, 'packet-ins of frames from before the controller').to.equal(0);
    const m = parseExposition((await getJson(api, '/metrics')) as string);
    expect(m.value('mswitch_packet_ins_total', { bridge: 'br0', reason: 'no_match', result: 'no_controller' })).to.equal(idle.pending);
    sendAll(client!, frames.slice(0, 10), 5000);
    await waitFor(() => ctl!.packetIns === 10, { what: 'the fresh packet-ins' });
  });
});
