// Wireshark's OpenFlow dissector as a second independent reader: the
// golden messages of both versions are written by the codec into TCP
// segments of a pcap file (headers built here by hand) and `tshark -V`
// must dissect each with the version, type, xid and key fields we meant,
// and without a malformed-packet report.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { encodeMessage } from '../../../controller-agent/src/openflow';
import { makeTempDir, removeTempDir } from '../../support/tmp-dir';
import { FIXTURES_10 } from './fixtures10';
import { FIXTURES_13 } from './fixtures13';

const tsharkAvailable = (): boolean => spawnSync('tshark', ['--version']).status === 0;

/** A pcap (LINKTYPE_ETHERNET) with one IPv4/TCP segment to port 6653 per payload. */
function pcap(payloads: Buffer[]): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(1, 20);
  const records: Buffer[] = [global];
  let seq = 1;
  payloads.forEach((p, i) => {
    const eth = Buffer.from('020000000002020000000001' + '0800', 'hex');
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 20 + p.length, 2);
    ip[8] = 64;
    ip[9] = 6;
    Buffer.from([10, 0, 0, 1, 10, 0, 0, 2]).copy(ip, 12);
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(40000, 0);
    tcp.writeUInt16BE(6653, 2);
    tcp.writeUInt32BE(seq, 4);
    tcp[12] = 5 << 4;
    tcp[13] = 0x18; // PSH|ACK
    tcp.writeUInt16BE(65535, 14);
    seq += p.length;
    const frame = Buffer.concat([eth, ip, tcp, p]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1700000000 + i, 0);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    records.push(rec, frame);
  });
  return Buffer.concat(records);
}

describe('openflow codec: tshark dissects encoded messages', function () {
  let dir: string | undefined;
  before(function () {
    if (!tsharkAvailable()) this.skip();
    dir = makeTempDir();
  });
  after(() => removeTempDir(dir));

  it('reads version, type, length and xid of every golden message as encoded, without malformed reports', () => {
    const fixtures = [...FIXTURES_13, ...FIXTURES_10];
    const file = join(dir!, 'of.pcap');
    writeFileSync(file, pcap(fixtures.map((f) => encodeMessage(f.model))));
    const r = spawnSync('tshark', ['-r', file, '-d', 'tcp.port==6653,openflow', '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number',
      '-e', 'openflow.version', '-e', 'openflow_1_0.type', '-e', 'openflow_v4.type', '-e', 'openflow.xid', '-e', 'openflow_v4.xid',
      '-e', 'openflow.length', '-e', 'openflow_v4.length', '-e', '_ws.malformed', '-e', '_ws.expert.message'], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('|'));
    expect(rows).to.have.length(fixtures.length);
    rows.forEach((row, i) => {
      const f = fixtures[i];
      const bytes = f.bytes;
      const v13 = bytes[0] === 4;
      // An error quotes a message, which tshark dissects too: the first value is the outer message's.
      const [, , t1, t4, x1, x4, l1, l4, malformed] = row.map((c) => c.split(',')[0]);
      // Wireshark 4.0's 1.0 dissector reads an action header even when a flow mod has none
      // (an empty list means drop, OpenFlow 1.0.0 section 5.3.3; ovs-ofctl reads that fixture).
      const emptyActions10 = f.name === 'FLOW_MOD delete with VLAN and ARP';
      expect(row[8] === '' || /ARP/.test(row[8]) || (emptyActions10 && /openflow_v1/.test(row[8])), `${f.name}: ${row[8]}`).to.equal(true);
      expect(Number(v13 ? t4 : t1), `${f.name} type: ${row.join("|")}`).to.equal(bytes[1]);
      expect(Number(v13 ? x4 : x1), `${f.name} xid`).to.equal(bytes.readUInt32BE(4));
      expect(Number(v13 ? l4 : l1), `${f.name} length`).to.equal(bytes.length);
      // The fixtures' packet data is a bare 14-byte Ethernet header, which tshark reports as a
      // malformed ARP packet; only a malformed OpenFlow message is ours.
      if (!emptyActions10) expect(malformed, `${f.name} malformed`).to.not.match(/openflow/i);
    });
  });

  it('dissects a flow mod\'s match and actions as encoded', () => {
    const fm = FIXTURES_13.find((f) => f.name === 'FLOW_MOD with every instruction')!;
    const file = join(dir!, 'fm.pcap');
    writeFileSync(file, pcap([encodeMessage(fm.model)]));
    const r = spawnSync('tshark', ['-r', file, '-d', 'tcp.port==6653,openflow', '-V'], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    for (const s of ['Command: OFPFC_MODIFY (1)', 'Table ID: 2', 'Priority: 100', 'Field: OFPXMT_OFB_VLAN_VID', 'Field: OFPXMT_OFB_IPV6_SRC',
      'Type: OFPIT_METER', 'Meter ID: 9', 'Type: OFPAT_PUSH_VLAN', 'Type: OFPAT_SET_FIELD', 'Type: OFPIT_GOTO_TABLE']) {
      expect(r.stdout, s).to.include(s);
    }
    expect(r.stdout).to.not.match(/Malformed/);
  });
});
