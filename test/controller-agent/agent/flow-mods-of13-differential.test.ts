// The raw 1.3 FLOW_MOD path against the TypeScript path it replaces, on two
// real switches running the `openflow` logic.  Switch A gets every message
// the way it always did (decodeMessage, then BridgeAgent.handle: toFlowMod,
// flowModLine, one text line); switch B gets the same messages, in the same
// order, the new way (BridgeAgent.handleFlowMods13Raw: `of13 HEX` lines the
// logic decodes itself, and for a message it does not take, the session's
// fallback: decodeMessage then handleFlowMods).  Each message must have the
// same outcome on both (done, or the same OpenFlow error), and after each
// group of messages both switches must dump the same flows (match,
// instructions, cookies, timeouts, flags; ids and durations aside).
//
// The corpus covers every match field the logic knows, masks, every 1.3
// action and instruction, every command with cookies, out_port, out_group
// and table all, flags and timeouts, and messages the switch must refuse.
// Each case says whether the logic must take it or leave it to the agent
// (type Expect): malformed messages, anything the codec or the text line
// refuses before applying, and six well-formed kinds the native decoder
// leaves alone by design.  A well-formed message left to the agent
// unexpectedly would make the fast path silently dead, so the set of
// messages that fell back is asserted exactly.
import { expect } from 'chai';
import { Writable } from 'stream';

import { BridgeAgent } from '../../../controller-agent/src/agent/bridge-agent';
import type { Message, SessionView } from '../../../controller-agent/src/agent/types';
import type * as Datapath from '../../../controller-agent/src/datapath';
import type { NativeSwitch } from '../../../controller-agent/src/datapath';
import { createLogger } from '../../../controller-agent/src/log';
import { decodeMessage, encodeMessage, OFP_NO_BUFFER, OFP_VERSION_1_3, OpenFlowError } from '../../../controller-agent/src/openflow';
import type { Action, FlowMod } from '../../../controller-agent/src/openflow';
import { fullMask } from '../../../ovs-compat/src';
import type { FieldMatch } from '../../../ovs-compat/src';
import { oxmField } from '../../../controller-agent/src/openflow/oxm';

const session: SessionView = { id: 'br0#1', version: OFP_VERSION_1_3, role: 'OFPCR_ROLE_EQUAL', target: 'test', missSendLen: 128 };

/**
 * 'taken': the logic must decode it itself (applied, or refused at apply
 * time: overlap, unknown group or meter).  'fallback': malformed, or
 * refused by the codec or the text line before anything is applied; the
 * agent answers it.  'agent': well formed, but something the native
 * decoder leaves to the agent by design: Open vSwitch's NXM-class match
 * fields (nw_ttl, tcp_flags as the codec writes them), set_field metadata
 * (which the switch then refuses), a buffer id.
 */
type Expect = 'taken' | 'fallback' | 'agent';
interface Case {
  name: string;
  raw: Buffer;
  expect: Expect;
}

let nextXid = 1;

function message(over: Partial<FlowMod>): Buffer {
  return encodeMessage({
    version: OFP_VERSION_1_3, xid: nextXid++, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 100, cookie: 0n, cookieMask: 0n,
    idleTimeout: 0, hardTimeout: 0, bufferId: OFP_NO_BUFFER, outPort: 0xffffffff, outGroup: 0xffffffff, flags: [], match: [],
    instructions: { apply: [{ type: 'output', port: 1 }], clearActions: false }, ...over,
  } as Message);
}

const ok = (name: string, over: Partial<FlowMod>): Case => ({ name, raw: message(over), expect: 'taken' });
const bad = (name: string, raw: Buffer): Case => ({ name, raw, expect: 'fallback' });
const agent = (name: string, over: Partial<FlowMod>): Case => ({ name, raw: message(over), expect: 'agent' });
const NO_INSTRUCTIONS: FlowMod['instructions'] = { apply: [], clearActions: false };

/** Field 'field' equal to 'value' (all bits). */
const eq = (field: string, value: bigint): FieldMatch => ({ field, value, mask: fullMask(oxmField(field)!.bits) });
const masked = (field: string, value: bigint, mask: bigint): FieldMatch => ({ field, value, mask });

const IPV4 = eq('eth_type', 0x0800n);
const IPV6 = eq('eth_type', 0x86ddn);
const ARP = eq('eth_type', 0x0806n);
const MPLS = eq('eth_type', 0x8847n);
const proto = (p: bigint): FieldMatch => eq('ip_proto', p);
const VLAN = masked('vlan_vid', 0x1000n, 0x1000n);
const OFPVID_PRESENT = 0x1000n;

// Raw surgery on an encoded message, for what the encoder will not write.
// ofp_flow_mod: header 8, fixed part to 48, then ofp_match (type, length, OXMs), padded, then instructions.
function patched(over: Partial<FlowMod>, edit: (b: Buffer) => Buffer): Buffer {
  const b = edit(Buffer.from(message(over)));
  b.writeUInt16BE(b.length, 2);
  return b;
}
/** The first OXM TLV's header sits at 52 (match type and length before it). */
const FIRST_OXM = 52;
const oxmHeader = (field: number, hasMask: boolean, len: number): number => ((0x8000 << 16) | (field << 9) | (hasMask ? 0x100 : 0) | len) >>> 0;

function matchCases(): Case[] {
  let p = 1000;
  const m = (name: string, match: FieldMatch[]): Case => ok(`match ${name}`, { priority: p++, match });
  return [
    m('in_port', [eq('in_port', 3n)]),
    m('metadata', [eq('metadata', 0x1234n)]),
    m('metadata masked', [masked('metadata', 0x1200n, 0xff00n)]),
    m('eth_dst', [eq('eth_dst', 0x020000000001n)]),
    m('eth_dst masked', [masked('eth_dst', 0x010000000000n, 0x010000000000n)]),
    m('eth_src', [eq('eth_src', 0x020000000002n)]),
    m('eth_src masked', [masked('eth_src', 0x020000000000n, 0xffffff000000n)]),
    m('eth_type', [IPV6]),
    m('vlan_vid tagged', [eq('vlan_vid', OFPVID_PRESENT | 5n)]),
    m('vlan_vid untagged', [eq('vlan_vid', 0n)]),
    m('vlan_vid present masked', [VLAN]),
    m('vlan_pcp', [eq('vlan_vid', OFPVID_PRESENT | 7n), eq('vlan_pcp', 3n)]),
    m('ip_dscp', [IPV4, eq('ip_dscp', 46n)]),
    m('ip_ecn', [IPV6, eq('ip_ecn', 1n)]),
    m('ip_proto', [IPV4, proto(47n)]),
    // The codec writes these two as Open vSwitch's NXM-class OXMs (NXM_NX_IP_TTL, NXM_NX_TCP_FLAGS): left to the agent.
    agent('match nw_ttl (NXM class)', { priority: p++, match: [IPV4, eq('nw_ttl', 64n)] }),
    m('ipv4_src', [IPV4, eq('ipv4_src', 0x0a000001n)]),
    m('ipv4_dst masked', [IPV4, masked('ipv4_dst', 0x0a010000n, 0xffff0000n)]),
    m('ipv4 src and dst masked', [IPV4, masked('ipv4_src', 0xc0a80000n, 0xffff0000n), masked('ipv4_dst', 0x0a000000n, 0xff000000n)]),
    m('tcp ports', [IPV4, proto(6n), eq('tcp_src', 1234n), eq('tcp_dst', 80n)]),
    m('tcp_dst masked', [IPV6, proto(6n), masked('tcp_dst', 0x1000n, 0xf000n)]),
    m('udp ports', [IPV4, proto(17n), eq('udp_src', 68n), eq('udp_dst', 67n)]),
    m('sctp ports', [IPV4, proto(132n), eq('sctp_src', 9n), masked('sctp_dst', 0x100n, 0xff00n)]),
    agent('match tcp_flags (NXM class)', { priority: p++, match: [IPV4, proto(6n), masked('tcp_flags', 0x002n, 0x012n)] }),
    m('icmpv4', [IPV4, proto(1n), eq('icmpv4_type', 8n), eq('icmpv4_code', 0n)]),
    m('icmpv6', [IPV6, proto(58n), eq('icmpv6_type', 135n), eq('icmpv6_code', 0n)]),
    m('arp', [ARP, eq('arp_op', 1n), eq('arp_spa', 0x0a000001n), masked('arp_tpa', 0x0a000000n, 0xffffff00n),
      eq('arp_sha', 0x020000000003n), masked('arp_tha', 0n, 0xffffff000000n)]),
    m('ipv6 addresses', [IPV6, eq('ipv6_src', 0x20010db8000000000000000000000001n),
      masked('ipv6_dst', 0xfe800000000000000000000000000000n, 0xffffffffffffffff0000000000000000n)]),
    m('ipv6_flabel', [IPV6, eq('ipv6_flabel', 0x12345n)]),
    m('ipv6_flabel masked', [IPV6, masked('ipv6_flabel', 0x10000n, 0xf0000n)]),
    m('mpls', [MPLS, eq('mpls_label', 100n), eq('mpls_tc', 2n), eq('mpls_bos', 1n)]),
    m('prerequisites after their dependents', [proto(17n), eq('udp_dst', 53n), IPV4]),
    m('empty (table-miss)', []),
  ];
}

function actionCases(): Case[] {
  let p = 2000;
  const a = (name: string, match: FieldMatch[], apply: Action[]): Case =>
    ok(`action ${name}`, { priority: p++, match, instructions: { apply, clearActions: false } });
  const set = (field: string, value: bigint, match: FieldMatch[] = [], name = `set_field ${field}`): Case =>
    a(name, match, [{ type: 'set_field', field, value }, { type: 'output', port: 2 }]);
  return [
    a('output ports', [], [{ type: 'output', port: 1 }, { type: 'output', port: 4 }]),
    a('output reserved ports', [eq('in_port', 1n)], [
      { type: 'output', port: 0xfffffff8 }, { type: 'output', port: 0xfffffffa }, { type: 'output', port: 0xfffffffb },
      { type: 'output', port: 0xfffffffc }, { type: 'output', port: 0xfffffffe },
    ]),
    a('controller max_len', [], [{ type: 'controller', maxLen: 128, reason: 'action' }]),
    a('controller no_buffer', [IPV4], [{ type: 'controller', maxLen: 0xffff, reason: 'action' }]),
    a('group', [], [{ type: 'group', group: 1 }]),
    a('drop (no actions)', [eq('in_port', 9n)], []),
    set('eth_dst', 0x020000000009n),
    set('eth_src', 0x02000000000an),
    set('vlan_vid', OFPVID_PRESENT | 10n, [VLAN]),
    set('vlan_pcp', 5n, [VLAN]),
    set('ip_dscp', 10n, [IPV4]),
    set('ip_ecn', 2n, [IPV4]),
    set('ipv4_src', 0x0a000002n, [IPV4]),
    set('ipv4_dst', 0x0a000003n, [IPV4]),
    set('tcp_src', 1000n, [IPV4, proto(6n)]),
    set('tcp_dst', 1001n, [IPV4, proto(6n)]),
    set('udp_src', 1002n, [IPV4, proto(17n)]),
    set('udp_dst', 1003n, [IPV4, proto(17n)]),
    set('sctp_src', 1004n, [IPV4, proto(132n)]),
    set('sctp_dst', 1005n, [IPV4, proto(132n)]),
    set('icmpv4_type', 0n, [IPV4, proto(1n)]),
    set('icmpv4_code', 1n, [IPV4, proto(1n)]),
    set('icmpv6_type', 128n, [IPV6, proto(58n)]),
    set('icmpv6_code', 0n, [IPV6, proto(58n)]),
    set('arp_op', 2n, [ARP]),
    set('arp_spa', 0x0a000004n, [ARP]),
    set('arp_tpa', 0x0a000005n, [ARP]),
    set('arp_sha', 0x02000000000bn, [ARP]),
    set('arp_tha', 0x02000000000cn, [ARP]),
    set('ipv6_src', 0x20010db8000000000000000000000002n, [IPV6]),
    set('ipv6_dst', 0x20010db8000000000000000000000003n, [IPV6]),
    set('ipv6_flabel', 0x54321n, [IPV6]),
    set('mpls_label', 200n, [MPLS]),
    set('mpls_tc', 3n, [MPLS]),
    set('mpls_bos', 0n, [MPLS]),
    agent('action set_field metadata', { priority: p++, instructions: { apply: [{ type: 'set_field', field: 'metadata', value: 0xabcdn }], clearActions: false } }),
    set('tcp_src', 7n, [], 'set_field tcp_src without its prerequisite'),
    a('push and pop vlan', [], [{ type: 'push_vlan', ethertype: 0x8100 }, { type: 'set_field', field: 'vlan_vid', value: OFPVID_PRESENT | 3n },
      { type: 'output', port: 2 }, { type: 'pop_vlan' }, { type: 'output', port: 3 }]),
    a('push_vlan 802.1ad', [], [{ type: 'push_vlan', ethertype: 0x88a8 }, { type: 'output', port: 2 }]),
    a('pop_vlan', [VLAN], [{ type: 'pop_vlan' }, { type: 'output', port: 2 }]),
    a('push and pop mpls', [IPV4], [{ type: 'push_mpls', ethertype: 0x8847 }, { type: 'output', port: 2 }]),
    a('push_mpls multicast', [IPV4], [{ type: 'push_mpls', ethertype: 0x8848 }, { type: 'output', port: 2 }]),
    a('pop_mpls', [MPLS], [{ type: 'pop_mpls', ethertype: 0x0800 }, { type: 'output', port: 2 }]),
    a('set and dec mpls ttl', [MPLS], [{ type: 'set_mpls_ttl', ttl: 9 }, { type: 'dec_mpls_ttl' }, { type: 'output', port: 2 }]),
    a('dec ttl', [IPV4], [{ type: 'dec_ttl' }, { type: 'output', port: 2 }]),
    a('set nw ttl', [IPV4], [{ type: 'set_nw_ttl', ttl: 33 }, { type: 'output', port: 2 }]),
    a('copy ttl in and out', [MPLS], [{ type: 'copy_ttl_in' }, { type: 'copy_ttl_out' }, { type: 'output', port: 2 }]),
    a('set_queue', [], [{ type: 'set_queue', queue: 7 }, { type: 'output', port: 2 }]),
  ];
}

function instructionCases(): Case[] {
  let p = 3000;
  const i = (name: string, table: number, instructions: FlowMod['instructions']): Case => ok(`instructions ${name}`, { priority: p++, table, instructions });
  return [
    i('meter', 0, { meter: 1, apply: [{ type: 'output', port: 2 }], clearActions: false }),
    i('apply, clear, write', 0, { apply: [{ type: 'output', port: 2 }], clearActions: true, writeActions: [{ type: 'group', group: 1 }, { type: 'output', port: 3 }] }),
    i('write actions alone', 1, { apply: [], clearActions: false, writeActions: [{ type: 'set_field', field: 'eth_dst', value: 0x02000000000dn }, { type: 'output', port: 1 }] }),
    i('clear alone', 1, { apply: [], clearActions: true }),
    i('write_metadata unmasked', 0, { apply: [], clearActions: false, writeMetadata: { value: 0x55n, mask: 0xffffffffffffffffn }, gotoTable: 1 }),
    i('write_metadata masked', 2, { apply: [], clearActions: false, writeMetadata: { value: 0x500n, mask: 0xf00n }, gotoTable: 3 }),
    i('goto_table', 0, { apply: [{ type: 'output', port: 4 }], clearActions: false, gotoTable: 63 }),
    i('every instruction', 1, {
      meter: 1, apply: [{ type: 'dec_ttl' }], clearActions: true, writeActions: [{ type: 'output', port: 2 }],
      writeMetadata: { value: 1n, mask: 1n }, gotoTable: 2,
    }),
    ok('instructions last table', { table: 63, priority: p++, instructions: { apply: [{ type: 'output', port: 1 }], clearActions: false } }),
  ];
}

function flagCases(): Case[] {
  return [
    ok('add with cookie, timeouts, send_flow_rem', { priority: 4000, cookie: 0x1111000000000001n, idleTimeout: 300, hardTimeout: 600, flags: ['send_flow_rem'] }),
    ok('add with no counts', { priority: 4001, cookie: 0x2222000000000002n, flags: ['no_packet_counts', 'no_byte_counts'] }),
    ok('add check_overlap, no overlap', { priority: 4002, match: [eq('in_port', 1n)], flags: ['check_overlap'] }),
    ok('add cookie_mask ignored on add', { priority: 4003, cookie: 0x33n, cookieMask: 0xffn, match: [eq('in_port', 2n)] }),
    ok('replacing add with reset_counts', { priority: 4000, cookie: 0x1111000000000009n, idleTimeout: 30, flags: ['reset_counts'], instructions: { apply: [{ type: 'output', port: 3 }], clearActions: false } }),
    ok('replacing add keeping counters', { priority: 4001, cookie: 0x2222000000000003n, instructions: { apply: [{ type: 'output', port: 4 }], clearActions: false } }),
    ok('add importance-free max priority', { priority: 0xffff, match: [eq('in_port', 7n)] }),
    ok('add priority 0', { priority: 0, match: [eq('in_port', 8n)] }),
    // Apply-stage refusals: the logic takes these and answers the error itself.
    ok('overlap with check_overlap', { priority: 4002, match: [eq('in_port', 1n), eq('eth_dst', 0x020000000001n)], flags: ['check_overlap'] }),
    ok('unknown group', { priority: 4004, instructions: { apply: [{ type: 'group', group: 99 }], clearActions: false } }),
    ok('unknown meter', { priority: 4005, instructions: { meter: 99, apply: [], clearActions: false } }),
    ok('unknown group in write actions', { priority: 4006, instructions: { apply: [], clearActions: false, writeActions: [{ type: 'group', group: 98 }] } }),
  ];
}

// Malformed or refused messages between well-formed ones, so the fast path
// must stop at each and resume after it.
function badCases(): Case[] {
  let p = 5000;
  const next = (name: string): Case => ok(`between: ${name}`, { priority: p++, match: [eq('in_port', BigInt(p % 50 + 1))] });
  const cases: Case[] = [
    bad('bad prerequisite (tcp_dst without ip_proto)', message({ priority: p++, match: [IPV4, eq('tcp_dst', 80n)] })),
    bad('bad prerequisite (ipv4_src on ipv6)', message({ priority: p++, match: [IPV6, eq('ipv4_src', 1n)] })),
    bad('duplicate field', message({ priority: p++, match: [eq('in_port', 1n), eq('in_port', 2n)] })),
    bad('unknown OXM field', patched({ priority: p++, match: [eq('in_port', 1n)] }, (b) => { b.writeUInt32BE(oxmHeader(127, false, 4), FIRST_OXM); return b; })),
    bad('tunnel_id (the codec knows it, the logic does not)', message({ priority: p++, match: [eq('tunnel_id', 5n)] })),
    bad('ipv6_nd_target (the codec knows it, the logic does not)', message({ priority: p++, match: [IPV6, proto(58n), eq('icmpv6_type', 135n), eq('ipv6_nd_target', 1n)] })),
    bad('mask on a non-maskable field', patched({ priority: p++, match: [IPV4, eq('ip_proto', 6n)] }, (b) => {
      // eth_type (4+2) then ip_proto: rewrite ip_proto as a masked TLV whose value and mask fill the 2 bytes.
      b.writeUInt32BE(oxmHeader(10, true, 2), FIRST_OXM + 6);
      b.writeUInt16BE(0x06ff, FIRST_OXM + 10);
      b.writeUInt16BE(4 + 6 + 6, 50);
      return b;
    })),
    bad('value outside its mask', message({ priority: p++, match: [IPV4, masked('ipv4_src', 0x0a000001n, 0xffffff00n)] })),
    bad('value wider than its field (vlan_pcp 9)', patched({ priority: p++, match: [VLAN, eq('vlan_pcp', 1n)] }, (b) => {
      // vlan_vid masked (4+4) then vlan_pcp: its one-byte value.
      b[FIRST_OXM + 8 + 4] = 9;
      return b;
    })),
    bad('OXM length not its field\'s', patched({ priority: p++, match: [eq('metadata', 1n)] }, (b) => { b.writeUInt32BE(oxmHeader(2, false, 7), FIRST_OXM); return b; })),
    bad('table beyond the last', message({ priority: p++, table: 64 })),
    bad('table 200', message({ priority: p++, table: 200 })),
    bad('goto_table backwards', message({ priority: p++, table: 3, instructions: { apply: [], clearActions: false, gotoTable: 2 } })),
    bad('goto_table to itself', message({ priority: p++, table: 3, instructions: { apply: [], clearActions: false, gotoTable: 3 } })),
    bad('goto_table beyond the last', message({ priority: p++, table: 3, instructions: { apply: [], clearActions: false, gotoTable: 64 } })),
    bad('add into table 255', message({ priority: p++, table: 0xff })),
    // Well formed, with a buffer id: the agent answers OFPBRC_BUFFER_UNKNOWN after installing the flow (an add), nothing (a delete).
    agent('buffer_id on add', { priority: p++, bufferId: 7, match: [eq('in_port', 44n)] }),
    agent('buffer_id on delete', { priority: p++, bufferId: 7, command: 'OFPFC_DELETE', match: [eq('in_port', 45n)], instructions: NO_INSTRUCTIONS }),
    bad('undefined flag bit', patched({ priority: p++ }, (b) => { b.writeUInt16BE(0x80, 44); return b; })),
    bad('bad command 7', patched({ priority: p++ }, (b) => { b[25] = 7; return b; })),
    bad('truncated (40 bytes)', patched({ priority: p++ }, (b) => b.subarray(0, 40))),
    bad('match length running past the message', patched({ priority: p++, match: [eq('in_port', 1n)] }, (b) => { b.writeUInt16BE(200, 50); return b; })),
    bad('instruction of odd length', patched({ priority: p++ }, (b) => { b.writeUInt16BE(12, 58); return b; })),
    bad('action of odd length', patched({ priority: p++ }, (b) => { b.writeUInt16BE(12, 66); return b; })),
    bad('unknown instruction type', patched({ priority: p++ }, (b) => { b.writeUInt16BE(9, 56); return b; })),
    bad('unknown action type', patched({ priority: p++ }, (b) => { b.writeUInt16BE(99, 64); return b; })),
    bad('output to port 0', message({ priority: p++, instructions: { apply: [{ type: 'output', port: 0 }], clearActions: false } })),
    bad('output to OFPP_ANY', message({ priority: p++, instructions: { apply: [{ type: 'output', port: 0xffffffff }], clearActions: false } })),
    bad('output to OFPP_TABLE in a flow', message({ priority: p++, instructions: { apply: [{ type: 'output', port: 0xfffffff9 }], clearActions: false } })),
    bad('set_field of a read-only field (eth_type)', message({ priority: p++, instructions: { apply: [{ type: 'set_field', field: 'eth_type', value: 0x800n }], clearActions: false } })),
    bad('set_field of in_port', message({ priority: p++, instructions: { apply: [{ type: 'set_field', field: 'in_port', value: 1n }], clearActions: false } })),
    bad('push_vlan with a bad ethertype', patched({ priority: p++, instructions: { apply: [{ type: 'push_vlan', ethertype: 0x8100 }], clearActions: false } }, (b) => {
      b.writeUInt16BE(0x0800, 68);
      return b;
    })),
    bad('push_pbb (the codec knows it, the switch does not)', message({ priority: p++, instructions: { apply: [{ type: 'push_pbb', ethertype: 0x88e7 }], clearActions: false } })),
  ];
  // Interleave: a well-formed message after each bad one.
  return cases.flatMap((c) => [c, next(c.name)]);
}

function modifyCases(): Case[] {
  return [
    ok('modify by cookie mask', { command: 'OFPFC_MODIFY', cookie: 0x1111000000000000n, cookieMask: 0xffff000000000000n, instructions: { apply: [{ type: 'output', port: 5 }], clearActions: false } }),
    ok('modify non-strict by match', { command: 'OFPFC_MODIFY', match: [IPV4], instructions: { apply: [{ type: 'dec_ttl' }, { type: 'output', port: 6 }], clearActions: false } }),
    ok('modify strict', { command: 'OFPFC_MODIFY_STRICT', priority: 1000, match: [eq('in_port', 3n)], instructions: { apply: [{ type: 'output', port: 7 }], clearActions: false } }),
    ok('modify strict of nothing adds nothing', { command: 'OFPFC_MODIFY_STRICT', priority: 1, match: [eq('in_port', 33n)] }),
    // OFPTT_ALL is for deletes only (1.3.5 section 7.3.4.1): the codec refuses these with OFPFMFC_BAD_TABLE_ID.
    bad('modify all tables', message({ command: 'OFPFC_MODIFY', table: 0xff, match: [eq('eth_type', 0x8847n)], instructions: { apply: [{ type: 'output', port: 8 }], clearActions: false } })),
    bad('modify strict all tables', message({ command: 'OFPFC_MODIFY_STRICT', table: 0xff, priority: 1000, match: [eq('in_port', 3n)] })),
    ok('modify with reset_counts', { command: 'OFPFC_MODIFY', flags: ['reset_counts'], match: [IPV6], instructions: { apply: [], clearActions: true } }),
    ok('modify in table 1', { command: 'OFPFC_MODIFY', table: 1, instructions: { meter: 1, apply: [{ type: 'output', port: 2 }], clearActions: false } }),
    ok('modify to an unknown group', { command: 'OFPFC_MODIFY_STRICT', priority: 1001, match: [eq('metadata', 0x1234n)], instructions: { apply: [{ type: 'group', group: 77 }], clearActions: false } }),
  ];
}

function deleteCases(): Case[] {
  const ok = (name: string, over: Partial<FlowMod>): Case => ({ name, raw: message({ instructions: NO_INSTRUCTIONS, ...over }), expect: 'taken' });
  return [
    // A delete's instructions mean nothing (1.3.5 section 6.4): taken, and dropped as the text line drops them.
    { name: 'delete with instructions', raw: message({ command: 'OFPFC_DELETE_STRICT', priority: 4003, match: [eq('in_port', 2n)] }), expect: 'taken' },
    ok('delete by out_port', { command: 'OFPFC_DELETE', table: 0xff, outPort: 7 }),
    ok('delete by out_group', { command: 'OFPFC_DELETE', table: 0xff, outGroup: 1 }),
    ok('delete by cookie mask', { command: 'OFPFC_DELETE', table: 0xff, cookie: 0x2222000000000000n, cookieMask: 0xffff000000000000n }),
    ok('delete strict', { command: 'OFPFC_DELETE_STRICT', priority: 1004, match: [eq('eth_src', 0x020000000002n)] }),
    ok('delete strict of nothing', { command: 'OFPFC_DELETE_STRICT', priority: 1004, match: [eq('eth_src', 0x020000000099n)] }),
    ok('delete non-strict by match in table 0', { command: 'OFPFC_DELETE', match: [IPV4, proto(6n)] }),
    ok('delete strict with out_port', { command: 'OFPFC_DELETE_STRICT', priority: 2000, outPort: 4 }),
    ok('delete table 1', { command: 'OFPFC_DELETE', table: 1 }),
    ok('delete everything with an arp match', { command: 'OFPFC_DELETE', table: 0xff, match: [ARP] }),
    ok('delete all', { command: 'OFPFC_DELETE', table: 0xff }),
  ];
}

const GROUPS: [string, () => Case[]][] = [
  ['match fields', matchCases], ['actions', actionCases], ['instructions', instructionCases], ['flags, cookies, timeouts', flagCases],
  ['refused messages', badCases], ['modify', modifyCases], ['delete', deleteCases],
];

/** What a message got: 'ok' or its OpenFlow error's name. */
type Outcome = string;

const outcomeOf = (e: unknown): Outcome => {
  if (e instanceof OpenFlowError) return e.errorName;
  throw e;
};

// The TypeScript path, as the session runs it for a decoded FLOW_MOD.
async function slowPath(agent: BridgeAgent, raw: Buffer, batched: boolean): Promise<Outcome> {
  let msg: Message;
  try {
    msg = decodeMessage(raw);
  } catch (e) {
    return outcomeOf(e);
  }
  if (batched) {
    const [r] = await agent.handleFlowMods(session, [msg]);
    return r instanceof OpenFlowError ? r.errorName : 'ok';
  }
  try {
    await agent.handle(session, msg);
    return 'ok';
  } catch (e) {
    return outcomeOf(e);
  }
}

// The dump without what differs between two switches fed the same mods (ids, durations).
function tables(sw: NativeSwitch): string[] {
  return sw.logicControl('dump table=all').split('\n').filter((l) => l !== '')
    .map((l) => l.replace(/\b(id|duration_ns)=\S+ ?/g, ''));
}

describe('agent: raw 1.3 FLOW_MODs decoded by the logic give what the TypeScript path gives (differential)', function () {
  this.timeout(60000);
  let datapath: typeof Datapath;
  const switches: NativeSwitch[] = [];
  before(async () => { datapath = await import('../../../controller-agent/src/datapath'); });
  after(() => { for (const sw of switches.splice(0)) sw.close(); });

  const agentOn = (name: string): { sw: NativeSwitch; agent: BridgeAgent } => {
    const sw = new datapath.Switch({ name, workers: 1, logic: 'openflow' });
    switches.push(sw);
    sw.logicControl('group_add group_id=1 type=all bucket=actions=output:1 bucket=actions=output:2\n' +
      'meter_add meter_id=1 pktps burst band=type=drop,rate=100,burst_size=10');
    const log = createLogger({ level: 'error', destination: new Writable({ write(_c, _e, cb) { cb(); } }) });
    return { sw, agent: new BridgeAgent({ bridge: name, sw, log, failMode: 'secure', hasControllers: true }) };
  };

  it('same outcome for every message and the same flows after every group; the well-formed ones taken natively', async () => {
    const a = agentOn('dfa');
    const b = agentOn('dfb');
    const control = b.sw.logicControl.bind(b.sw);
    const textLines: string[] = [];
    // Spy on B: every flow mod the logic gets must be an of13 line, except the ones the agent handled itself.
    Object.defineProperty(b.sw, 'logicControl', {
      value: (cmd: string) => {
        for (const l of cmd.split('\n')) if (!l.startsWith('of13 ') && !/^(dump|group_dump|meter_dump)\b/.test(l)) textLines.push(l);
        return control(cmd);
      },
      configurable: true,
    });
    const fellBack: string[] = [];
    const expectedFallbacks: string[] = [];
    const leftToAgent: string[] = [];
    const differences: string[] = [];
    const refusals = new Map<string, Outcome>();
    let total = 0;
    for (const [group, build] of GROUPS) {
      const cases = build();
      total += cases.length;
      expectedFallbacks.push(...cases.filter((c) => c.expect !== 'taken').map((c) => c.name));
      leftToAgent.push(...cases.filter((c) => c.expect === 'agent').map((c) => c.name));
      const slow: Outcome[] = [];
      for (const c of cases) slow.push(await slowPath(a.agent, c.raw, false));

      const fast: Outcome[] = [];
      let rest = cases;
      while (rest.length > 0) {
        const { results, taken } = await b.agent.handleFlowMods13Raw(session, rest.map((c) => c.raw));
        for (const r of results) fast.push(r instanceof OpenFlowError ? r.errorName : 'ok');
        if (taken === rest.length) break;
        fellBack.push(rest[taken].name);
        fast.push(await slowPath(b.agent, rest[taken].raw, true));
        rest = rest.slice(taken + 1);
      }
      cases.forEach((c, i) => {
        if (slow[i] !== 'ok') refusals.set(c.name, slow[i]);
        if (slow[i] !== fast[i]) differences.push(`${group}: ${c.name}: TypeScript ${slow[i]}, of13 ${fast[i]} (message ${c.raw.toString('hex')})`);
      });
      // Every difference is listed, not just the first: a report names each message at fault.
      const [fa, fb] = [tables(a.sw), tables(b.sw)];
      for (const l of fb.filter((x) => !fa.includes(x))) differences.push(`${group}: only the of13 switch has: ${l}`);
      for (const l of fa.filter((x) => !fb.includes(x))) differences.push(`${group}: only the TypeScript switch has: ${l}`);
      if (differences.length === 0) expect(fb, `flows (in dump order) after the ${group} group`).to.deep.equal(fa);
      // Both start the next group from the same flows, so one difference does not show up again in every group after it.
      if (fb.join('\n') !== fa.join('\n')) {
        b.sw.logicControl('del table=all');
        for (const line of a.sw.logicControl('dump table=all').split('\n').filter((x) => x !== '')) b.sw.logicControl(`add ${line.replace(/\b(id|duration_ns|n_packets|n_bytes)=\S+ ?/g, '')}`);
      }
    }
    expect(differences).to.deep.equal([]);
    // The corpus proves something only if its bad messages were refused, and the logic refused at apply time the ones it took.
    expect(expectedFallbacks.filter((n) => !refusals.has(n) && !leftToAgent.includes(n))).to.deep.equal([]);
    expect(Object.fromEntries([...refusals].filter(([n]) => !expectedFallbacks.includes(n)))).to.deep.equal({
      'overlap with check_overlap': 'OFPFMFC_OVERLAP', 'unknown group': 'OFPBAC_BAD_OUT_GROUP', 'unknown meter': 'OFPMMFC_UNKNOWN_METER',
      'unknown group in write actions': 'OFPBAC_BAD_OUT_GROUP', 'modify to an unknown group': 'OFPBAC_BAD_OUT_GROUP',
    });
    // Exactly the malformed ones and the few kinds left to the agent fell back: the fast path is alive.
    expect(fellBack).to.deep.equal(expectedFallbacks);
    expect(leftToAgent).to.have.length(5);
    expect(total - fellBack.length).to.be.greaterThan(130);
    // Only the fallbacks' own text lines reached B's logic as text.
    expect(textLines.length).to.be.at.most(fellBack.length);
  });

  it('a switch without flow tables takes none, so each gets the usual refusal', async () => {
    const sw = new datapath.Switch({ name: 'dfl', workers: 1, logic: 'l2-learning' });
    switches.push(sw);
    const log = createLogger({ level: 'error', destination: new Writable({ write(_c, _e, cb) { cb(); } }) });
    const l2 = new BridgeAgent({ bridge: 'dfl', sw, log, failMode: 'secure', hasControllers: true });
    const raw = message({});
    expect(await l2.handleFlowMods13Raw(session, [raw, message({})])).to.deep.equal({ results: [], taken: 0 });
    expect(await slowPath(l2, raw, true)).to.equal('OFPBRC_EPERM');
  });
});
