// The `openflow` switching logic end to end: an in-process switch running
// it, rules installed through logicControl in the logic's native text form
// (ovs-compat/native/openflow_logic.cc), memif clients sending and
// receiving.  Also the same logic built as its own shared object, loaded
// with loadLogic and selected by its distinct name.
import { expect } from 'chai';
import { existsSync } from 'fs';
import { dirname, join } from 'path';

import bindings from 'bindings';

import { loadLogic, logics } from '../../controller-agent/src/datapath';
import { drain, frame, mac, makeRig, receive, sendAll } from '../datapath/switch-rig';
import type { Rig } from '../datapath/switch-rig';

const soPath = (): string =>
  join(dirname(bindings({ bindings: 'mswitch', path: true } as never) as unknown as string),
    'mswitch-openflow-logic.so');

// 'f' with an 802.1Q tag (TPID 0x8100, PCP 0, 'vid') after the MACs.
function tagged(f: Buffer, vid: number): Buffer {
  const tag = Buffer.alloc(4);
  tag.writeUInt16BE(0x8100, 0);
  tag.writeUInt16BE(vid, 2);
  return Buffer.concat([f.subarray(0, 12), tag, f.subarray(12)]);
}

// n_packets of the dump line whose text contains 'needle'.
function packetsOf(dump: string, needle: string): number {
  const line = dump.split('\n').find((l) => l.includes(needle));
  if (!line) throw new Error(`no rule with '${needle}' in:\n${dump}`);
  return Number(/n_packets=(\d+)/.exec(line)?.[1]);
}

describe('openflow logic through the switch', function () {
  this.timeout(30000);
  let rig: Rig;
  afterEach(() => rig?.close());

  it('is built in, and the higher-priority rule wins', async () => {
    expect(logics()).to.include('openflow');
    rig = await makeRig({ logic: 'openflow' });
    const [a, b, c] = [await rig.connect(0), await rig.connect(1), await rig.connect(2)];
    const [pa, pb, pc] = [0, 1, 2].map((id) => rig.port(id).index);
    // frame() sends ethertype 0x88b5: the priority-20 rule is the more
    // specific one and must win over the catch-all of port a.
    rig.sw.logicControl(`add priority=10 in_port=${pa} actions=output:${pb}\n` +
      `add priority=20 in_port=${pa} eth_type=0x88b5 actions=output:${pc}`);
    const frames = [0, 1, 2, 3, 4].map((t) => frame(mac(2), mac(1), 64 + t, t));
    sendAll(a, frames);
    const got = receive(c, frames.length);
    expect(got).to.have.length(frames.length);
    got.forEach((f, i) => expect(f.equals(frames[i]), `frame ${i}`).to.equal(true));
    expect(drain(b), 'the lower-priority rule saw nothing').to.have.length(0);
    const dump = rig.sw.logicControl('dump');
    expect(packetsOf(dump, 'priority=20 ')).to.equal(frames.length);
    expect(packetsOf(dump, 'priority=10 ')).to.equal(0);
    // Table-miss drops: nothing is installed for port b's traffic.
    sendAll(b, [frame(mac(1), mac(2), 64)]);
    expect(drain(a)).to.have.length(0);
    expect(drain(c)).to.have.length(0);
  });

  it('push_vlan sends the frame out tagged, and a second output untagged in the same answer', async () => {
    rig = await makeRig({ logic: 'openflow' });
    const [a, b, c] = [await rig.connect(0), await rig.connect(1), await rig.connect(2)];
    const [pa, pb, pc] = [0, 1, 2].map((id) => rig.port(id).index);
    rig.sw.logicControl(`add in_port=${pa} actions=output:${pc},push_vlan:0x8100,set_vlan_vid:100,output:${pb}`);
    const f = frame(mac(2), mac(1), 200, 9);
    sendAll(a, [f]);
    const got = receive(b, 1);
    expect(got).to.have.length(1);
    expect(got[0].toString('hex')).to.equal(tagged(f, 100).toString('hex'));
    const plain = receive(c, 1);
    expect(plain).to.have.length(1);
    expect(plain[0].equals(f), 'the output before the push is untagged').to.equal(true);
  });

  it('loads as its own shared object under a distinct name', async () => {
    const so = soPath();
    expect(existsSync(so), `${so} is built`).to.equal(true);
    if (!logics().includes('openflow-so')) expect(loadLogic(so)).to.equal('openflow-so');
    expect(() => loadLogic(so), 'a second load is refused').to.throw();
    rig = await makeRig({ logic: 'openflow-so', logicConfig: 'tables=8' });
    const [a, b] = [await rig.connect(0), await rig.connect(1)];
    const [pa, pb] = [0, 1].map((id) => rig.port(id).index);
    rig.sw.logicControl(`add table=0 in_port=${pa} actions=goto_table:7\nadd table=7 actions=output:${pb}`);
    expect(() => rig.sw.logicControl('add table=8 actions=drop')).to.throw(/table/);
    const f = frame(mac(2), mac(1), 100, 3);
    sendAll(a, [f]);
    const got = receive(b, 1);
    expect(got).to.have.length(1);
    expect(got[0].equals(f)).to.equal(true);
    expect(rig.sw.logic()).to.equal('openflow-so');
  });
});
