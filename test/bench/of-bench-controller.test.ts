// The openflow-control benchmark's premises, against the real daemon: the
// bench controller's pipelined flow mods are all installed by the time the
// barrier is answered and the aggregate counts exactly them; a refused
// flow mod is not lost among the pipelined ones (its OFPT_ERROR is kept);
// below the switch's limit every frame offered becomes exactly one
// packet-in that the controller counts; every pipelined packet-out leaves
// port 2 and an erroneous one fails the sample; round trips are timed
// against their own replies.  Small sizes: these check the
// benchmark, not the machine's speed.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'fs';
import { join } from 'path';

import { OFP_NO_BUFFER, OFP_VERSION_1_3, OFPG_ANY, OFPP_ANY, encodeMessage } from '../../controller-agent/src/openflow';
import { killAll, sleep } from './harness';
import {
  aggregateAll, barrier, deleteAll, echoRequest, exactMatch, flowCountOf, flowModAdds, packetOutToOutPort, packetOuts, tableMissToController, udpFrame,
} from './of-bench-messages';
import { packetOutOnce, roundTripOnce } from './of-bench-packet-out';
import { startOurs } from './of-bench-switches';
import type { BenchSwitch } from './of-bench-switches';
import { pktGenPath } from './peers';

describe('openflow-control bench: the bench controller against mswitch', function () {
  this.timeout(90000);
  let dir: string;
  let sw: BenchSwitch | undefined;

  before(async function () {
    if (!pktGenPath()) this.skip();
    dir = mkdtempSync('/tmp/msw-ofbench-');
    sw = await startOurs(dir);
  });
  after(async () => {
    await sw?.stop();
    await killAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs every pipelined flow mod by the barrier reply, and the aggregate counts exactly them', async () => {
    const s = sw!;
    s.ctl.send(deleteAll());
    await s.ctl.request(barrier());
    expect(flowCountOf(await s.ctl.request(aggregateAll()))).to.equal(0);
    await s.ctl.sendAll(flowModAdds(3000, 0x100000));
    await s.ctl.request(barrier());
    expect(flowCountOf(await s.ctl.request(aggregateAll()))).to.equal(3000);
    expect(s.ctl.errors).to.deep.equal([]);
  });

  it('keeps the OFPT_ERROR of one refused flow mod among pipelined ones', async () => {
    const s = sw!;
    const before = s.ctl.errors.length;
    // goto_table must go forward (OpenFlow 1.3.5 section 5.1): table 0 -> 0 is refused.
    s.ctl.send({
      version: OFP_VERSION_1_3, xid: 0x4242, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 7, cookie: 0n, cookieMask: 0n,
      idleTimeout: 0, hardTimeout: 0, bufferId: OFP_NO_BUFFER, outPort: OFPP_ANY, outGroup: OFPG_ANY, flags: [], match: exactMatch(999999),
      instructions: { apply: [], clearActions: false, gotoTable: 0 },
    });
    await s.ctl.request(barrier());
    expect(s.ctl.errors.slice(before)).to.have.length(1);
    expect(s.ctl.errors[before]).to.match(/xid 16962$/);
  });

  it('counts one packet-in per frame offered below the switch\'s limit', async () => {
    const s = sw!;
    s.ctl.send(deleteAll());
    s.ctl.send(tableMissToController());
    await s.ctl.request(barrier());
    const c0 = s.ctl.packetIns.count;
    const errors = s.ctl.errors.length;
    const offered = await s.offer(1, 2000);
    expect(offered.frames).to.be.greaterThan(500);
    for (let i = 0; i < 100 && s.ctl.packetIns.count - c0 < offered.frames; i++) await sleep(50);
    await sleep(200);
    expect(s.ctl.packetIns.count - c0).to.equal(offered.frames);
    expect(s.ctl.errors.slice(errors)).to.deep.equal([]);
  });

  it('sees every pipelined packet-out leave port 2: tx_packets and the memif client on port 2 count all of them', async () => {
    const s = sw!;
    s.ctl.send(deleteAll());
    await s.ctl.request(barrier());
    const r = await packetOutOnce(s, packetOuts(3000, 0x200000), 3000);
    expect(r.delivered).to.equal(1);
    expect(r.clientRx).to.equal(1);
    expect(r.atBarrier).to.be.within(0, 1);
    expect(r.txDropped).to.equal(0);
  });

  it('fails a packet-out sample when the switch answers one packet-out with an OFPT_ERROR', async () => {
    const s = sw!;
    const bad = encodeMessage({ ...packetOutToOutPort(0x4343), bufferId: 77 });   // we buffer nothing: OFPBRC_BUFFER_UNKNOWN
    const chunks = [...packetOuts(100, 0x200000), bad, ...packetOuts(100, 0x300000)];
    let failure: Error | undefined;
    await packetOutOnce(s, chunks, 201).catch((e: Error) => { failure = e; });
    expect(failure?.message).to.match(/mswitch: 1 error\(s\) for 201 packet-outs, first: OFPT_ERROR type 1 code \d+ for xid 17219$/);
  });

  it('times each barrier and echo round trip against its own reply', async () => {
    const s = sw!;
    for (const kind of ['barrier', 'echo'] as const) {
      const r = await roundTripOnce(s, kind, 200);
      expect(r.p50Us).to.be.greaterThan(0);
      expect(r.p99Us).to.be.at.least(r.p50Us);
      expect(r.maxUs).to.be.at.least(r.p99Us);
    }
    const ns = await s.ctl.roundTrips(barrier(), 'OFPT_BARRIER_REPLY', 50);
    expect(ns).to.have.length(50);
    await s.ctl.roundTrips(echoRequest(), 'OFPT_BARRIER_REPLY', 1).then(
      () => expect.fail('an ECHO_REPLY was taken for a BARRIER_REPLY'),
      (e: Error) => expect(e.message).to.match(/answered with OFPT_ECHO_REPLY, not OFPT_BARRIER_REPLY/));
  });

  it('builds a 60-byte UDP frame with a valid IPv4 header checksum', () => {
    const f = udpFrame();
    expect(f.length).to.equal(60);
    let sum = 0;
    for (let i = 14; i < 34; i += 2) sum += f.readUInt16BE(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    expect(sum).to.equal(0xffff);
  });
});
