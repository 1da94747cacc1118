// A 1.3 controller's FLOW_MODs over a real socket into a real switch: the
// session hands them to the `openflow` logic undecoded (`of13` lines), and
// the malformed one among them still gets the codec's OFPT_ERROR in its
// place before the BARRIER_REPLY.  A slave's FLOW_MOD is still refused,
// and a 1.0 session's FLOW_MODs still go the decoded way.
import { expect } from 'chai';

import { BridgeAgent } from '../../../controller-agent/src/agent/bridge-agent';
import { ControllerManager } from '../../../controller-agent/src/agent/controller-manager';
import type * as Datapath from '../../../controller-agent/src/datapath';
import type { NativeSwitch } from '../../../controller-agent/src/datapath';
import { encodeMessage, OFP_NO_BUFFER } from '../../../controller-agent/src/openflow';
import type { FlowMod, OfMessage } from '../../../controller-agent/src/openflow';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { captureLog, handshake, negotiatedVersion, OfPeer } from './session-rig';
import type { Rig } from './session-rig';

const flowMod = (xid: number, priority: number, over: Partial<FlowMod> = {}, version = 4): OfMessage => ({
  version, xid, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority, cookie: BigInt(xid), cookieMask: 0n, idleTimeout: 0,
  hardTimeout: 0, bufferId: OFP_NO_BUFFER, outPort: 0xffffffff, outGroup: 0xffffffff, flags: [],
  match: [{ field: 'in_port', value: BigInt(priority), mask: 0xffffffffn }],
  instructions: { apply: [{ type: 'output', port: 2 }], clearActions: false }, ...over,
});

/** A FLOW_MOD whose only OXM names in_port twice: the codec refuses it with OFPBMC_DUP_FIELD (4, 10). */
const dupField = (xid: number): Buffer => encodeMessage(flowMod(xid, 7, {
  match: [{ field: 'in_port', value: 1n, mask: 0xffffffffn }, { field: 'in_port', value: 2n, mask: 0xffffffffn }],
}));

describe('agent session: 1.3 FLOW_MODs handed to a real openflow switch undecoded', function () {
  this.timeout(30000);
  let datapath: typeof Datapath;
  let sw: NativeSwitch;
  let manager: ControllerManager;
  let rundir: string;
  let peers: OfPeer[];
  let controlCalls: string[];
  before(async () => { datapath = await import('../../../controller-agent/src/datapath'); });

  beforeEach(async () => {
    peers = [];
    controlCalls = [];
    sw = new datapath.Switch({ name: 'sof', workers: 1, logic: 'openflow' });
    // Spy on what the logic is told (the agent calls through this property).
    const control = sw.logicControl.bind(sw);
    Object.defineProperty(sw, 'logicControl', { value: (cmd: string) => { controlCalls.push(cmd); return control(cmd); }, configurable: true });
    rundir = makeTempRunDir();
    const { log } = captureLog();
    const agent = new BridgeAgent({ bridge: 'sof', sw, log, failMode: 'secure', hasControllers: true });
    manager = new ControllerManager({
      bridge: 'sof', rundir, handler: agent, log, targets: [], listeners: ['ptcp:0:127.0.0.1'], protocols: [0x01, 0x04], noMgmtSocket: true,
    });
    await manager.start();
  });

  afterEach(async () => {
    for (const p of peers) p.end();
    await manager.stop();
    sw.close();
    removeTempDir(rundir);
  });

  const connect = async (hello?: OfMessage): Promise<OfPeer> => {
    const rig = { manager, port: manager.listenerPorts[0] } as unknown as Rig;
    const peer = await handshake(rig, hello);
    peers.push(peer);
    await negotiatedVersion(rig);
    return peer;
  };
  const flowLines = (): string[] => controlCalls.flatMap((c) => c.split('\n')).filter((l) => /^(of13|add|mod|del) /.test(l));
  const installed = (): string[] => sw.logicControl('dump table=all').split('\n').filter((l) => l !== '')
    .map((l) => /priority=(\d+) cookie=(\S+)/.exec(l)!.slice(1).join(' '));

  it('good, malformed, good, BARRIER in one write: the malformed one\'s error, then the barrier reply; both good flows in, through of13 lines', async () => {
    const peer = await connect();
    peer.sendRaw(Buffer.concat([encodeMessage(flowMod(101, 11)), dupField(102), encodeMessage(flowMod(103, 13)),
      encodeMessage({ version: 4, xid: 104, type: 'OFPT_BARRIER_REQUEST' })]));
    const err = await peer.expect('OFPT_ERROR');
    expect(err).to.include({ xid: 102, errType: 4, code: 10 });
    expect(err.data.equals(dupField(102).subarray(0, 64))).to.equal(true);
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 104 });
    expect(await peer.quiet(100)).to.equal(undefined);
    expect(installed().sort()).to.deep.equal(['11 0x65', '13 0x67']);
    // Every flow mod reached the logic as an of13 line: the good ones taken, the malformed one handed back (no text line).
    const lines = flowLines();
    expect(lines.length).to.be.greaterThanOrEqual(2);
    expect(lines.every((l) => l.startsWith('of13 '))).to.equal(true);
    expect(lines.some((l) => l === `of13 ${encodeMessage(flowMod(103, 13)).toString('hex')}`)).to.equal(true);
  });

  it('a slave\'s FLOW_MOD gets IS_SLAVE and changes nothing', async () => {
    const peer = await connect();
    peer.send({ version: 4, xid: 110, type: 'OFPT_ROLE_REQUEST', role: 'OFPCR_ROLE_SLAVE', generationId: 1n });
    expect(await peer.expect('OFPT_ROLE_REPLY')).to.include({ role: 'OFPCR_ROLE_SLAVE' });
    peer.send(flowMod(111, 21), { version: 4, xid: 112, type: 'OFPT_BARRIER_REQUEST' });
    expect(await peer.expect('OFPT_ERROR')).to.include({ xid: 111, errType: 1, code: 10 });
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 112 });
    expect(installed()).to.deep.equal([]);
    expect(flowLines()).to.deep.equal([]);
  });

  it('a 1.0 session\'s FLOW_MODs are installed the decoded way (text lines, never of13)', async () => {
    const peer = await connect({ version: 1, xid: 1, type: 'OFPT_HELLO' });
    const mod10 = (xid: number, priority: number): OfMessage => flowMod(xid, priority, {
      instructions: { apply: [{ type: 'output', port: 2 }], clearActions: false },
    }, 1);
    peer.send(mod10(121, 31), mod10(122, 32), { version: 1, xid: 123, type: 'OFPT_BARRIER_REQUEST' });
    expect(await peer.expect('OFPT_BARRIER_REPLY')).to.include({ xid: 123 });
    expect(installed().map((x) => x.split(' ')[0]).sort()).to.deep.equal(['31', '32']);
    const lines = flowLines();
    expect(lines).to.have.length(2);
    expect(lines.every((l) => l.startsWith('add '))).to.equal(true);
  });
});
