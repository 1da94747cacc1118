// Golden OpenFlow 1.0 messages written by hand from OpenFlow 1.0.0's
// layouts (section numbers beside each), with the model they decode to
// (OXM-style fields, as 1.3's) and what ovs-ofctl ofp-print says of them.
import type { OfMessage } from '../../../controller-agent/src/openflow';
import { Fixture } from './fixtures13';
import { hex, str, u64, zeros } from './golden';

const ETH = 'ffffffffffff 001122334455 0806';
const ETH_BUF = hex(ETH);
const m = (xid: number, body: Record<string, unknown>): OfMessage => ({ version: 1, xid, ...body }) as OfMessage;
const sr = (xid: number, mpType: string, rest: Record<string, unknown> = {}): OfMessage => m(xid, { type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType, ...rest });
const sp = (xid: number, mpType: string, rest: Record<string, unknown>): OfMessage => m(xid, { type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType, ...rest });

// ofp_phy_port (5.2.1), 48 bytes: port 1, 0a:00:00:00:00:01, "eth1", config 0, state 0, curr 10GB_FD|COPPER (0xc0).
// The model holds 1.3 feature bits: 10GB_FD is bit 6 in both, COPPER is 1.0's bit 7 and 1.3's bit 11 (0x840).
const PHY_PORT = `0001 0a0000000001 ${str('eth1', 16)} 00000000 00000000 000000c0 00000000 00000000 00000000`;
const PORT_MODEL = { portNo: 1, hwAddr: 0x0a0000000001n, name: 'eth1', config: 0, state: 0, curr: 0x840, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 };
// ofp_match (5.2.3) matching everything, as Open vSwitch writes it: wildcards 0x003820ff.
const MATCH_ALL = `003820ff ${zeros(36)}`;
// ip,nw_proto=6,nw_dst=10.0.0.1,tp_dst=80: DL_TYPE, NW_PROTO, TP_DST and NW_DST (0 wildcard bits) cleared from 0x003820ff.
const MATCH_TCP = '0030204f 0000 000000000000 000000000000 0000 00 00 0800 00 06 0000 00000000 0a000001 0000 0050';
const MATCH_TCP_MODEL = [
  { field: 'eth_type', value: 0x800n, mask: 0xffffn }, { field: 'ip_proto', value: 6n, mask: 0xffn },
  { field: 'ipv4_dst', value: 0x0a000001n, mask: 0xffffffffn }, { field: 'tcp_dst', value: 80n, mask: 0xffffn },
];
const FILTER_ALL = { table: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] };

export const FIXTURES_10: Fixture[] = [
  { name: 'HELLO', bytes: hex('01 00 0008 00000001'), model: m(1, { type: 'OFPT_HELLO' }), print: ['OFPT_HELLO (xid=0x1)'] },
  // 5.4.4: OFPET_BAD_REQUEST / OFPBRC_BAD_TYPE quoting a header.
  { name: 'ERROR', bytes: hex('01 01 0014 00000002 | 0001 0001 | 0105000800000009'),
    model: m(2, { type: 'OFPT_ERROR', errType: 1, code: 1, data: hex('0105000800000009') }), print: ['OFPT_ERROR (xid=0x2): OFPBRC_BAD_TYPE'] },
  { name: 'ECHO_REQUEST', bytes: hex('01 02 0008 00000003'), model: m(3, { type: 'OFPT_ECHO_REQUEST', data: Buffer.alloc(0) }), print: ['OFPT_ECHO_REQUEST (xid=0x3): 0 bytes of payload'] },
  { name: 'ECHO_REPLY', bytes: hex('01 03 000a 00000004 | 0102'), model: m(4, { type: 'OFPT_ECHO_REPLY', data: hex('0102') }), print: ['OFPT_ECHO_REPLY (xid=0x4): 2 bytes of payload'] },
  // 5.5.4: VENDOR message, vendor 0x00abcdef, 4 bytes.
  { name: 'VENDOR', bytes: hex('01 04 0010 00000005 | 00abcdef 01020304'), model: m(5, { type: 'OFPT_EXPERIMENTER', experimenter: 0xabcdef, data: hex('01020304') }) },
  { name: 'FEATURES_REQUEST', bytes: hex('01 05 0008 00000006'), model: m(6, { type: 'OFPT_FEATURES_REQUEST' }), print: ['OFPT_FEATURES_REQUEST (xid=0x6)'] },
  // 5.3.1: dpid 1, 256 buffers, 1 table, caps FLOW|TABLE|PORT|ARP_MATCH_IP..., actions 0xfff, one port.
  { name: 'FEATURES_REPLY', bytes: hex(`01 06 0050 00000007 | ${u64(1n)} 00000100 01 000000 00000087 00000fff | ${PHY_PORT}`),
    model: m(7, { type: 'OFPT_FEATURES_REPLY', datapathId: 1n, nBuffers: 256, nTables: 1, auxiliaryId: 0, capabilities: 0x87, actions10: 0xfff, ports10: [PORT_MODEL] }),
    print: ['dpid:0000000000000001', 'n_tables:1, n_buffers:256', 'actions: output enqueue set_vlan_vid', '1(eth1): addr:0a:00:00:00:00:01', 'current:    10GB-FD COPPER'] },
  { name: 'GET_CONFIG_REQUEST', bytes: hex('01 07 0008 00000008'), model: m(8, { type: 'OFPT_GET_CONFIG_REQUEST' }), print: ['OFPT_GET_CONFIG_REQUEST (xid=0x8)'] },
  { name: 'GET_CONFIG_REPLY', bytes: hex('01 08 000c 00000009 | 0000 0080'), model: m(9, { type: 'OFPT_GET_CONFIG_REPLY', flags: 0, missSendLen: 128 }), print: ['frags=normal miss_send_len=128'] },
  { name: 'SET_CONFIG', bytes: hex('01 09 000c 0000000a | 0002 ffff'), model: m(10, { type: 'OFPT_SET_CONFIG', flags: 2, missSendLen: 0xffff }), print: ['OFPT_SET_CONFIG (xid=0xa): frags=reassemble miss_send_len=65535'] },
  // 5.4.1: PACKET_IN buffer 0x10, total_len 60, in_port 1, NO_MATCH, 14 bytes.
  { name: 'PACKET_IN', bytes: hex(`01 0a 0020 0000000b | 00000010 003c 0001 00 00 | ${ETH}`),
    model: m(11, { type: 'OFPT_PACKET_IN', bufferId: 0x10, totalLen: 60, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1n, mask: 0xffffffffn }], data: ETH_BUF }),
    print: ['OFPT_PACKET_IN (xid=0xb): total_len=60 in_port=1 (via no_match) data_len=14 buffer=0x00000010'] },
  // 5.4.2: FLOW_REMOVED of the tcp match, cookie 0x2a, priority 7, HARD_TIMEOUT, 3.5 s, idle 0, 9 packets 900 bytes.
  { name: 'FLOW_REMOVED', bytes: hex(`01 0b 0058 0000000c | ${MATCH_TCP} | ${u64(0x2an)} 0007 01 00 00000003 1dcd6500 0000 0000 ${u64(9n)} ${u64(900n)}`),
    model: m(12, { type: 'OFPT_FLOW_REMOVED', cookie: 0x2an, priority: 7, reason: 1, tableId: 0, durationSec: 3, durationNsec: 500000000, idleTimeout: 0, hardTimeout: 0,
      packetCount: 9n, byteCount: 900n, match: MATCH_TCP_MODEL }),
    print: ['OFPT_FLOW_REMOVED (xid=0xc): priority=7,tcp,nw_dst=10.0.0.1,tp_dst=80 reason=hard cookie:0x2a duration3.500s idle0 pkts9 bytes900'] },
  { name: 'PORT_STATUS', bytes: hex(`01 0c 0040 0000000d | 02 00000000000000 | ${PHY_PORT}`),
    model: m(13, { type: 'OFPT_PORT_STATUS', reason: 2, port: PORT_MODEL }), print: ['OFPT_PORT_STATUS (xid=0xd): MOD: 1(eth1): addr:0a:00:00:00:00:01'] },
  // 5.3.6: PACKET_OUT from port 1: strip_vlan, set_dl_dst, output FLOOD, 14 bytes.
  { name: 'PACKET_OUT', bytes: hex(`01 0d 003e 0000000e | ffffffff 0001 0020 | 0003 0008 00000000 | 0005 0010 001122334455 000000000000 | 0000 0008 fffb 0000 | ${ETH}`),
    model: m(14, { type: 'OFPT_PACKET_OUT', bufferId: 0xffffffff, inPort: 1,
      actions: [{ type: 'pop_vlan' }, { type: 'set_field', field: 'eth_dst', value: 0x001122334455n }, { type: 'output', port: 0xfffffffb }], data: ETH_BUF }),
    print: ['OFPT_PACKET_OUT (xid=0xe): in_port=1 actions=strip_vlan,mod_dl_dst:00:11:22:33:44:55,FLOOD data_len=14'] },
  // 5.3.3: FLOW_MOD ADD of the tcp match, priority 0x8000, every 1.0 action.
  { name: 'FLOW_MOD', bytes: hex(`01 0e 00b0 0000000f | ${MATCH_TCP} | ${u64(0x5n)} 0000 003c 0000 8000 ffffffff ffff 0001
      | 0001 0008 0005 0000 | 0002 0008 03 000000 | 0004 0010 020000000001 000000000000 | 0006 0008 0a000002 | 0007 0008 0a000003
      | 0008 0008 b8 000000 | 0009 0008 1f90 0000 | 000a 0008 0050 0000 | 000b 0010 0002 000000000000 00000001 | 0000 0008 fffd 0080 | 0000 0008 0002 0000`),
    model: m(15, { type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 0x8000, cookie: 5n, cookieMask: 0n, idleTimeout: 60, hardTimeout: 0,
      bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: ['send_flow_rem'], match: MATCH_TCP_MODEL,
      instructions: { apply: [
        { type: 'set_field', field: 'vlan_vid', value: 0x1005n }, { type: 'set_field', field: 'vlan_pcp', value: 3n },
        { type: 'set_field', field: 'eth_src', value: 0x020000000001n }, { type: 'set_field', field: 'ipv4_src', value: 0x0a000002n },
        { type: 'set_field', field: 'ipv4_dst', value: 0x0a000003n }, { type: 'set_field', field: 'ip_dscp', value: 46n },
        { type: 'set_tp_port', which: 'src', port: 8080 }, { type: 'set_tp_port', which: 'dst', port: 80 }, { type: 'enqueue', port: 2, queue: 1 },
        { type: 'controller', maxLen: 128, reason: 'action' }, { type: 'output', port: 2 }], clearActions: false } }),
    print: ['OFPT_FLOW_MOD (xid=0xf): ADD tcp,nw_dst=10.0.0.1,tp_dst=80 cookie:0x5 idle:60 send_flow_rem',
      'actions=mod_vlan_vid:5,mod_vlan_pcp:3,mod_dl_src:02:00:00:00:00:01,mod_nw_src:10.0.0.2,mod_nw_dst:10.0.0.3,mod_nw_tos:184,mod_tp_src:8080,mod_tp_dst:80,enqueue:2:1,CONTROLLER:128,output:2'] },
  // 5.3.3: DELETE_STRICT of a VLAN-tagged ARP match: dl_vlan 10, pcp 2, arp op 1, nw_src 10.0.0.0/8.
  { name: 'FLOW_MOD delete with VLAN and ARP', bytes: hex(`01 0e 0048 00000010 | 002818cd 0000 000000000000 000000000000 000a 02 00 0806 00 01 0000 0a000000 00000000 0000 0000
      | ${u64(0n)} 0004 0000 0000 0064 ffffffff 0003 0000`),
    model: m(16, { type: 'OFPT_FLOW_MOD', command: 'OFPFC_DELETE_STRICT', table: 0xff, priority: 100, cookie: 0n, cookieMask: 0n, idleTimeout: 0, hardTimeout: 0,
      bufferId: 0xffffffff, outPort: 3, outGroup: 0xffffffff, flags: [],
      match: [{ field: 'vlan_vid', value: 0x100an, mask: 0x1fffn }, { field: 'vlan_pcp', value: 2n, mask: 7n }, { field: 'eth_type', value: 0x806n, mask: 0xffffn },
        { field: 'arp_op', value: 1n, mask: 0xffffn }, { field: 'arp_spa', value: 0x0a000000n, mask: 0xff000000n }],
      instructions: { apply: [], clearActions: false } }),
    print: ['DEL_STRICT priority=100,arp,dl_vlan=10,dl_vlan_pcp=2,arp_spa=10.0.0.0/8,arp_op=1 out_port:3'] },
  { name: 'PORT_MOD', bytes: hex('01 0f 0020 00000011 | 0001 0a0000000001 00000001 00000001 00000000 00000000'),
    model: m(17, { type: 'OFPT_PORT_MOD', portNo: 1, hwAddr: 0x0a0000000001n, config: 1, mask: 1, advertise: 0 }), print: ['OFPT_PORT_MOD (xid=0x11): port: 1: addr:0a:00:00:00:00:01', 'config: PORT_DOWN'] },
  // 5.3.5: stats requests.
  { name: 'STATS_REQUEST DESC', bytes: hex('01 10 000c 00000012 | 0000 0000'), model: sr(18, 'OFPMP_DESC'), print: ['OFPST_DESC request (xid=0x12)'] },
  { name: 'STATS_REQUEST FLOW', bytes: hex(`01 10 0038 00000013 | 0001 0000 | ${MATCH_ALL} ff 00 ffff`), model: sr(19, 'OFPMP_FLOW', { filter: FILTER_ALL }), print: ['OFPST_FLOW request (xid=0x13):'] },
  { name: 'STATS_REQUEST AGGREGATE', bytes: hex(`01 10 0038 00000014 | 0002 0000 | ${MATCH_TCP} 00 00 0002`),
    model: sr(20, 'OFPMP_AGGREGATE', { filter: { ...FILTER_ALL, table: 0, outPort: 2, match: MATCH_TCP_MODEL } }),
    print: ['OFPST_AGGREGATE request (xid=0x14): table=0 out_port=2 tcp,nw_dst=10.0.0.1,tp_dst=80'] },
  { name: 'STATS_REQUEST TABLE', bytes: hex('01 10 000c 00000015 | 0003 0000'), model: sr(21, 'OFPMP_TABLE'), print: ['OFPST_TABLE request (xid=0x15)'] },
  { name: 'STATS_REQUEST PORT', bytes: hex('01 10 0014 00000016 | 0004 0000 | ffff 000000000000'), model: sr(22, 'OFPMP_PORT_STATS', { portNo: 0xffffffff }), print: ['OFPST_PORT request (xid=0x16): port_no=ANY'] },
  { name: 'STATS_REQUEST QUEUE', bytes: hex('01 10 0014 00000017 | 0005 0000 | fffc 0000 ffffffff'), model: sr(23, 'OFPMP_QUEUE', { portNo: 0xfffffffc, queueId: 0xffffffff }), print: ['OFPST_QUEUE request (xid=0x17):', 'queue=ALL'] },
  { name: 'STATS_REPLY DESC', bytes: hex(`01 11 042c 00000018 | 0000 0000 | ${str('mswitch project', 256)} ${str('mswitch', 256)} ${str('0.1.0', 256)} ${str('None', 32)} ${str('br0', 256)}`),
    model: sp(24, 'OFPMP_DESC', { desc: { mfrDesc: 'mswitch project', hwDesc: 'mswitch', swDesc: '0.1.0', serialNum: 'None', dpDesc: 'br0' } }), print: ['Manufacturer: mswitch project', 'DP Description: br0'] },
  // 5.3.5.2: ofp_flow_stats of 96 bytes (88 + one output action).
  { name: 'STATS_REPLY FLOW', bytes: hex(`01 11 006c 00000019 | 0001 0000 | 0060 00 00 ${MATCH_ALL} 00000001 00000000 8000 0000 0000 000000000000 ${u64(0n)} ${u64(0n)} ${u64(0n)} | 0000 0008 0001 0000`),
    model: sp(25, 'OFPMP_FLOW', { flows: [{ table: 0, durationSec: 1, durationNsec: 0, priority: 0x8000, idleTimeout: 0, hardTimeout: 0, flags: [], cookie: 0n,
      packetCount: 0n, byteCount: 0n, match: [], instructions: { apply: [{ type: 'output', port: 1 }], clearActions: false } }] }),
    print: ['cookie=0x0, duration=1s, table=0, n_packets=0, n_bytes=0, actions=output:1'] },
  { name: 'STATS_REPLY AGGREGATE', bytes: hex(`01 11 0024 0000001a | 0002 0000 | ${u64(7n)} ${u64(700n)} 00000002 00000000`),
    model: sp(26, 'OFPMP_AGGREGATE', { packetCount: 7n, byteCount: 700n, flowCount: 2 }), print: ['packet_count=7 byte_count=700 flow_count=2'] },
  { name: 'STATS_REPLY TABLE', bytes: hex(`01 11 004c 0000001b | 0003 0000 | 00 000000 ${str('classifier', 32)} 003fffff 000f4240 00000001 ${u64(10n)} ${u64(4n)}`),
    model: sp(27, 'OFPMP_TABLE', { tables: [{ tableId: 0, activeCount: 1, lookupCount: 10n, matchedCount: 4n, name10: 'classifier', wildcards10: 0x3fffff, maxEntries10: 1000000 }] }),
    print: ['table 0 ("classifier"):', 'active=1, lookup=10, matched=4'] },
  { name: 'STATS_REPLY PORT', bytes: hex(`01 11 0074 0000001c | 0004 0000 | 0001 000000000000 ${[1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n].map(u64).join(' ')}`),
    model: sp(28, 'OFPMP_PORT_STATS', { ports: [{ portNo: 1, rxPackets: 1n, txPackets: 2n, rxBytes: 3n, txBytes: 4n, rxDropped: 5n, txDropped: 6n, rxErrors: 7n, txErrors: 8n,
      rxFrameErr: 9n, rxOverErr: 10n, rxCrcErr: 11n, collisions: 12n, durationSec: 0, durationNsec: 0 }] }),
    print: ['port  1: rx pkts=1, bytes=3, drop=5, errs=7, frame=9, over=10, crc=11', 'tx pkts=2, bytes=4, drop=6, errs=8, coll=12'] },
  { name: 'STATS_REPLY QUEUE', bytes: hex(`01 11 002c 0000001d | 0005 0000 | 0001 0000 00000002 ${u64(300n)} ${u64(3n)} ${u64(0n)}`),
    model: sp(29, 'OFPMP_QUEUE', { queues: [{ portNo: 1, queueId: 2, txBytes: 300n, txPackets: 3n, txErrors: 0n, durationSec: 0, durationNsec: 0 }] }),
    print: ['port 1 queue 2: bytes=300, pkts=3, errors=0'] },
  // Open vSwitch's 1.0 extension OFPST_PORT_DESC (stats type 13): a void request, ofp_phy_port[] back.
  { name: 'STATS_REQUEST PORT_DESC (OVS)', bytes: hex('01 10 000c 00000040 | 000d 0000'), model: sr(64, 'OFPMP_PORT_DESC'), print: ['OFPST_PORT_DESC request (xid=0x40): port=ANY'] },
  { name: 'STATS_REPLY PORT_DESC (OVS)', bytes: hex(`01 11 003c 00000041 | 000d 0000 | ${PHY_PORT}`), model: sp(65, 'OFPMP_PORT_DESC', { ports: [PORT_MODEL] }),
    print: ['OFPST_PORT_DESC reply (xid=0x41):', '1(eth1): addr:0a:00:00:00:00:01'] },
  { name: 'BARRIER_REQUEST', bytes: hex('01 12 0008 0000001e'), model: m(30, { type: 'OFPT_BARRIER_REQUEST' }), print: ['OFPT_BARRIER_REQUEST (xid=0x1e)'] },
  { name: 'BARRIER_REPLY', bytes: hex('01 13 0008 0000001f'), model: m(31, { type: 'OFPT_BARRIER_REPLY' }), print: ['OFPT_BARRIER_REPLY (xid=0x1f)'] },
  { name: 'QUEUE_GET_CONFIG_REQUEST', bytes: hex('01 14 000c 00000020 | 0001 0000'), model: m(32, { type: 'OFPT_QUEUE_GET_CONFIG_REQUEST', port: 1 }), print: ['OFPT_QUEUE_GET_CONFIG_REQUEST (xid=0x20): port=1'] },
  // 5.3.4: one queue (id 1, 8-byte header) with MIN_RATE 50.0%.
  { name: 'QUEUE_GET_CONFIG_REPLY', bytes: hex('01 15 0028 00000021 | 0001 000000000000 | 00000001 0018 0000 | 0001 0010 00000000 01f4 000000000000'),
    model: m(33, { type: 'OFPT_QUEUE_GET_CONFIG_REPLY', port: 1, queues: [{ queueId: 1, port: 1, properties: [{ property: 1, rate: 500 }] }] }),
    print: ['OFPT_QUEUE_GET_CONFIG_REPLY (xid=0x21): port=1', 'queue 1: min_rate:50.0%'] },
];
