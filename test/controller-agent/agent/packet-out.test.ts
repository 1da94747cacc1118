// packetOut (agent/packet-io.ts) on a real switch running the `openflow`
// logic.  A PACKET_OUT whose actions are only outputs to numbered ports
// goes straight to sendFrames; the oracle is the logic itself: for every
// case the frames sent must be exactly those the logic's packet_out reply
// lists (and that reach existing ports), and the logic must not have been
// asked.  Other actions still run through the logic, and errors are the
// logic's.  One frame is checked at a memif client, byte for byte.
// packetOuts (packet-out batches) sends a batch's frames in one call, in
// order, and keeps each message's error in its place.
import { expect } from 'chai';

import { packetOut, packetOuts, parsePacketOutReply } from '../../../controller-agent/src/agent/packet-io';
import { toFlowActions } from '../../../controller-agent/src/agent/flow-mods';
import { PORT_CONTROLLER } from '../../../controller-agent/src/datapath';
import type { OutFrame } from '../../../controller-agent/src/datapath';
import { OFP_NO_BUFFER, OFP_VERSION_1_3, OFPP_CONTROLLER, OpenFlowError } from '../../../controller-agent/src/openflow';
import type { MessageOf } from '../../../controller-agent/src/openflow';
import { nativeActions } from '../../../ovs-compat/src';
import { frame, mac, receive } from '../../datapath/switch-rig';
import { makeRig } from '../../datapath/switch-rig';
import type { Rig } from '../../datapath/switch-rig';

type PacketOut = MessageOf<'OFPT_PACKET_OUT'>;
type Action = PacketOut['actions'][number];

const out = (port: number): Action => ({ type: 'output', port }) as Action;

function msg(inPort: number, actions: Action[], data: Buffer): PacketOut {
  return { version: OFP_VERSION_1_3, xid: 7, type: 'OFPT_PACKET_OUT', bufferId: OFP_NO_BUFFER, inPort, actions, data } as PacketOut;
}

describe('agent: packetOut on the openflow logic', function () {
  this.timeout(20000);
  let rig: Rig | undefined;

  afterEach(() => rig?.close());

  // packetOut through a switch that records what reaches sendFrames and the logic.
  async function setup(): Promise<{ run: (m: PacketOut) => { sent: OutFrame[]; logicCalls: number }; oracle: (m: PacketOut) => OutFrame[] }> {
    rig = await makeRig({ logic: 'openflow' });
    const sw = rig.sw;
    for (const id of [1, 2, 3]) sw.addMemifInterface({ id, port: id });
    const run = (m: PacketOut): { sent: OutFrame[]; logicCalls: number } => {
      const sent: OutFrame[] = [];
      let logicCalls = 0;
      packetOut({
        logicControl: (c) => {
          logicCalls++;
          return sw.logicControl(c);
        },
        sendFrames: (f) => {
          const n = sw.sendFrames(f);   // a refused call (ENOENT) sent nothing
          sent.push(...f);
          return n;
        },
        ports: () => sw.ports(),
      }, m);
      return { sent, logicCalls };
    };
    // What the logic answers for 'm', to the ports that exist.
    const oracle = (m: PacketOut): OutFrame[] => {
      const fromController = m.inPort === OFPP_CONTROLLER;
      const reply = sw.logicControl(`packet_out in_port=${fromController ? 'controller' : m.inPort} actions=${nativeActions(toFlowActions(m.actions, []))} hex=${m.data.toString('hex')}`);
      const ports = new Set(sw.ports().map((p) => p.index));
      return parsePacketOutReply(reply, fromController ? undefined : m.inPort).frames.filter((f) => f.port === 'flood' || ports.has(f.port));
    };
    return { run, oracle };
  }

  it('sends output-only packet-outs exactly as the logic would, without asking it', async () => {
    const { run, oracle } = await setup();
    const data = frame(mac(2), mac(1), 60, 9);
    const cases: [string, PacketOut][] = [
      ['from the controller to one port', msg(OFPP_CONTROLLER, [out(2)], data)],
      ['to several ports, one twice', msg(OFPP_CONTROLLER, [out(2), out(3), out(2)], data)],
      ['from a port, back to it without IN_PORT (dropped)', msg(2, [out(2), out(3)], data)],
      ['to a port number that is not a port, and one that is', msg(OFPP_CONTROLLER, [out(77), out(3)], data)],
      ['with no action at all', msg(OFPP_CONTROLLER, [], data)],
    ];
    for (const [what, m] of cases) {
      const want = oracle(m);
      const got = run(m);
      expect(got.logicCalls, `${what}: the logic was asked`).to.equal(0);
      expect(got.sent.map((f) => ({ port: f.port, data: f.data.toString('hex') })), what)
        .to.deep.equal(want.map((f) => ({ port: f.port, data: f.data.toString('hex') })));
    }
  });

  it('runs any other action list through the logic, and refuses what the logic refuses', async () => {
    const { run, oracle } = await setup();
    const data = frame(mac(2), mac(1), 60, 3);
    const m = msg(OFPP_CONTROLLER, [{ type: 'set_field', field: 'eth_dst', value: 0x0a0b0c0d0e0fn } as Action, out(2)], data);
    const want = oracle(m);
    const got = run(m);
    expect(got.logicCalls).to.equal(1);
    expect(want[0].data.subarray(0, 6).toString('hex')).to.equal('0a0b0c0d0e0f');
    expect(got.sent.map((f) => f.data.toString('hex'))).to.deep.equal(want.map((f) => f.data.toString('hex')));
    // Port 5000 is beyond any switch port: the logic's bad_out_port, as before.
    expect(() => run(msg(OFPP_CONTROLLER, [out(5000)], data))).to.throw(OpenFlowError).with.property('errorName', 'OFPBAC_BAD_OUT_PORT');
  });

  it('delivers the frame to the client on the output port, byte for byte', async () => {
    const { run } = await setup();
    const c = await rig!.connect(2);
    const data = frame(mac(9), mac(8), 200, 42);
    run(msg(OFPP_CONTROLLER, [out(2)], data));
    const got = receive(c, 1);
    expect(got.map((b) => b.toString('hex'))).to.deep.equal([data.toString('hex')]);
  });
});

describe('agent: packetOuts (a batch of PACKET_OUTs)', () => {
  const data = (n: number): Buffer => frame(mac(2), mac(1), 60, n);
  // A switch whose sendFrames records each call, and may refuse the first.
  function spy(refuseFirst?: string): { sw: Parameters<typeof packetOuts>[0]; calls: OutFrame[][] } {
    const calls: OutFrame[][] = [];
    return {
      calls,
      sw: {
        logicControl: () => { throw new Error('the logic was asked'); },
        ports: () => [],
        sendFrames: (f) => {
          if (refuseFirst !== undefined && calls.length === 0) {
            calls.push([]);
            throw Object.assign(new Error(refuseFirst), { code: 'EINVAL' });
          }
          calls.push([...f]);
          return f.length;
        },
      },
    };
  }

  it('sends the frames of every packet-out in one call, in order, each bad one answered in its place', () => {
    const { sw, calls } = spy();
    const bad = { ...msg(OFPP_CONTROLLER, [out(2)], data(2)), bufferId: 5 };
    const got = packetOuts(sw, [msg(OFPP_CONTROLLER, [out(2)], data(1)), bad, msg(OFPP_CONTROLLER, [out(3), out(2)], data(3))]);
    expect(got[0]).to.deep.equal([]);
    expect(got[1]).to.be.instanceOf(OpenFlowError).with.property('errorName', 'OFPBRC_BUFFER_UNKNOWN');
    expect(got[2]).to.deep.equal([]);
    expect(calls).to.have.length(1);
    expect(calls[0].map((f) => `${f.port}:${f.data.readUInt32BE(14)}`)).to.deep.equal(['2:1', '3:3', '2:3']);
  });

  it('when the batch is refused as a whole, sends message by message and puts the refusal on the one it belongs to', () => {
    const { sw, calls } = spy('frame 0 is 70000 bytes');
    const got = packetOuts(sw, [msg(OFPP_CONTROLLER, [out(2)], data(1)), msg(OFPP_CONTROLLER, [out(3)], data(2))]);
    expect(got).to.deep.equal([[], []]);
    expect(calls.slice(1).map((c) => c.map((f) => f.port))).to.deep.equal([[2], [3]]);
  });
});

describe('agent: packet-ins of a packet-out (parsePacketOutReply)', () => {
  const line = (inPort: number): string => `packet_in reason=action table=0 cookie=0x0 in_port=${inPort} metadata=0x0 total_len=14 hex=0101`;
  const inPortOf = (reply: string, from: number | undefined): bigint | undefined => {
    const [pin] = parsePacketOutReply(reply, from).packetIns;
    return pin.msg.type === 'OFPT_PACKET_IN' ? pin.msg.match.find((f) => f.field === 'in_port')?.value : undefined;
  };

  it('a packet-out from the controller names OFPP_CONTROLLER as in_port, not the datapath number OpenFlow reads as LOCAL', () => {
    expect(inPortOf(line(PORT_CONTROLLER), undefined)).to.equal(BigInt(OFPP_CONTROLLER));
  });

  it('a packet-out from a port names that port', () => {
    expect(inPortOf(line(3), 3)).to.equal(3n);
  });
});
