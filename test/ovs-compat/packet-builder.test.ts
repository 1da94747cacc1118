// buildPacket (ovs-compat/src/packet-builder.ts) against frames written
// out by hand, field by field, from the protocol layouts (Ethernet,
// 802.1Q, MPLS RFC 3032, IPv4 RFC 791, IPv6 RFC 8200, TCP RFC 9293, UDP
// RFC 768, SCTP RFC 4960, ICMP RFC 792, ICMPv6 RFC 4443, ARP RFC 826).
// Checksums are filled in here by this file's own slow computations (a
// word-at-a-time RFC 1071 sum and a bit-at-a-time CRC32c), not by the
// builder's; the builder's frames were also checked once with tshark.
import { expect } from 'chai';

import { buildPacket, FlowSyntaxError } from '../../ovs-compat/src';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');

// RFC 1071 by the book: add 16-bit words in a 32-bit accumulator, fold once at the end.
function onesSum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2 === 1) sum += b[b.length - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (~sum) & 0xffff;
}

// CRC32c one bit at a time (Castagnoli polynomial 0x1EDC6F41, reflected).
function crc32cSlow(b: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of b) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (crc & 1 ? 0x82f63b78 : 0);
  }
  return (~crc) >>> 0;
}

const put16 = (b: Buffer, at: number, v: number): Buffer => {
  b.writeUInt16BE(v, at);
  return b;
};
const padTo60 = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc(Math.max(0, 60 - b.length))]);
const ETH = (type: string): string => `020000000002 020000000001 ${type}`;

describe('ovs-compat packet-builder: the frame a trace description names', () => {
  it('the crc32c of this test is the standard one ("123456789" -> 0xe3069283)', () => {
    expect(crc32cSlow(Buffer.from('123456789'))).to.equal(0xe3069283);
  });

  it('tcp: IPv4 addresses, ports, flags, TOS and TTL, valid IP and TCP checksums, padded to 60 bytes', () => {
    const p = buildPacket('in_port=3,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1234,tp_dst=80,tcp_flags=+syn+ack,nw_tos=32,nw_ecn=1,nw_ttl=7');
    const ip = hex('45 21 0028 00000000 07 06 0000 0a000001 0a000002');
    put16(ip, 10, onesSum(ip));
    const tcp = hex('04d2 0050 00000000 00000000 50 12 0000 0000 0000');
    put16(tcp, 16, onesSum(Buffer.concat([hex('0a000001 0a000002 00 06 0014'), tcp])));
    expect(p.inPort).to.equal(3);
    expect(p.frame.toString('hex')).to.equal(padTo60(Buffer.concat([hex(ETH('0800')), ip, tcp])).toString('hex'));
  });

  it('udp6: IPv6 traffic class, flow label, hop limit; UDP checksum over the IPv6 pseudo-header', () => {
    const p = buildPacket('in_port=1,udp6,ipv6_src=2001:db8::1,ipv6_dst=fe80::2,ipv6_label=0x12345,ip_dscp=46,nw_ttl=9,tp_src=53,tp_dst=5353,dl_src=0a:0b:0c:0d:0e:0f,dl_dst=ff:ff:ff:ff:ff:ff');
    const src = hex('20010db8000000000000000000000001');
    const dst = hex('fe800000000000000000000000000002');
    const udp = hex('0035 14e9 0008 0000');
    put16(udp, 6, onesSum(Buffer.concat([src, dst, hex('00000008 00000011'), udp])));
    const ip6 = Buffer.concat([hex('6b812345 0008 11 09'), src, dst]);
    expect(p.frame.toString('hex')).to.equal(Buffer.concat([hex('ffffffffffff 0a0b0c0d0e0f 86dd'), ip6, udp]).toString('hex'));
    expect(p.frame.length).to.equal(62);
  });

  it('802.1Q tag from dl_vlan and dl_vlan_pcp, then ICMP echo with its checksum', () => {
    const p = buildPacket('in_port=2,dl_vlan=100,dl_vlan_pcp=5,icmp,icmp_type=8,icmp_code=0,nw_dst=192.168.1.1');
    const ip = hex('45 00 001c 00000000 40 01 0000 00000000 c0a80101');
    put16(ip, 10, onesSum(ip));
    const icmp = put16(hex('08 00 0000 00000000'), 2, 0);
    put16(icmp, 2, onesSum(icmp));
    expect(p.frame.toString('hex')).to.equal(padTo60(Buffer.concat([hex('020000000002 020000000001 8100 a064 0800'), ip, icmp])).toString('hex'));
  });

  it('icmp6: ICMPv6 checksum includes the pseudo-header', () => {
    const p = buildPacket('in_port=1,icmp6,icmpv6_type=135,icmpv6_code=0,ipv6_dst=ff02::1');
    const src = Buffer.alloc(16);
    const dst = hex('ff020000000000000000000000000001');
    const icmp = hex('87 00 0000 00000000');
    put16(icmp, 2, onesSum(Buffer.concat([src, dst, hex('00000008 0000003a'), icmp])));
    expect(p.frame.toString('hex')).to.equal(Buffer.concat([hex(ETH('86dd')), hex('60000000 0008 3a 40'), src, dst, icmp]).toString('hex'));
  });

  it('sctp: ports and the CRC32c, stored least significant byte first', () => {
    const p = buildPacket('in_port=1,sctp,tp_src=7,tp_dst=9');
    const ip = hex('45 00 0020 00000000 40 84 0000 00000000 00000000');
    put16(ip, 10, onesSum(ip));
    const sctp = hex('0007 0009 00000000 00000000');
    sctp.writeUInt32LE(crc32cSlow(sctp), 8);
    expect(p.frame.toString('hex')).to.equal(padTo60(Buffer.concat([hex(ETH('0800')), ip, sctp])).toString('hex'));
  });

  it('arp: op, addresses; sha defaults to dl_src; nw_dst in an arp description is arp_tpa', () => {
    const p = buildPacket('in_port=4,arp,arp_op=2,arp_spa=10.0.0.1,nw_dst=10.0.0.9,arp_tha=00:00:00:00:00:09,dl_src=00:00:00:00:00:01');
    const body = hex('0001 0800 06 04 0002 000000000001 0a000001 000000000009 0a000009');
    expect(p.frame.toString('hex')).to.equal(padTo60(Buffer.concat([hex('020000000002 000000000001 0806'), body])).toString('hex'));
  });

  it('mpls: one bottom-of-stack entry with label, TC and TTL 64', () => {
    const p = buildPacket('in_port=1,mpls,mpls_label=1000,mpls_tc=5');
    // label 1000 << 12 | tc 5 << 9 | bos 1 << 8 | ttl 64
    expect(p.frame.toString('hex')).to.equal(padTo60(hex(`${ETH('8847')} 003e8b40`)).toString('hex'));
  });

  it('no dl_type: an Ethernet frame of EtherType 0x88b5 and the default MACs', () => {
    expect(buildPacket('in_port=1').frame.toString('hex')).to.equal(padTo60(hex(ETH('88b5'))).toString('hex'));
  });

  for (const [description, token] of [
    ['in_port=1,ip,nw_dst=10.0.0.0/24', 'nw_dst=10.0.0.0/24'],
    ['in_port=1,tcp,priority=5', 'priority=5'],
    ['in_port=1,tcp,actions=drop', 'actions=drop'],
    ['in_port=1,metadata=0x1', 'metadata=0x1'],
    ['in_port=1,mpls,mpls_bos=0', 'mpls_bos=0'],
    ['in_port=1,tp_dst=80', 'tp_dst=80'],
    ['in_port=1,frobnicate=1', 'frobnicate=1'],
    ['tcp,tp_dst=80', 'tcp,tp_dst=80'],
  ] as const) {
    it(`refuses "${description}", naming ${token}`, () => {
      expect(() => buildPacket(description)).to.throw(FlowSyntaxError).with.property('token', token);
    });
  }
});
