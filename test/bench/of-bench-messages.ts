// The OpenFlow 1.3 messages and the frame the control-plane benchmarks
// (openflow-control.ts) send, built with the agent's codec.
//
// What?  flowModAdds(n) encodes n OFPT_FLOW_MOD adds, each an exact UDP
// 5-tuple from in_port 1 with output:2 (distinct source addresses, so n
// flows, none overlapping), cut into chunks of many messages for
// pipelined writes; packetOuts(n) encodes n OFPT_PACKET_OUTs of the
// 60-byte frame from the controller to port 2; deleteAll, aggregateAll,
// portStatsAll, barrier and echoRequest are the housekeeping and
// round-trip messages; tableMissToController is the priority-0 flow that
// sends every frame to the controller; udpFrame is the 60-byte frame
// offered to a switch whose every packet becomes a packet-in (and the
// frame the packet-outs carry).
//
// Design.  Everything is encoded before a measurement starts: the
// benchmark times the switch, not our encoder.
//
// Thread-safety: pure functions.
import { OFP_NO_BUFFER, OFP_VERSION_1_3, OFPCML_NO_BUFFER, OFPG_ANY, OFPP_ANY, OFPP_CONTROLLER, OFPTT_ALL, encodeMessage } from '../../controller-agent/src/openflow';
import type { OfMessage } from '../../controller-agent/src/openflow';
import type { FieldMatch } from '../../ovs-compat/src/flow';

const V = OFP_VERSION_1_3;
const full = (bits: number): bigint => (1n << BigInt(bits)) - 1n;
const exact = (field: string, value: number, bits: number): FieldMatch => ({ field, value: BigInt(value), mask: full(bits) });

export const IN_PORT = 1;
export const OUT_PORT = 2;
const kChunkMessages = 512;

type Msg = OfMessage;

function flowMod(over: Partial<Extract<Msg, { type: 'OFPT_FLOW_MOD' }>>): Msg {
  return {
    version: V, xid: 0, type: 'OFPT_FLOW_MOD', command: 'OFPFC_ADD', table: 0, priority: 0, cookie: 0n, cookieMask: 0n,
    idleTimeout: 0, hardTimeout: 0, bufferId: OFP_NO_BUFFER, outPort: OFPP_ANY, outGroup: OFPG_ANY, flags: [], match: [],
    instructions: { apply: [], clearActions: false }, ...over,
  } as Msg;
}

// Flow 'i' of flowModAdds: UDP 10.x.y.z:(1024 + i % 50000) -> 172.16.0.(i % 251):(5000 + i / 50000).
export function exactMatch(i: number): FieldMatch[] {
  return [
    exact('in_port', IN_PORT, 32), exact('eth_type', 0x0800, 16), exact('ip_proto', 17, 8),
    exact('ipv4_src', (0x0a000000 + i) >>> 0, 32), exact('ipv4_dst', (0xac100000 + (i % 251)) >>> 0, 32),
    exact('udp_src', 1024 + (i % 50000), 16), exact('udp_dst', 5000 + Math.floor(i / 50000), 16),
  ];
}

// 'n' messages, message 'i' encoded by 'one(i)', in chunks of
// kChunkMessages messages: what sendAll writes back to back.
function chunked(n: number, one: (i: number) => Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let batch: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    batch.push(one(i));
    if (batch.length === kChunkMessages) {
      chunks.push(Buffer.concat(batch));
      batch = [];
    }
  }
  if (batch.length) chunks.push(Buffer.concat(batch));
  return chunks;
}

// 'n' flow-mod adds, encoded, in chunks of kChunkMessages messages; xids
// run from 'firstXid'.
export function flowModAdds(n: number, firstXid: number): Buffer[] {
  return chunked(n, (i) => encodeMessage(flowMod({
    xid: firstXid + i, priority: 100, match: exactMatch(i),
    instructions: { apply: [{ type: 'output', port: OUT_PORT }], clearActions: false },
  })));
}

// One OFPT_PACKET_OUT of udpFrame() from the controller (in_port
// OFPP_CONTROLLER, buffer_id OFP_NO_BUFFER) with actions=output:OUT_PORT.
export const packetOutToOutPort = (xid: number): Extract<Msg, { type: 'OFPT_PACKET_OUT' }> => ({
  version: V, xid, type: 'OFPT_PACKET_OUT', bufferId: OFP_NO_BUFFER, inPort: OFPP_CONTROLLER,
  actions: [{ type: 'output', port: OUT_PORT }], data: udpFrame(),
});

// 'n' packetOutToOutPort messages, encoded, in chunks; xids from 'firstXid'.
export const packetOuts = (n: number, firstXid: number): Buffer[] =>
  chunked(n, (i) => encodeMessage(packetOutToOutPort(firstXid + i)));

// OFPFC_DELETE of every flow of every table.
export const deleteAll = (): Msg => flowMod({ command: 'OFPFC_DELETE', table: OFPTT_ALL });

export const barrier = (): Msg => ({ version: V, xid: 0, type: 'OFPT_BARRIER_REQUEST' });

// An OFPT_ECHO_REQUEST with no payload: the switch echoes the xid.
export const echoRequest = (): Msg => ({ version: V, xid: 0, type: 'OFPT_ECHO_REQUEST', data: Buffer.alloc(0) });

// A PORT_STATS request for every port.
export const portStatsAll = (): Msg => ({ version: V, xid: 0, type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType: 'OFPMP_PORT_STATS', portNo: OFPP_ANY });

// OFPMP_AGGREGATE over every table and flow: its flowCount is what the
// switch holds.
export const aggregateAll = (): Msg => ({
  version: V, xid: 0, type: 'OFPT_MULTIPART_REQUEST', flags: 0, mpType: 'OFPMP_AGGREGATE',
  filter: { table: OFPTT_ALL, outPort: OFPP_ANY, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, match: [] },
});

// The table-miss flow: priority 0, empty match, output:CONTROLLER with
// the whole frame (max_len OFPCML_NO_BUFFER).
export const tableMissToController = (): Msg => flowMod({
  priority: 0,
  instructions: { apply: [{ type: 'controller', maxLen: OFPCML_NO_BUFFER, reason: 'action' }], clearActions: false },
});

// The flow count in an OFPMP_AGGREGATE reply.
export function flowCountOf(reply: Msg[]): number {
  const r = reply[0];
  if (!r || r.type !== 'OFPT_MULTIPART_REPLY' || r.mpType !== 'OFPMP_AGGREGATE') {
    throw new Error(`expected an OFPMP_AGGREGATE reply, got ${r ? r.type : 'nothing'}`);
  }
  return r.flowCount;
}

// A 60-byte UDP/IPv4 broadcast frame (no FCS), as a generator would send:
// 02:00:00:00:00:01 -> ff:ff:ff:ff:ff:ff, 10.0.0.1:1024 -> 10.1.0.1:1024,
// IPv4 header checksum filled in.
export function udpFrame(): Buffer {
  const f = Buffer.alloc(60);
  Buffer.from('ffffffffffff020000000001', 'hex').copy(f, 0);
  f.writeUInt16BE(0x0800, 12);
  const ip = 14;
  f.writeUInt8(0x45, ip);
  f.writeUInt16BE(60 - ip, ip + 2);     // total length: the rest of the frame
  f.writeUInt8(64, ip + 8);             // ttl
  f.writeUInt8(17, ip + 9);             // udp
  f.writeUInt32BE(0x0a000001, ip + 12);
  f.writeUInt32BE(0x0a010001, ip + 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += f.readUInt16BE(ip + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  f.writeUInt16BE(~sum & 0xffff, ip + 10);
  const udp = ip + 20;
  f.writeUInt16BE(1024, udp);
  f.writeUInt16BE(1024, udp + 2);
  f.writeUInt16BE(60 - udp, udp + 4);   // udp length; checksum 0 (none)
  return f;
}
