// The `openflow` switching logic end to end: an in-process switch running
// it, rules installed through logicControl in the logic's native control
// form (ovs-compat/native/control-text.md), memif clients sending and
// receiving: priorities, VLAN variants, counters equal to the frames sent,
// an idle timeout expiring with its flow_removed event.  Also the same
// logic built as its own shared object, loaded with loadLogic and selected
// by its distinct name.
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

// The number 'key=' holds in the dump line whose text contains 'needle'.
function valueOf(dump: string, needle: string, key: string): number {
  const line = dump.split('\n').find((l) => l.includes(needle));
  if (!line) throw new Error(`no rule with '${needle}' in:\n${dump}`);
  const m = new RegExp(`(?:^| )${key}=(\\d+)`).exec(line);
  if (!m) throw new Error(`no ${key}= in ${line}`);
  return Number(m[1]);
}
const packetsOf = (dump: string, needle: string): number => valueOf(dump, needle, 'n_packets');

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
    rig.sw.logicControl(`add priority=10 in_port=${pa} apply=output:${pb}\n` +
      `add priority=20 in_port=${pa} eth_type=0x88b5 apply=output:${pc}`);
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
    rig.sw.logicControl(`add in_port=${pa} apply=output:${pc},push_vlan:0x8100,set_field:vlan_vid=0x1064,output:${pb}`);
    const f = frame(mac(2), mac(1), 200, 9);
    sendAll(a, [f]);
    const got = receive(b, 1);
    expect(got).to.have.length(1);
    expect(got[0].toString('hex')).to.equal(tagged(f, 100).toString('hex'));
    const plain = receive(c, 1);
    expect(plain).to.have.length(1);
    expect(plain[0].equals(f), 'the output before the push is untagged').to.equal(true);
  });

  it('counts exactly the frames and bytes sent, per flow and per table', async () => {
    rig = await makeRig({ logic: 'openflow' });
    const [a, b, c] = [await rig.connect(0), await rig.connect(1), await rig.connect(2)];
    const [pa, pb, pc] = [0, 1, 2].map((id) => rig.port(id).index);
    rig.sw.logicControl(`add priority=5 in_port=${pa} apply=output:${pb}\n` +
      `add priority=5 in_port=${pc} apply=output:${pb}`);
    // Several bursts of different lengths from two clients, in turn.
    let sentA = 0; let bytesA = 0; let sentC = 0;
    for (let burst = 0; burst < 5; burst++) {
      const fa = Array.from({ length: 20 + burst }, (_, i) => frame(mac(2), mac(1), 60 + burst * 10 + (i % 7), i));
      const fc = Array.from({ length: 7 }, (_, i) => frame(mac(2), mac(3), 64, i));
      sendAll(a, fa);
      sendAll(c, fc);
      sentA += fa.length; bytesA += fa.reduce((n, f) => n + f.length, 0); sentC += fc.length;
      expect(receive(b, fa.length + fc.length)).to.have.length(fa.length + fc.length);
    }
    const dump = rig.sw.logicControl('dump');
    expect(packetsOf(dump, `in_port=${pa} `)).to.equal(sentA);
    expect(valueOf(dump, `in_port=${pa} `, 'n_bytes')).to.equal(bytesA);
    expect(packetsOf(dump, `in_port=${pc} `)).to.equal(sentC);
    expect(rig.sw.logicControl(`aggregate in_port=${pa}`).trim())
      .to.equal(`flows=1 n_packets=${sentA} n_bytes=${bytesA}`);
    const t0 = rig.sw.logicControl('table_stats').split('\n')[0];
    expect(valueOf(t0, 'table=0', 'lookups')).to.equal(sentA + sentC);
    expect(valueOf(t0, 'table=0', 'matched')).to.equal(sentA + sentC);
    expect(valueOf(t0, 'table=0', 'emc_hits') + valueOf(t0, 'table=0', 'emc_misses')).to.equal(sentA + sentC);
  });

  it('expires an idle flow and reports flow_removed, while a used one stays', async () => {
    rig = await makeRig({ logic: 'openflow' });
    const [a, b] = [await rig.connect(0), await rig.connect(1)];
    const [pa, pb] = [0, 1].map((id) => rig.port(id).index);
    rig.sw.logicControl(`add priority=7 cookie=0x99 idle_timeout=1 send_flow_rem in_port=${pa} apply=output:${pb}\n` +
      `add priority=8 idle_timeout=1 send_flow_rem in_port=${pb} apply=output:${pa}`);
    const f = frame(mac(2), mac(1), 100, 1);
    // Keep port a's flow busy for 1.5 s: it must outlive port b's idle one.
    const until = Date.now() + 1500;
    let sent = 0;
    while (Date.now() < until) {
      sendAll(a, [f]);
      sent++;
      expect(receive(b, 1)).to.have.length(1);
      await new Promise((r) => setTimeout(r, 100));
    }
    let events = rig.sw.logicControl('events');
    const lines = events.split('\n').filter((l) => l !== '');
    expect(lines, events).to.have.length(1);
    expect(lines[0]).to.match(/^flow_removed reason=idle_timeout table=0 priority=8 cookie=0x0 idle_timeout=1 hard_timeout=0 duration_ns=\d+ n_packets=0 n_bytes=0 in_port=/);
    expect(packetsOf(rig.sw.logicControl('dump'), 'priority=7')).to.equal(sent);
    // Silence: a's flow goes too, with its counters.
    await new Promise((r) => setTimeout(r, 1200));
    events = rig.sw.logicControl('events');
    expect(events).to.match(new RegExp(`^flow_removed reason=idle_timeout table=0 priority=7 cookie=0x99 .* n_packets=${sent} n_bytes=${sent * 100} in_port=${pa}\n$`));
    expect(rig.sw.logicControl('dump')).to.equal('');
    sendAll(a, [f]);
    expect(drain(b)).to.have.length(0);
  });

  it('loads as its own shared object under a distinct name', async () => {
    const so = soPath();
    expect(existsSync(so), `${so} is built`).to.equal(true);
    if (!logics().includes('openflow-so')) expect(loadLogic(so)).to.equal('openflow-so');
    expect(() => loadLogic(so), 'a second load is refused').to.throw();
    rig = await makeRig({ logic: 'openflow-so', logicConfig: 'tables=8' });
    const [a, b] = [await rig.connect(0), await rig.connect(1)];
    const [pa, pb] = [0, 1].map((id) => rig.port(id).index);
    rig.sw.logicControl(`add table=0 in_port=${pa} goto_table=7\nadd table=7 apply=output:${pb}`);
    expect(() => rig.sw.logicControl('add table=8')).to.throw(/flow_mod_failed\.bad_table_id/);
    const f = frame(mac(2), mac(1), 100, 3);
    sendAll(a, [f]);
    const got = receive(b, 1);
    expect(got).to.have.length(1);
    expect(got[0].equals(f)).to.equal(true);
    expect(rig.sw.logic()).to.equal('openflow-so');
  });
});
