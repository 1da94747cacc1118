// OpenFlow 1.0 table misses end to end (agent/table-miss.ts, the logic's
// `table_miss` mode): a real switch running the `openflow` logic with no
// flows, memif clients of ours, the bridge's real OpenFlow side
// (startBridgeOpenflow) and real peers on real sockets.  Open vSwitch's
// rule, which a 1.0 controller such as os-ken's simple_switch relies on
// (it installs no table-miss flow): while some connection speaks 1.0, a
// frame no flow matches becomes a no_match PACKET_IN to the 1.0
// connections only, whole and unbuffered; 1.3 connections never see it;
// with no 1.0 connection left, a miss drops and reaches no controller.
// Peers: raw OpenFlow peers of ours (session-rig.ts), a real os-ken
// learning switch over OpenFlow 1.0 (osken_simple_switch_10.py) and real
// `ovs-ofctl -O OpenFlow10 monitor`.
import { expect } from 'chai';

import { startBridgeOpenflow } from '../../../controller-agent/src/agent/bridge-openflow';
import type { BridgeOpenflow } from '../../../controller-agent/src/agent/bridge-openflow';
import { PacketInPump, parsePacketOutReply } from '../../../controller-agent/src/agent/packet-io';
import type { AsyncMessage, SendAsyncOptions } from '../../../controller-agent/src/agent/types';
import type { ControllerPacket, NativeMemifClient } from '../../../controller-agent/src/datapath';
import { OFP_NO_BUFFER } from '../../../controller-agent/src/openflow';
import { OFPP_CONTROLLER, OFPP_TABLE } from '../../../ovs-compat/src';
import type { MessageOf, OfMessage } from '../../../controller-agent/src/openflow';
import { frame, mac, makeRig, sendAll } from '../../datapath/switch-rig';
import type { Rig } from '../../datapath/switch-rig';
import { killTracked, spawnTracked } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { sleep, waitFor } from '../../support/wait';
import { freePort, installed, startOsken } from './peers';
import { captureLog, OfPeer } from './session-rig';

type PacketIn = MessageOf<'OFPT_PACKET_IN'>;

// The PACKET_INs 'peer' receives within 'ms' (other messages are skipped:
// port status and the like are not what these tests are about).
async function packetInsWithin(peer: OfPeer, ms: number): Promise<PacketIn[]> {
  const got: PacketIn[] = [];
  const end = performance.now() + ms;
  for (;;) {
    const left = end - performance.now();
    if (left <= 0) return got;
    const m: OfMessage | undefined = await peer.quiet(left);
    if (m === undefined) return got;
    if (m.type === 'OFPT_PACKET_IN') got.push(m);
  }
}

// Frames 'c' receives until it has 'n' or 'ms' passed.  Polls without
// blocking: the agent under test runs on this event loop.
async function received(c: NativeMemifClient, n: number, ms = 5000): Promise<string[]> {
  const got: string[] = [];
  const end = performance.now() + ms;
  while (got.length < n && performance.now() < end) {
    const frames = c.recv(1024);
    if (frames.length === 0) await sleep(5);
    got.push(...frames.map((f) => f.toString('hex')));
  }
  return got;
}

const colons = (m: Buffer): string => m.toString('hex').replace(/(..)(?!$)/g, '$1:');

const inPortOf = (p: PacketIn): bigint | undefined => p.match.find((f) => f.field === 'in_port')?.value;

describe('agent: OpenFlow 1.0 table misses (table-miss.ts)', function () {
  this.timeout(30000);
  let rig: Rig;
  let side: BridgeOpenflow;
  let rundir: string;
  let c1: NativeMemifClient;
  let c2: NativeMemifClient;
  const peers: OfPeer[] = [];
  const mode = (): string => rig.sw.logicControl('table_miss');
  let logged: ReturnType<typeof captureLog>;

  beforeEach(async () => {
    rig = await makeRig({ logic: 'openflow' });
    c1 = await rig.connect(0);
    c2 = await rig.connect(1);
    rundir = makeTempRunDir();
    logged = captureLog();
    side = await startBridgeOpenflow('br0', rig.sw, {
      controllers: [], listeners: ['ptcp:0:127.0.0.1'], failMode: 'secure', protocols: [0x01, 0x04], inactivityProbeMs: 5000, failWindowMs: 15000,
    }, rundir, logged.log);
  });

  afterEach(async () => {
    for (const p of peers.splice(0)) p.end();
    await side?.stop();
    rig?.close();
    removeTempDir(rundir);
  });

  // A peer that offers only 'version' (0x01 or 0x04) and has negotiated it.
  async function controller(version: number): Promise<OfPeer> {
    const negotiated = (): number => side.manager.status().sessions.filter((s) => s.connected && s.version === version).length;
    const before = negotiated();
    const peer = await OfPeer.connect({ host: '127.0.0.1', port: side.manager.listenerPorts[0] ?? 0 });
    peers.push(peer);
    await peer.expect('OFPT_HELLO');
    peer.send(version === 0x01 ? { version: 1, xid: 1, type: 'OFPT_HELLO' } : { version: 4, xid: 1, type: 'OFPT_HELLO', versions: [4] });
    await waitFor(() => negotiated() > before, { what: `a session negotiating version ${version}`, timeoutMs: 5000 });
    return peer;
  }

  it('a miss goes to the 1.0 controller only, whole and unbuffered; after it leaves a miss reaches no controller', async () => {
    expect(mode()).to.equal('table_miss drop');
    const of13 = await controller(0x04);
    expect(mode()).to.equal('table_miss drop');  // a 1.3 controller alone: misses drop (1.3.5 section 5.4)
    const of10 = await controller(0x01);
    await waitFor(() => mode() === 'table_miss controller', { what: 'the miss mode on with a 1.0 controller', timeoutMs: 5000 });

    const port1 = rig.port(0).index;
    const f = frame(mac(0x22), mac(0x11), 300, 1);  // longer than miss_send_len's default 128
    sendAll(c1, [f]);
    const [to10, to13] = await Promise.all([packetInsWithin(of10, 1000), packetInsWithin(of13, 1000)]);
    expect(to13).to.deep.equal([]);
    expect(to10).to.have.length(1);
    const pin = to10[0];
    expect(pin.version).to.equal(1);
    expect(pin.reason).to.equal(0);  // OFPR_NO_MATCH
    expect(pin.bufferId).to.equal(OFP_NO_BUFFER);
    expect(pin.totalLen).to.equal(300);
    expect(inPortOf(pin)).to.equal(BigInt(port1));
    expect(pin.data.toString('hex')).to.equal(f.toString('hex'));

    // Packet-ins a flow asks for still go to both.
    rig.sw.logicControl(`add in_port=${rig.port(1).index} apply=output:controller`);
    const g = frame(mac(0x11), mac(0x22), 64, 2);
    sendAll(c2, [g]);
    const [act10, act13] = await Promise.all([packetInsWithin(of10, 1000), packetInsWithin(of13, 1000)]);
    expect(act10.map((p) => [p.reason, p.data.toString('hex')])).to.deep.equal([[1, g.toString('hex')]]);
    expect(act13.map((p) => [p.reason, p.data.toString('hex')])).to.deep.equal([[1, g.toString('hex')]]);

    of10.end();
    await waitFor(() => mode() === 'table_miss drop', { what: 'the miss mode off once the 1.0 controller left', timeoutMs: 5000 });
    const queued = rig.sw.controllerQueue().enqueued;
    sendAll(c1, [frame(mac(0x22), mac(0x11), 64, 3)]);
    expect(await packetInsWithin(of13, 1000)).to.deep.equal([]);
    // Dropped in the logic: nothing was even queued for a controller.
    expect(rig.sw.controllerQueue().enqueued).to.equal(queued);
    expect(rig.port(0).rxPackets).to.be.greaterThanOrEqual(2);
  });

  it('stays on while any 1.0 session remains and follows several coming and going', async () => {
    const a = await controller(0x01);
    const b = await controller(0x01);
    await waitFor(() => mode() === 'table_miss controller', { what: 'miss mode on', timeoutMs: 5000 });
    a.end();
    await waitFor(() => side.manager.status().sessions.length === 1, { what: 'one session left', timeoutMs: 5000 });
    expect(mode()).to.equal('table_miss controller');
    sendAll(c1, [frame(mac(0x22), mac(0x11), 64, 4)]);
    expect((await packetInsWithin(b, 1000)).map((p) => p.reason)).to.deep.equal([0]);
    b.end();
    await waitFor(() => mode() === 'table_miss drop', { what: 'miss mode off', timeoutMs: 5000 });
  });

  it('a real os-ken OpenFlow 1.0 learning switch that installs no table-miss flow learns from misses, then flows carry the traffic', async function () {
    if (!installed('osken-manager')) this.skip();
    const port = await freePort();
    const osken = startOsken(port, ['osken_simple_switch_10.py']);
    try {
      await side.reconfigure({
        controllers: [`tcp:127.0.0.1:${port}`], listeners: [], failMode: 'secure', protocols: [0x01, 0x04], inactivityProbeMs: 5000, failWindowMs: 15000,
      });
      await waitFor(() => mode() === 'table_miss controller', { what: 'os-ken connected over OpenFlow 1.0', timeoutMs: 20000 })
        .catch((e: Error) => { throw new Error(`${e.message}; os-ken: ${osken.tail()}`); });
      const a = mac(0x0a);
      const b = mac(0x0b);
      const p1 = rig.port(0).index;
      const p2 = rig.port(1).index;
      const pins = (): string[] => osken.stdoutLines().filter((l) => l.startsWith('packet in '));
      // A to B, B unknown: a miss, flooded by os-ken's packet-out.
      const f1 = frame(b, a, 64, 11);
      sendAll(c1, [f1]);
      expect(await received(c2, 1)).to.deep.equal([f1.toString('hex')]);
      // B to A, A learned: a miss, then a flow and a packet-out to A.
      const f2 = frame(a, b, 64, 12);
      sendAll(c2, [f2]);
      expect(await received(c1, 1)).to.deep.equal([f2.toString('hex')]);
      // A to B again: still a miss (no flow from A's port yet), now B is known.
      sendAll(c1, [frame(b, a, 64, 13)]);
      expect(await received(c2, 1)).to.have.length(1);
      await waitFor(() => (rig.sw.logicControl('dump').match(/^id=/gm) ?? []).length === 2, { what: 'os-ken\'s two flows', timeoutMs: 5000 });
      const dpid = side.agent.datapathId;
      // Three packet-ins, each of reason 0 (OFPR_NO_MATCH).
      expect(pins()).to.deep.equal([
        `packet in ${dpid} ${colons(a)} ${colons(b)} ${p1} 0`,
        `packet in ${dpid} ${colons(b)} ${colons(a)} ${p2} 0`,
        `packet in ${dpid} ${colons(a)} ${colons(b)} ${p1} 0`,
      ]);
      // From now on the flows forward without the controller.
      const burst = [14, 15, 16, 17, 18].map((t) => frame(b, a, 64, t));
      sendAll(c1, burst);
      expect(await received(c2, 5)).to.deep.equal(burst.map((x) => x.toString('hex')));
      await sleep(300);
      expect(pins()).to.have.length(3);
    } finally {
      await killTracked(osken, 'SIGTERM');
    }
  });

  it('a PACKET_OUT whose output:TABLE misses sends its packet-in to the 1.0 controller only', async () => {
    const of10 = await controller(0x01);
    const of13 = await controller(0x04);
    await waitFor(() => mode() === 'table_miss controller', { what: 'miss mode on', timeoutMs: 5000 });
    const f = frame(mac(0x22), mac(0x11), 64, 7);
    of13.send({ version: 4, xid: 5, type: 'OFPT_PACKET_OUT', bufferId: OFP_NO_BUFFER, inPort: OFPP_CONTROLLER, actions: [{ type: 'output', port: OFPP_TABLE }], data: f });
    const [to10, to13] = await Promise.all([packetInsWithin(of10, 1000), packetInsWithin(of13, 1000)]);
    expect(to13).to.deep.equal([], JSON.stringify(logged.records.filter((r) => r.level as number >= 40)));
    expect(to10.map((p) => [p.reason, p.data.toString('hex')])).to.deep.equal([[0, f.toString('hex')]], JSON.stringify(logged.records.filter((r) => r.level as number >= 40)));
  });

  it('a table-miss flow decides instead of the mode; its packet-in says no_match to 1.3 and action to 1.0, as OVS\'s', async () => {
    const of10 = await controller(0x01);
    const of13 = await controller(0x04);
    await waitFor(() => mode() === 'table_miss controller', { what: 'miss mode on', timeoutMs: 5000 });
    rig.sw.logicControl('add priority=0 apply=output:controller');
    const f = frame(mac(0x22), mac(0x11), 64, 6);
    sendAll(c1, [f]);
    const [to10, to13] = await Promise.all([packetInsWithin(of10, 1000), packetInsWithin(of13, 1000)]);
    expect(to10.map((p) => [p.reason, p.data.toString('hex')])).to.deep.equal([[1, f.toString('hex')]]);
    expect(to13.map((p) => [p.reason, p.data.toString('hex')])).to.deep.equal([[0, f.toString('hex')]]);
  });

  it('real ovs-ofctl -O OpenFlow10 monitor on the management socket gets the miss as Open vSwitch sends it', async function () {
    if (!installed('ovs-ofctl')) this.skip();
    const mon = spawnTracked('ovs-ofctl', ['-O', 'OpenFlow10', 'monitor', `unix:${side.manager.mgmtPath}`, '65534'],
      { env: { ...process.env, OVS_RUNDIR: rundir } });  // its own control socket goes there
    try {
      await waitFor(() => mode() === 'table_miss controller', { what: 'miss mode on with the monitor connected', timeoutMs: 5000 })
        .catch((e: Error) => { throw new Error(`${e.message}; sessions ${JSON.stringify(side.manager.status().sessions)}; ovs-ofctl: ${mon.tail()}`); });
      await sleep(200);  // the monitor's SET_CONFIG (miss_send_len) is on its way
      sendAll(c1, [frame(mac(0x22), mac(0x11), 200, 5)]);
      const line = await mon.waitForLine('stderr', (l) => /^OFPT_PACKET_IN /.test(l), { what: 'the packet-in in monitor\'s output', timeoutMs: 5000 });
      // What a real ovs-vswitchd printed to the same command (besides its
      // NXT_PACKET_IN2 form): reason no_match, whole frame, unbuffered.
      expect(line).to.match(new RegExp(`^OFPT_PACKET_IN \\(xid=0x0\\): total_len=200 in_port=${rig.port(0).index} \\(via no_match\\) data_len=200 \\(unbuffered\\)`));
    } finally {
      await killTracked(mon, 'SIGTERM');
    }
    await waitFor(() => mode() === 'table_miss drop', { what: 'miss mode off after the monitor left', timeoutMs: 5000 });
  });
});

describe('agent: implicit-miss packet-ins carry their routing (packet-io.ts)', () => {
  const reply = ['table=0 miss', 'packet_in reason=no_match table=0 cookie=0x0 in_port=1 metadata=0x0 total_len=14 table_miss=1 hex=0101',
    'output port=2 hex=00', 'packet_in reason=no_match table=0 cookie=0x0 in_port=1 metadata=0x0 total_len=14 hex=0202'].join('\n');

  it('a packet_out reply\'s table_miss=1 line becomes a packet-in sent with tableMiss, the others plain', () => {
    const got = parsePacketOutReply(reply, undefined);
    expect(got.packetIns.map((g) => g.opts)).to.deep.equal([{ tableMiss: true }, {}]);
    expect(got.packetIns.map((g) => g.msg.type === 'OFPT_PACKET_IN' && g.msg.data[0])).to.deep.equal([1, 2]);
  });

  it('the pump sends a controller-queue entry flagged tableMiss with tableMiss, others plain', () => {
    const entry = (tableMiss: boolean, n: number): ControllerPacket => ({
      inPort: 1, reason: 0, tableId: 0, cookie: 0n, metadata: 0n, totalLen: 14, data: Buffer.alloc(14, n), ...(tableMiss && { tableMiss: true }),
    } as ControllerPacket);
    const queue = [entry(true, 1), entry(false, 2)];
    const sent: { data: number; opts: SendAsyncOptions }[] = [];
    const pump = new PacketInPump({
      onControllerQueue: () => undefined,
      readControllerQueue: (max?: number) => queue.splice(0, max ?? queue.length),
    }, (m, opts) => sent.push({ data: m.type === 'OFPT_PACKET_IN' ? m.data[0] : -1, opts }));
    pump.start();
    pump.drain();
    pump.stop();
    expect(sent).to.deep.equal([{ data: 1, opts: { tableMiss: true } }, { data: 2, opts: {} }]);
  });
});
