// Flows back into ovs-ofctl syntax, in the forms Open vSwitch prints:
//
//  - formatMatch():   `priority=10,tcp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=80`
//                     (OVS's match_format(): priority, protocol shorthand,
//                     then the fields in match-fields.ts row order; the
//                     shorthand swallows dl_type and nw_proto)
//  - formatActions(): `set_field:10.0.0.9->ip_dst,output:2` (instructions in
//                     execution order; no instruction at all is `drop`)
//  - formatFlowMod(): what `ovs-ofctl parse-flow -O OpenFlow13` prints after
//                     the message header: `ADD table:3 priority=7,tcp
//                     cookie:0x5 idle:10 send_flow_rem actions=...`
//  - formatFlowStats(): one `ovs-ofctl dump-flows` line: `cookie=0x0,
//                     duration=1.234s, table=0, n_packets=0, n_bytes=0,
//                     priority=10,ip,nw_dst=10.0.0.1 actions=drop`
//
// Defaults are omitted as OVS omits them: priority 32768, table 0 in a flow
// mod, zero timeouts and cookies.  parseFlow(formatFlow(x)) equals x for
// every x parseFlow() returns (the round-trip tests hold us to it).

import { formatValue } from './field-values';
import { Action, FieldMatch, Flow, Instructions, OFP_DEFAULT_PRIORITY, OFPCML_NO_BUFFER, PORT_NAMES } from './flow';
import { fieldByName, fullMask } from './match-fields';
import { SHORTHANDS } from './flow-parser';

/** The shorthand for the match's eth_type (and ip_proto), and whether it stands for ip_proto too. */
function shorthandOf(match: FieldMatch[]): { name?: string; coversProto: boolean } {
  const ethType = match.find((m) => m.field === 'eth_type')?.value;
  const proto = match.find((m) => m.field === 'ip_proto')?.value;
  if (ethType === undefined) return { coversProto: false };
  for (const [name, [e, p]] of Object.entries(SHORTHANDS)) {
    if (e === ethType && p !== undefined && p === proto) return { name, coversProto: true };
  }
  for (const [name, [e, p]] of Object.entries(SHORTHANDS)) {
    if (e === ethType && p === undefined) return { name, coversProto: false };
  }
  return { coversProto: false };
}

/** OVS's format of the 16-bit TCI (match_format(), "vlan_tci"). */
function formatVlan(value: bigint, mask: bigint): string[] {
  const vidMask = mask & 0x0fffn;
  const pcpMask = mask & 0xe000n;
  const cfi = mask & 0x1000n;
  if (cfi && value & 0x1000n && (vidMask === 0n || vidMask === 0x0fffn) && (pcpMask === 0n || pcpMask === 0xe000n) && (vidMask || pcpMask)) {
    const out: string[] = [];
    if (vidMask) out.push(`dl_vlan=${value & 0x0fffn}`);
    if (pcpMask) out.push(`dl_vlan_pcp=${(value >> 13n) & 7n}`);
    return out;
  }
  const hex4 = (v: bigint) => `0x${v.toString(16).padStart(4, '0')}`;
  return [mask === 0xffffn ? `vlan_tci=${hex4(value)}` : `vlan_tci=${hex4(value)}/${hex4(mask)}`];
}

/** OVS prints a matched IPv6 flow label as five hex digits (format_be32_masked_hex with %05x). */
const hex5 = (v: bigint) => `0x${v.toString(16).padStart(5, '0')}`;

function formatPort(port: number): string {
  return PORT_NAMES.get(port) ?? String(port);
}

/** The match of 'flow' with its priority, as OVS prints it ('' for a catch-all at the default priority). */
export function formatMatch(flow: Pick<Flow, 'priority' | 'match'>): string {
  const out: string[] = [];
  if (flow.priority !== OFP_DEFAULT_PRIORITY) out.push(`priority=${flow.priority}`);
  const sh = shorthandOf(flow.match);
  if (sh.name) out.push(sh.name);
  for (const m of flow.match) {
    const f = fieldByName(m.field);
    if (m.field === 'eth_type' && sh.name) continue;
    if (m.field === 'ip_proto' && sh.coversProto) continue;
    if (m.field === 'vlan_tci') out.push(...formatVlan(m.value, m.mask));
    else if (m.field === 'in_port') out.push(`in_port=${formatPort(Number(m.value))}`);
    else if (m.field === 'ip_dscp') out.push(`nw_tos=${m.value << 2n}`);
    else if (m.field === 'ipv6_flabel') out.push(`ipv6_label=${hex5(m.value)}${m.mask === 0xfffffn ? '' : `/${hex5(m.mask)}`}`);
    else out.push(`${f.print}=${formatValue(f, m.value, m.mask)}`);
  }
  return out.join(',');
}

const hex4 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

export function formatAction(a: Action): string {
  switch (a.type) {
    case 'output': return PORT_NAMES.has(a.port) ? formatPort(a.port) : `output:${a.port}`;
    case 'controller': {
      if (a.reason === 'action') return `CONTROLLER:${a.maxLen}`;
      const args = [`reason=${a.reason}`];
      if (a.maxLen !== OFPCML_NO_BUFFER) args.push(`max_len=${a.maxLen}`);
      return `controller(${args.join(',')})`;
    }
    case 'set_field': {
      const f = fieldByName(a.field);
      return `set_field:${formatValue(f, a.value, fullMask(f.bits))}->${f.setFieldName}`;
    }
    case 'load': return `load:0x${a.value.toString(16)}->${fieldByName(a.field).nxmName}[]`;
    case 'push_vlan': case 'push_mpls': case 'pop_mpls': return `${a.type}:${hex4(a.ethertype)}`;
    case 'set_mpls_ttl': return `set_mpls_ttl(${a.ttl})`;
    case 'set_queue': return `set_queue:${a.queue}`;
    case 'group': return `group:${a.group}`;
    default: return a.type;
  }
}

/** The instructions in execution order (OpenFlow 1.3 section 5.9), or `drop`. */
export function formatActions(ins: Instructions): string {
  const out: string[] = [];
  if (ins.meter !== undefined) out.push(`meter:${ins.meter}`);
  out.push(...ins.apply.map(formatAction));
  if (ins.clearActions) out.push('clear_actions');
  if (ins.writeActions) out.push(`write_actions(${ins.writeActions.map(formatAction).join(',')})`);
  if (ins.writeMetadata) {
    const { value, mask } = ins.writeMetadata;
    out.push(mask === fullMask(64) ? `write_metadata:0x${value.toString(16)}` : `write_metadata:0x${value.toString(16)}/0x${mask.toString(16)}`);
  }
  if (ins.gotoTable !== undefined) out.push(`goto_table:${ins.gotoTable}`);
  return out.length === 0 ? 'drop' : out.join(',');
}

/**
 * A flow in ovs-ofctl add-flow syntax that parseFlow() reads back to the
 * same Flow (the canonical form: defaults omitted, shorthands collapsed).
 */
export function formatFlow(flow: Flow): string {
  const head: string[] = [];
  if (flow.table !== 0) head.push(`table=${flow.table}`);
  if (flow.cookie !== 0n || flow.cookieMask !== 0n) {
    head.push(flow.cookieMask === 0n ? `cookie=0x${flow.cookie.toString(16)}` : `cookie=0x${flow.cookie.toString(16)}/0x${flow.cookieMask.toString(16)}`);
  }
  if (flow.outPort !== undefined) head.push(`out_port=${formatPort(flow.outPort)}`);
  if (flow.outGroup !== undefined) head.push(`out_group=${flow.outGroup}`);
  if (flow.idleTimeout) head.push(`idle_timeout=${flow.idleTimeout}`);
  if (flow.hardTimeout) head.push(`hard_timeout=${flow.hardTimeout}`);
  if (flow.importance) head.push(`importance=${flow.importance}`);
  head.push(...flow.flags);
  const match = formatMatch(flow);
  if (match) head.push(match);
  head.push(`actions=${formatActions(flow.instructions)}`);
  return head.join(',');
}

/**
 * An OFPFC_ADD of 'flow' as `ovs-ofctl parse-flow -O OpenFlow13` prints it
 * (OVS's ofputil_flow_mod_format()).  importance is OpenFlow 1.4+ and is
 * not carried by an OpenFlow 1.3 flow mod, so it is not printed.
 */
export function formatFlowMod(flow: Flow): string {
  const parts = ['ADD'];
  if (flow.table !== 0) parts.push(`table:${flow.table}`);
  const match = formatMatch(flow);
  if (match) parts.push(match);
  if (flow.cookie !== 0n) parts.push(`cookie:0x${flow.cookie.toString(16)}`);
  if (flow.idleTimeout) parts.push(`idle:${flow.idleTimeout}`);
  if (flow.hardTimeout) parts.push(`hard:${flow.hardTimeout}`);
  parts.push(...flow.flags);
  parts.push(`actions=${formatActions(flow.instructions)}`);
  return parts.join(' ');
}

/** OVS's ofp_print_duration(): seconds, then nine decimals trimmed of trailing zeros down to three. */
export function formatDuration(durationSec: number): string {
  const sec = Math.floor(durationSec);
  const nsec = Math.min(999999999, Math.round((durationSec - sec) * 1e9));
  if (nsec === 0) return `${sec}s`;
  return `${sec}.${String(nsec).padStart(9, '0').replace(/0{1,6}$/, '')}s`;
}

/** Counters of one flow entry (ofp_flow_stats, section 7.3.5.2). */
export interface FlowCounters {
  durationSec: number;
  packets: bigint;
  bytes: bigint;
}

/**
 * One `ovs-ofctl dump-flows` line (OVS's ofputil_flow_stats_format(),
 * leading space included).  importance is printed as OpenFlow 1.4+ replies
 * carry it.
 */
export function formatFlowStats(flow: Flow, c: FlowCounters): string {
  let s = ` cookie=0x${flow.cookie.toString(16)}, duration=${formatDuration(c.durationSec)}, table=${flow.table}, `;
  s += `n_packets=${c.packets}, n_bytes=${c.bytes}, `;
  if (flow.idleTimeout) s += `idle_timeout=${flow.idleTimeout}, `;
  if (flow.hardTimeout) s += `hard_timeout=${flow.hardTimeout}, `;
  // Each flag is followed by a space, not a comma, as OVS prints them.
  for (const flag of flow.flags) s += `${flag} `;
  if (flow.importance) s += `importance=${flow.importance}, `;
  const match = formatMatch(flow);
  return `${s}${match}${match ? ' ' : ''}actions=${formatActions(flow.instructions)}`;
}
