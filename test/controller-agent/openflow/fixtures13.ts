// Golden OpenFlow 1.3 messages: bytes written by hand from the layouts of
// OpenFlow 1.3.5 (section numbers beside each), and the model each must
// decode to.  'print' lists what `ovs-ofctl ofp-print` must say about the
// bytes, an oracle that checks the hand-written bytes are what the spec
// (as Open vSwitch reads it) means.
import { hex, str, u64, zeros } from './golden';
import type { OfMessage, Port } from '../../../controller-agent/src/openflow';

export interface Fixture {
  name: string;
  bytes: Buffer;
  model: OfMessage;
  /** Substrings of ovs-ofctl ofp-print's output; undefined: ovs-ofctl cannot print this message. */
  print?: string[];
}

const ETH = 'ffffffffffff 001122334455 0806'; // 14 bytes: an Ethernet header
const ETH_BUF = hex(ETH);

// ofp_port (7.2.1), 64 bytes: port 2, 0a:00:00:00:00:02, "veth1", LIVE, 1GB_FD|COPPER, 1 Gb/s.
const PORT13 = `00000002 00000000 0a0000000002 0000 ${str('veth1', 16)}
  00000000 00000004 00000820 00000000 00000000 00000000 000f4240 000f4240`;
export const PORT_MODEL: Port = {
  portNo: 2, hwAddr: 0x0a0000000002n, name: 'veth1', config: 0, state: 4, curr: 0x820, advertised: 0, supported: 0, peer: 0,
  currSpeed: 1000000, maxSpeed: 1000000,
};

const OUTPUT2 = '0000 0010 00000002 0000 000000000000'; // ofp_action_output (7.2.5) to port 2, max_len 0
const m = (xid: number, body: Record<string, unknown>): OfMessage => ({ version: 4, xid, ...body }) as OfMessage;
const mp = (xid: number, mpType: string, rest: Record<string, unknown> = {}): OfMessage =>
  m(xid, { type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType, ...rest });
const mpr = (xid: number, mpType: string, rest: Record<string, unknown>): OfMessage =>
  m(xid, { type: 'OFPT_MULTIPART_REPLY', flags: 0, mpType, ...rest });
const noInstructions = { apply: [], clearActions: false };
const inPort1 = { field: 'in_port', value: 1n, mask: 0xffffffffn };

export const FIXTURES_13: Fixture[] = [
  // 7.5.1: HELLO with an OFPHET_VERSIONBITMAP element holding 1.0 and 1.3.
  { name: 'HELLO with bitmap', bytes: hex('04 00 0010 00000001 | 0001 0008 00000012'),
    model: m(1, { type: 'OFPT_HELLO', versions: [1, 4] }), print: ['OFPT_HELLO (OF1.3)', 'version bitmap: 0x01, 0x04'] },
  { name: 'HELLO without body', bytes: hex('04 00 0008 00000002'), model: m(2, { type: 'OFPT_HELLO' }), print: ['OFPT_HELLO (OF1.3) (xid=0x2)'] },
  // 7.4.4: ERROR OFPET_BAD_REQUEST / OFPBRC_BAD_LEN quoting 8 bytes.
  { name: 'ERROR', bytes: hex('04 01 0014 00000003 | 0001 0006 | 0405000800000009'),
    model: m(3, { type: 'OFPT_ERROR', errType: 1, code: 6, data: hex('0405000800000009') }), print: ['OFPT_ERROR (OF1.3) (xid=0x3): OFPBRC_BAD_LEN'] },
  { name: 'ECHO_REQUEST', bytes: hex('04 02 000c 00000004 | 61626364'), model: m(4, { type: 'OFPT_ECHO_REQUEST', data: Buffer.from('abcd') }), print: ['OFPT_ECHO_REQUEST (OF1.3) (xid=0x4): 4 bytes of payload'] },
  { name: 'ECHO_REPLY', bytes: hex('04 03 0008 00000005'), model: m(5, { type: 'OFPT_ECHO_REPLY', data: Buffer.alloc(0) }), print: ['OFPT_ECHO_REPLY (OF1.3) (xid=0x5)'] },
  // 7.5.4: experimenter 0x00abcdef, exp_type 7, two bytes of data.
  { name: 'EXPERIMENTER', bytes: hex('04 04 0012 00000006 | 00abcdef 00000007 | 6162'),
    model: m(6, { type: 'OFPT_EXPERIMENTER', experimenter: 0xabcdef, expType: 7, data: Buffer.from('ab') }) },
  { name: 'FEATURES_REQUEST', bytes: hex('04 05 0008 00000007'), model: m(7, { type: 'OFPT_FEATURES_REQUEST' }), print: ['OFPT_FEATURES_REQUEST (OF1.3)'] },
  // 7.3.1: dpid, n_buffers 256, n_tables 254, auxiliary_id 0, capabilities FLOW|TABLE|PORT|GROUP|QUEUE stats.
  { name: 'FEATURES_REPLY', bytes: hex(`04 06 0020 00000008 | ${u64(0x1122334455n)} 00000100 fe 00 0000 0000004f 00000000`),
    model: m(8, { type: 'OFPT_FEATURES_REPLY', datapathId: 0x1122334455n, nBuffers: 256, nTables: 254, auxiliaryId: 0, capabilities: 0x4f }),
    print: ['dpid:0000001122334455', 'n_tables:254, n_buffers:256', 'FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS QUEUE_STATS'] },
  { name: 'GET_CONFIG_REQUEST', bytes: hex('04 07 0008 00000009'), model: m(9, { type: 'OFPT_GET_CONFIG_REQUEST' }), print: ['OFPT_GET_CONFIG_REQUEST (OF1.3)'] },
  // 7.3.2: flags 0 (frags normal), miss_send_len 0xffe5.
  { name: 'GET_CONFIG_REPLY', bytes: hex('04 08 000c 0000000a | 0000 ffe5'),
    model: m(10, { type: 'OFPT_GET_CONFIG_REPLY', flags: 0, missSendLen: 0xffe5 }), print: ['frags=normal miss_send_len=65509'] },
  { name: 'SET_CONFIG', bytes: hex('04 09 000c 0000000b | 0001 0080'),
    model: m(11, { type: 'OFPT_SET_CONFIG', flags: 1, missSendLen: 128 }), print: ['OFPT_SET_CONFIG (OF1.3)', 'frags=drop miss_send_len=128'] },
  // 7.4.1: PACKET_IN, no buffer, total_len 60, reason ACTION, table 2, cookie 7, match in_port=3, 2 bytes pad, 14 bytes data.
  { name: 'PACKET_IN', bytes: hex(`04 0a 0038 0000000c | ffffffff 000e 01 02 ${u64(7n)} | 0001 000c 80000004 00000003 00000000 | 0000 | ${ETH}`),
    model: m(12, { type: 'OFPT_PACKET_IN', bufferId: 0xffffffff, totalLen: 14, reason: 1, tableId: 2, cookie: 7n,
      match: [{ field: 'in_port', value: 3n, mask: 0xffffffffn }], data: ETH_BUF }),
    print: ['OFPT_PACKET_IN (OF1.3)', 'table_id=2 cookie=0x7 total_len=14 in_port=3 (via action) data_len=14 (unbuffered)'] },
  // 7.4.2: FLOW_REMOVED cookie 0xff, priority 100, IDLE_TIMEOUT, table 3, 10.000000005 s, idle 60, 2 packets 128 bytes, match ip.
  { name: 'FLOW_REMOVED', bytes: hex(`04 0b 0040 0000000d | ${u64(0xffn)} 0064 00 03 0000000a 00000005 003c 0000 ${u64(2n)} ${u64(128n)} | 0001 000a 80000a02 0800 000000000000`),
    model: m(13, { type: 'OFPT_FLOW_REMOVED', cookie: 0xffn, priority: 100, reason: 0, tableId: 3, durationSec: 10, durationNsec: 5, idleTimeout: 60,
      hardTimeout: 0, packetCount: 2n, byteCount: 128n, match: [{ field: 'eth_type', value: 0x800n, mask: 0xffffn }] }),
    print: ['OFPT_FLOW_REMOVED (OF1.3)', 'priority=100,ip reason=idle table_id=3 cookie:0xff duration10.', 'idle60 pkts2 bytes128'] },
  // 7.4.3: PORT_STATUS ADD.
  { name: 'PORT_STATUS', bytes: hex(`04 0c 0050 0000000e | 00 00000000000000 | ${PORT13}`),
    model: m(14, { type: 'OFPT_PORT_STATUS', reason: 0, port: PORT_MODEL }), print: ['OFPT_PORT_STATUS (OF1.3)', 'ADD: 2(veth1): addr:0a:00:00:00:00:02', 'speed: 1000 Mbps now'] },
  // 7.3.7: PACKET_OUT in_port 1, actions_len 16 (output FLOOD), 14 bytes of data.
  { name: 'PACKET_OUT', bytes: hex(`04 0d 0036 0000000f | ffffffff 00000001 0010 000000000000 | 0000 0010 fffffffb 0000 000000000000 | ${ETH}`),
    model: m(15, { type: 'OFPT_PACKET_OUT', bufferId: 0xffffffff, inPort: 1, actions: [{ type: 'output', port: 0xfffffffb }], data: ETH_BUF }),
    print: ['OFPT_PACKET_OUT (OF1.3)', 'in_port=1 actions=FLOOD data_len=14'] },
  // 7.3.4.1: FLOW_MOD ADD, cookie 1, priority 0x8000, send_flow_rem, match udp,tp_dst=53 (21 bytes + 3 pad), apply-actions output:2.
  { name: 'FLOW_MOD', bytes: hex(`04 0e 0060 00000010 | ${u64(1n)} ${u64(0n)} 00 00 0000 0000 8000 ffffffff ffffffff ffffffff 0001 0000
      | 0001 0015 80000a02 0800 80001401 11 80002002 0035 000000
      | 0004 0018 00000000 ${OUTPUT2}`),
    model: m(16, { type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 0x8000, cookie: 1n, cookieMask: 0n, idleTimeout: 0, hardTimeout: 0,
      bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: ['send_flow_rem'],
      match: [{ field: 'eth_type', value: 0x800n, mask: 0xffffn }, { field: 'ip_proto', value: 17n, mask: 0xffn }, { field: 'udp_dst', value: 53n, mask: 0xffffn }],
      instructions: { apply: [{ type: 'output', port: 2 }], clearActions: false } }),
    print: ['OFPT_FLOW_MOD (OF1.3) (xid=0x10): ADD udp,tp_dst=53 cookie:0x1 send_flow_rem actions=output:2'] },
  // 7.3.4.1 with every instruction (5.9 order), masked and VLAN OXMs, set-field, push_vlan, group, a delete's cookie mask.
  { name: 'FLOW_MOD with every instruction', bytes: hex(`04 0e 00f0 00000011 | ${u64(0x10n)} ${u64(0xf0n)} 02 01 000a 0014 0064 ffffffff ffffffff ffffffff 0000 0000
      | 0001 0039 80000c02 1005 80000e01 03 80000a02 86dd 80003520 20010db8000000000000000000000000 ffffffff000000000000000000000000 00000000000000
      | 0006 0008 00000009
      | 0004 0038 00000000 | 0011 0008 8100 0000 | 0019 0010 80000806 aabbccddeeff 0000 | 0018 0008 00000000 | 0000 0010 fffffffd 0080 000000000000
      | 0005 0008 00000000
      | 0003 0018 00000000 | 0016 0008 00000004 | 0015 0008 00000001
      | 0002 0018 00000000 ${u64(0x1n)} ${u64(0xffn)}
      | 0001 0008 05 000000`),
    model: m(17, { type: 'OFPT_FLOW_MOD', command: 'OFPFC_MODIFY', table: 2, priority: 100, cookie: 0x10n, cookieMask: 0xf0n, idleTimeout: 10, hardTimeout: 20,
      bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: [],
      match: [{ field: 'vlan_vid', value: 0x1005n, mask: 0x1fffn }, { field: 'vlan_pcp', value: 3n, mask: 7n }, { field: 'eth_type', value: 0x86ddn, mask: 0xffffn },
        { field: 'ipv6_src', value: 0x20010db8n << 96n, mask: 0xffffffffn << 96n }],
      instructions: { meter: 9, apply: [{ type: 'push_vlan', ethertype: 0x8100 }, { type: 'set_field', field: 'eth_src', value: 0xaabbccddeeffn }, { type: 'dec_ttl' },
        { type: 'controller', maxLen: 128, reason: 'action' }], clearActions: true, writeActions: [{ type: 'group', group: 4 }, { type: 'set_queue', queue: 1 }],
      writeMetadata: { value: 1n, mask: 0xffn }, gotoTable: 5 } }),
    print: ['MOD table:2 priority=100,ipv6,dl_vlan=5,dl_vlan_pcp=3,ipv6_src=2001:db8::/32 cookie:0x10/0xf0 idle:10 hard:20',
      'actions=meter:9,push_vlan:0x8100,set_field:aa:bb:cc:dd:ee:ff->eth_src,dec_ttl,CONTROLLER:128,clear_actions,write_actions(group:4,set_queue:1),write_metadata:0x1/0xff,goto_table:5'] },
  // 7.3.4.2: GROUP_MOD ADD select group 5, one bucket weight 100 output:3.
  { name: 'GROUP_MOD', bytes: hex('04 0f 0030 00000012 | 0000 01 00 00000005 | 0020 0064 ffffffff ffffffff 00000000 | 0000 0010 00000003 0000 000000000000'),
    model: m(18, { type: 'OFPT_GROUP_MOD', command: 'OFPGC_ADD', groupType: 'OFPGT_SELECT', groupId: 5,
      buckets: [{ weight: 100, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 3 }] }] }),
    print: ['ADD group_id=5,type=select,bucket=weight:100,actions=output:3'] },
  // 7.3.4.3: PORT_MOD port 2 down.
  { name: 'PORT_MOD', bytes: hex('04 10 0028 00000013 | 00000002 00000000 0a0000000002 0000 00000001 00000001 00000000 00000000'),
    model: m(19, { type: 'OFPT_PORT_MOD', portNo: 2, hwAddr: 0x0a0000000002n, config: 1, mask: 1, advertise: 0 }),
    print: ['OFPT_PORT_MOD (OF1.3)', 'port: 2: addr:0a:00:00:00:00:02', 'config: PORT_DOWN', 'mask:   PORT_DOWN'] },
  // 7.3.3: TABLE_MOD table 1 config 3 (OFPTC_DEPRECATED_MASK).
  { name: 'TABLE_MOD', bytes: hex('04 11 0010 00000014 | 01 000000 00000003'), model: m(20, { type: 'OFPT_TABLE_MOD', tableId: 1, config: 3 }), print: ['OFPT_TABLE_MOD (OF1.3)', 'table_id=1'] },
  // 7.3.5: multipart requests.
  { name: 'MULTIPART_REQUEST DESC', bytes: hex('04 12 0010 00000015 | 0000 0000 00000000'), model: mp(21, 'OFPMP_DESC'), print: ['OFPST_DESC request (OF1.3)'] },
  { name: 'MULTIPART_REQUEST FLOW', bytes: hex(`04 12 0038 00000016 | 0001 0000 00000000 | ff 000000 ffffffff ffffffff 00000000 ${u64(0n)} ${u64(0n)} | 0001 0004 00000000`),
    model: mp(22, 'OFPMP_FLOW', { filter: { table: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] } }), print: ['OFPST_FLOW request (OF1.3)'] },
  { name: 'MULTIPART_REQUEST AGGREGATE', bytes: hex(`04 12 0040 00000017 | 0002 0000 00000000 | 01 000000 00000002 ffffffff 00000000 ${u64(5n)} ${u64(0xffn)} | 0001 000c 80000004 00000001 00000000`),
    model: mp(23, 'OFPMP_AGGREGATE', { filter: { table: 1, outPort: 2, outGroup: 0xffffffff, cookie: 5n, cookieMask: 0xffn, match: [inPort1] } }),
    print: ['OFPST_AGGREGATE request (OF1.3)', 'table=1 out_port=2 in_port=1'] },
  { name: 'MULTIPART_REQUEST TABLE', bytes: hex('04 12 0010 00000018 | 0003 0000 00000000'), model: mp(24, 'OFPMP_TABLE'), print: ['OFPST_TABLE request (OF1.3)'] },
  { name: 'MULTIPART_REQUEST PORT_STATS', bytes: hex('04 12 0018 00000019 | 0004 0000 00000000 | ffffffff 00000000'), model: mp(25, 'OFPMP_PORT_STATS', { portNo: 0xffffffff }), print: ['OFPST_PORT request (OF1.3)', 'port_no=ANY'] },
  { name: 'MULTIPART_REQUEST QUEUE', bytes: hex('04 12 0018 0000001a | 0005 0000 00000000 | 00000001 ffffffff'), model: mp(26, 'OFPMP_QUEUE', { portNo: 1, queueId: 0xffffffff }), print: ['OFPST_QUEUE request (OF1.3)', 'port=1 queue=ALL'] },
  { name: 'MULTIPART_REQUEST GROUP', bytes: hex('04 12 0018 0000001b | 0006 0000 00000000 | fffffffc 00000000'), model: mp(27, 'OFPMP_GROUP', { groupId: 0xfffffffc }), print: ['OFPST_GROUP request (OF1.3)', 'group_id=ALL'] },
  { name: 'MULTIPART_REQUEST GROUP_DESC', bytes: hex('04 12 0010 0000001c | 0007 0000 00000000'), model: mp(28, 'OFPMP_GROUP_DESC'), print: ['OFPST_GROUP_DESC request (OF1.3)'] },
  { name: 'MULTIPART_REQUEST GROUP_FEATURES', bytes: hex('04 12 0010 0000001d | 0008 0000 00000000'), model: mp(29, 'OFPMP_GROUP_FEATURES'), print: ['OFPST_GROUP_FEATURES request (OF1.3)'] },
  { name: 'MULTIPART_REQUEST METER', bytes: hex('04 12 0018 0000001e | 0009 0000 00000000 | ffffffff 00000000'), model: mp(30, 'OFPMP_METER', { meterId: 0xffffffff }), print: ['OFPST_METER request (OF1.3)', 'meter=all'] },
  { name: 'MULTIPART_REQUEST METER_CONFIG', bytes: hex('04 12 0018 0000001f | 000a 0000 00000000 | 00000001 00000000'), model: mp(31, 'OFPMP_METER_CONFIG', { meterId: 1 }), print: ['OFPST_METER_CONFIG request (OF1.3)', 'meter=1'] },
  { name: 'MULTIPART_REQUEST METER_FEATURES', bytes: hex('04 12 0010 00000020 | 000b 0000 00000000'), model: mp(32, 'OFPMP_METER_FEATURES'), print: ['OFPST_METER_FEATURES request (OF1.3)'] },
  { name: 'MULTIPART_REQUEST TABLE_FEATURES', bytes: hex('04 12 0010 00000021 | 000c 0000 00000000'), model: mp(33, 'OFPMP_TABLE_FEATURES', { tables: [] }), print: ['OFPST_TABLE_FEATURES request (OF1.3)'] },
  { name: 'MULTIPART_REQUEST PORT_DESC', bytes: hex('04 12 0010 00000022 | 000d 0000 00000000'), model: mp(34, 'OFPMP_PORT_DESC'), print: ['OFPST_PORT_DESC request (OF1.3)'] },
  { name: 'MULTIPART_REQUEST EXPERIMENTER', bytes: hex('04 12 0018 00000023 | ffff 0000 00000000 | 00abcdef 00000001'),
    model: mp(35, 'OFPMP_EXPERIMENTER', { experimenter: 0xabcdef, expType: 1, data: Buffer.alloc(0) }) },
  // 7.3.5.1: DESC reply, five NUL-padded strings.
  { name: 'MULTIPART_REPLY DESC', bytes: hex(`04 13 0430 00000024 | 0000 0000 00000000 | ${str('mswitch project', 256)} ${str('mswitch', 256)} ${str('0.1.0', 256)} ${str('None', 32)} ${str('br0', 256)}`),
    model: mpr(36, 'OFPMP_DESC', { desc: { mfrDesc: 'mswitch project', hwDesc: 'mswitch', swDesc: '0.1.0', serialNum: 'None', dpDesc: 'br0' } }),
    print: ['Manufacturer: mswitch project', 'Hardware: mswitch', 'Software: 0.1.0', 'Serial Num: None', 'DP Description: br0'] },
  // 7.3.5.2: one ofp_flow_stats of 88 bytes (48 fixed + 16 match + 24 instructions).
  { name: 'MULTIPART_REPLY FLOW', bytes: hex(`04 13 0068 00000025 | 0001 0000 00000000 | 0058 00 00 0000000a 00000000 8000 0000 0000 0001 00000000 ${u64(0n)} ${u64(5n)} ${u64(320n)}
      | 0001 000c 80000004 00000001 00000000 | 0004 0018 00000000 ${OUTPUT2}`),
    model: mpr(37, 'OFPMP_FLOW', { flows: [{ table: 0, durationSec: 10, durationNsec: 0, priority: 0x8000, idleTimeout: 0, hardTimeout: 0, flags: ['send_flow_rem'],
      cookie: 0n, packetCount: 5n, byteCount: 320n, match: [inPort1], instructions: { apply: [{ type: 'output', port: 2 }], clearActions: false } }] }),
    print: ['cookie=0x0, duration=10s, table=0, n_packets=5, n_bytes=320, send_flow_rem in_port=1 actions=output:2'] },
  { name: 'MULTIPART_REPLY AGGREGATE', bytes: hex(`04 13 0028 00000026 | 0002 0000 00000000 | ${u64(100n)} ${u64(6400n)} 00000003 00000000`),
    model: mpr(38, 'OFPMP_AGGREGATE', { packetCount: 100n, byteCount: 6400n, flowCount: 3 }), print: ['packet_count=100 byte_count=6400 flow_count=3'] },
  { name: 'MULTIPART_REPLY TABLE', bytes: hex(`04 13 0028 00000027 | 0003 0000 00000000 | 00 000000 00000003 ${u64(1000n)} ${u64(500n)}`),
    model: mpr(39, 'OFPMP_TABLE', { tables: [{ tableId: 0, activeCount: 3, lookupCount: 1000n, matchedCount: 500n }] }),
    print: ['OFPST_TABLE reply (OF1.3)', 'table 0:', 'active=3, lookup=1000, matched=500'] },
  // 7.3.5.6: port stats, twelve counters 1..12, 10 s.
  { name: 'MULTIPART_REPLY PORT_STATS', bytes: hex(`04 13 0080 00000028 | 0004 0000 00000000 | 00000001 00000000 ${[1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n].map(u64).join(' ')} 0000000a 00000000`),
    model: mpr(40, 'OFPMP_PORT_STATS', { ports: [{ portNo: 1, rxPackets: 1n, txPackets: 2n, rxBytes: 3n, txBytes: 4n, rxDropped: 5n, txDropped: 6n, rxErrors: 7n, txErrors: 8n,
      rxFrameErr: 9n, rxOverErr: 10n, rxCrcErr: 11n, collisions: 12n, durationSec: 10, durationNsec: 0 }] }),
    print: ['port  1: rx pkts=1, bytes=3, drop=5, errs=7, frame=9, over=10, crc=11', 'tx pkts=2, bytes=4, drop=6, errs=8, coll=12', 'duration=10s'] },
  { name: 'MULTIPART_REPLY QUEUE', bytes: hex(`04 13 0038 00000029 | 0005 0000 00000000 | 00000001 00000000 ${u64(100n)} ${u64(1n)} ${u64(0n)} 00000001 00000000`),
    model: mpr(41, 'OFPMP_QUEUE', { queues: [{ portNo: 1, queueId: 0, txBytes: 100n, txPackets: 1n, txErrors: 0n, durationSec: 1, durationNsec: 0 }] }),
    print: ['port 1 queue 0: bytes=100, pkts=1, errors=0, duration=1s'] },
  { name: 'MULTIPART_REPLY GROUP', bytes: hex(`04 13 0048 0000002a | 0006 0000 00000000 | 0038 0000 00000005 00000001 00000000 ${u64(2n)} ${u64(128n)} 00000003 00000000 | ${u64(2n)} ${u64(128n)}`),
    model: mpr(42, 'OFPMP_GROUP', { groups: [{ groupId: 5, refCount: 1, packetCount: 2n, byteCount: 128n, durationSec: 3, durationNsec: 0, buckets: [{ packetCount: 2n, byteCount: 128n }] }] }),
    print: ['group_id=5,duration=3s,ref_count=1,packet_count=2,byte_count=128,bucket0:packet_count=2,byte_count=128'] },
  { name: 'MULTIPART_REPLY GROUP_DESC', bytes: hex('04 13 0038 0000002b | 0007 0000 00000000 | 0028 00 00 00000001 | 0020 0000 ffffffff ffffffff 00000000 | 0000 0010 00000001 0000 000000000000'),
    model: mpr(43, 'OFPMP_GROUP_DESC', { groups: [{ groupType: 'OFPGT_ALL', groupId: 1, buckets: [{ weight: 0, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 1 }] }] }] }),
    print: ['group_id=1,type=all,bucket=actions=output:1'] },
  // 7.3.5.9: all four group types, weight+liveness+chaining, 16 groups of each, output supported everywhere.
  { name: 'MULTIPART_REPLY GROUP_FEATURES', bytes: hex('04 13 0038 0000002c | 0008 0000 00000000 | 0000000f 00000007 00000010 00000010 00000010 00000010 00000001 00000001 00000001 00000001'),
    model: mpr(44, 'OFPMP_GROUP_FEATURES', { types: 15, capabilities: 7, maxGroups: [16, 16, 16, 16], actions: [1, 1, 1, 1] }),
    print: ['Group table:', 'Types:  0xf', 'Capabilities:  0x7', 'fast failover group:', 'max_groups=0x10', 'actions: output'] },
  { name: 'MULTIPART_REPLY METER', bytes: hex(`04 13 0048 0000002d | 0009 0000 00000000 | 00000001 0038 000000000000 00000002 ${u64(10n)} ${u64(1000n)} 00000005 00000000 | ${u64(1n)} ${u64(64n)}`),
    model: mpr(45, 'OFPMP_METER', { meters: [{ meterId: 1, flowCount: 2, packetInCount: 10n, byteInCount: 1000n, durationSec: 5, durationNsec: 0, bands: [{ packetCount: 1n, byteCount: 64n }] }] }),
    print: ['meter:1 flow_count:2 packet_in_count:10 byte_in_count:1000 duration:5s bands:', '0: packet_count:1 byte_count:64'] },
  { name: 'MULTIPART_REPLY METER_CONFIG', bytes: hex('04 13 0028 0000002e | 000a 0000 00000000 | 0018 0005 00000001 | 0001 0010 000003e8 00000064 00000000'),
    model: mpr(46, 'OFPMP_METER_CONFIG', { meters: [{ flags: 5, meterId: 1, bands: [{ type: 'OFPMBT_DROP', rate: 1000, burstSize: 100 }] }] }),
    print: ['meter=1 kbps burst bands=', 'type=drop rate=1000 burst_size=100'] },
  { name: 'MULTIPART_REPLY METER_FEATURES', bytes: hex('04 13 0020 0000002f | 000b 0000 00000000 | 00010000 00000006 0000000f 08 00 0000'),
    model: mpr(47, 'OFPMP_METER_FEATURES', { maxMeter: 65536, bandTypes: 6, capabilities: 15, maxBands: 8, maxColor: 0 }),
    print: ['max_meter:65536 max_bands:8 max_color:0', 'band_types: drop dscp_remark', 'capabilities: kbps pktps burst stats'] },
  // 7.3.5.5: one table, properties NEXT_TABLES [1,2], MATCH [in_port, eth_type], INSTRUCTIONS [apply, goto],
  // WRITE/APPLY_ACTIONS [output], WILDCARDS [in_port], empty WRITE/APPLY_SETFIELD; each padded to 8.
  { name: 'MULTIPART_REPLY TABLE_FEATURES', bytes: hex(`04 13 00a0 00000030 | 000c 0000 00000000 | 0090 00 0000000000 ${str('table0', 32)} ${u64(0xffffffffffffffffn)} ${u64(0xffffffffffffffffn)} 00000000 000f4240
      | 0002 0006 0102 0000 | 0008 000c 80000004 80000a02 00000000 | 0000 000c 0004 0004 0001 0004 00000000
      | 0004 0008 0000 0004 | 0006 0008 0000 0004 | 000a 0008 80000004 | 000c 0004 00000000 | 000e 0004 00000000`),
    model: mpr(48, 'OFPMP_TABLE_FEATURES', { tables: [{ tableId: 0, name: 'table0', metadataMatch: 0xffffffffffffffffn, metadataWrite: 0xffffffffffffffffn, config: 0, maxEntries: 1000000,
      properties: [{ type: 'OFPTFPT_NEXT_TABLES', tables: [1, 2] }, { type: 'OFPTFPT_MATCH', oxmIds: [0x80000004, 0x80000a02] },
        { type: 'OFPTFPT_INSTRUCTIONS', instructions: [{ type: 4 }, { type: 1 }] },
        { type: 'OFPTFPT_WRITE_ACTIONS', actions: [{ type: 0 }] }, { type: 'OFPTFPT_APPLY_ACTIONS', actions: [{ type: 0 }] },
        { type: 'OFPTFPT_WILDCARDS', oxmIds: [0x80000004] }, { type: 'OFPTFPT_WRITE_SETFIELD', oxmIds: [] }, { type: 'OFPTFPT_APPLY_SETFIELD', oxmIds: [] }] }] }),
    print: ['table 0 ("table0"):', 'metadata: match=0xffffffffffffffff write=0xffffffffffffffff', 'max_entries=1000000', 'next tables: 1-2', 'instructions: apply_actions goto_table', 'actions: output',
      'exact match or wildcard: in_port_oxm', 'must exact match: eth_type'] },
  { name: 'MULTIPART_REPLY PORT_DESC', bytes: hex(`04 13 0050 00000031 | 000d 0000 00000000 | ${PORT13}`),
    model: mpr(49, 'OFPMP_PORT_DESC', { ports: [PORT_MODEL] }), print: ['OFPST_PORT_DESC reply (OF1.3)', '2(veth1): addr:0a:00:00:00:00:02', 'state:      LIVE'] },
  { name: 'MULTIPART_REPLY with REPLY_MORE', bytes: hex('04 13 0010 00000032 | 000d 0001 00000000'),
    model: m(50, { type: 'OFPT_MULTIPART_REPLY', flags: 1, mpType: 'OFPMP_PORT_DESC', ports: [] }), print: ['OFPST_PORT_DESC reply (OF1.3) (xid=0x32): flags=[more]'] },
  { name: 'BARRIER_REQUEST', bytes: hex('04 14 0008 00000033'), model: m(51, { type: 'OFPT_BARRIER_REQUEST' }), print: ['OFPT_BARRIER_REQUEST (OF1.3)'] },
  { name: 'BARRIER_REPLY', bytes: hex('04 15 0008 00000034'), model: m(52, { type: 'OFPT_BARRIER_REPLY' }), print: ['OFPT_BARRIER_REPLY (OF1.3)'] },
  { name: 'QUEUE_GET_CONFIG_REQUEST', bytes: hex('04 16 0010 00000035 | 00000001 00000000'), model: m(53, { type: 'OFPT_QUEUE_GET_CONFIG_REQUEST', port: 1 }), print: ['OFPT_QUEUE_GET_CONFIG_REQUEST (OF1.3)', 'port=1'] },
  // 7.3.6 / 7.2.2: one queue, id 7 on port 1, MIN_RATE 50.0%.
  { name: 'QUEUE_GET_CONFIG_REPLY', bytes: hex('04 17 0030 00000036 | 00000001 00000000 | 00000007 00000001 0020 000000000000 | 0001 0010 00000000 01f4 000000000000'),
    model: m(54, { type: 'OFPT_QUEUE_GET_CONFIG_REPLY', port: 1, queues: [{ queueId: 7, port: 1, properties: [{ property: 1, rate: 500 }] }] }),
    print: ['OFPT_QUEUE_GET_CONFIG_REPLY (OF1.3)', 'queue 7: min_rate:50.0%'] },
  // 7.3.9: ROLE_REQUEST MASTER generation 1, ROLE_REPLY SLAVE.
  { name: 'ROLE_REQUEST', bytes: hex(`04 18 0018 00000037 | 00000002 00000000 ${u64(1n)}`), model: m(55, { type: 'OFPT_ROLE_REQUEST', role: 'OFPCR_ROLE_MASTER', generationId: 1n }),
    print: ['OFPT_ROLE_REQUEST (OF1.3)', 'role=primary generation_id=1'] },
  { name: 'ROLE_REPLY', bytes: hex(`04 19 0018 00000038 | 00000003 00000000 ${u64(0xffffffffffffffffn)}`), model: m(56, { type: 'OFPT_ROLE_REPLY', role: 'OFPCR_ROLE_SLAVE', generationId: 0xffffffffffffffffn }),
    print: ['OFPT_ROLE_REPLY (OF1.3)', 'role=secondary'] },
  { name: 'GET_ASYNC_REQUEST', bytes: hex('04 1a 0008 00000039'), model: m(57, { type: 'OFPT_GET_ASYNC_REQUEST' }), print: ['OFPT_GET_ASYNC_REQUEST (OF1.3)'] },
  // 7.3.10: packet-in all reasons for master, none for slave; port status all for both; flow removed all for master.
  { name: 'GET_ASYNC_REPLY', bytes: hex('04 1b 0020 0000003a | 00000007 00000000 | 00000007 00000007 | 0000000f 00000000'),
    model: m(58, { type: 'OFPT_GET_ASYNC_REPLY', packetInMask: [7, 0], portStatusMask: [7, 7], flowRemovedMask: [15, 0] }), print: ['OFPT_GET_ASYNC_REPLY (OF1.3)', 'PACKET_IN: no_match action invalid_ttl'] },
  { name: 'SET_ASYNC', bytes: hex('04 1c 0020 0000003b | 00000001 00000000 | 00000007 00000007 | 0000000f 00000000'),
    model: m(59, { type: 'OFPT_SET_ASYNC', packetInMask: [1, 0], portStatusMask: [7, 7], flowRemovedMask: [15, 0] }), print: ['OFPT_SET_ASYNC (OF1.3)', 'PACKET_IN: no_match'] },
  // 7.3.4.4: METER_MOD ADD meter 1 kbps, drop at 10000 and dscp_remark at 5000 by 1.
  { name: 'METER_MOD', bytes: hex('04 1d 0030 0000003c | 0000 0001 00000001 | 0001 0010 00002710 00000000 00000000 | 0002 0010 00001388 00000000 01 000000'),
    model: m(60, { type: 'OFPT_METER_MOD', command: 'OFPMC_ADD', flags: 1, meterId: 1, bands: [{ type: 'OFPMBT_DROP', rate: 10000, burstSize: 0 }, { type: 'OFPMBT_DSCP_REMARK', rate: 5000, burstSize: 0, precLevel: 1 }] }),
    print: ['ADD meter=1 kbps bands=', 'type=drop rate=10000', 'type=dscp_remark rate=5000 prec_level=1'] },
];

export { noInstructions, zeros };
