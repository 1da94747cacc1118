// Random flow sets for the differential test against Open vSwitch, written
// once in ovs-ofctl syntax (flows) and as structured groups (rendered for
// ovs-ofctl add-groups and for the native `group_add` by the test).
//
// Each set exercises one area of OpenFlow 1.3 with a seeded random
// variation: (1) L2/L3 forwarding with priorities and masks, (2) goto_table
// with write_metadata and metadata matches, (3) set_field on Ethernet, IP,
// TCP and UDP (checksums), (4) VLAN push, pop and set, (5) MPLS push and
// pop with TTLs, (6) groups of every type, (7) the action set through
// write_actions and clear_actions, (8) dec_ttl reaching zero.
//
// Two rules keep every decision defined by the spec, so that a difference
// is a bug on one side and never a legitimate choice:
//   - within a table, priorities are distinct (OpenFlow leaves the choice
//     between overlapping flows of one priority undefined);
//   - every table a goto_table reaches has a priority-0 table-miss flow.
//     A miss without one drops the packet in OpenFlow 1.3 (§5.4), but Open
//     vSwitch 3.1 still executes the accumulated action set; that
//     divergence of OVS is not what this test measures.
// Select groups have a single bucket: OVS hashes differently from us, and a
// one-bucket select still exercises the select path on both sides.
import { buildFrame, IN_PORTS, IPV4S, IPV6S, L4_PORTS, MACS, MPLS_LABELS, randomSpec, Rng, VLANS } from './differential-packets';
import type { PacketKind, PacketSpec } from './differential-packets';

export type GroupType = 'all' | 'select' | 'indirect' | 'ff';

export interface GroupDef {
  id: number;
  type: GroupType;
  buckets: { watchPort?: number; actions: string }[];
  // A match under which the bucket actions' prerequisites hold (for
  // parsing the actions with the flow parser): 'ip', 'tcp', ...
  context: string;
}

export interface TestPacket {
  inPort: number;
  frame: Buffer;
  spec: PacketSpec;
}

export interface FlowSet {
  name: string;
  flows: string[];
  groups: GroupDef[];
  packet(rng: Rng): TestPacket;
}

// Port 4 exists on both switches but its link is down: only fast-failover
// groups watch it.
export const PORTS = [1, 2, 3, 4];
export const DOWN_PORTS = [4];

const out = (rng: Rng): string => `output:${rng.pick(IN_PORTS)}`;

// 'n' distinct priorities in 1..999, in random order.
const priorities = (rng: Rng, n: number): number[] => rng.some(Array.from({ length: 999 }, (_, i) => i + 1), n);

function net4(rng: Rng): string {
  const len = rng.pick([8, 16, 24, 32]);
  const a = rng.pick(IPV4S).split('.').map(Number);
  const keep = len / 8;
  return `${a.map((x, i) => (i < keep ? x : 0)).join('.')}/${len}`;
}

function macMatch(rng: Rng, field: 'dl_src' | 'dl_dst'): string {
  const m = rng.pick(MACS);
  switch (rng.int(0, 2)) {
    case 0: return `${field}=${m}`;
    case 1: return `${field}=${m.slice(0, 8)}:00:00:00/ff:ff:ff:00:00:00`;
    default: return `${field}=01:00:00:00:00:00/01:00:00:00:00:00`;
  }
}

// A random match for protocol 'proto' ('' = any Ethernet frame): the
// shorthand plus up to 'n' field tests drawn from the packet pools.
function randomMatch(rng: Rng, proto: string, n: number): string {
  const pool: (() => string)[] = [
    () => `in_port=${rng.pick(IN_PORTS)}`,
    () => macMatch(rng, 'dl_dst'),
    () => macMatch(rng, 'dl_src'),
  ];
  if (['ip', 'tcp', 'udp', 'icmp'].includes(proto)) pool.push(() => `nw_src=${net4(rng)}`, () => `nw_dst=${net4(rng)}`);
  if (['tcp', 'udp', 'tcp6', 'udp6'].includes(proto)) {
    pool.push(() => `tp_dst=${rng.pick(L4_PORTS)}`, () => `tp_src=${rng.pick(L4_PORTS)}`, () => `tp_dst=0x${(rng.pick(L4_PORTS) & 0xfff0).toString(16)}/0xfff0`);
  }
  if (['ipv6', 'tcp6', 'udp6'].includes(proto)) pool.push(() => `ipv6_dst=${rng.pick(['fd00::/64', 'fd00::2/128', 'fe80::/10'])}`, () => `ipv6_src=${rng.pick(IPV6S)}`);
  if (proto === 'arp') pool.push(() => `arp_op=${rng.int(1, 2)}`, () => `arp_tpa=${net4(rng)}`);
  if (proto === 'icmp') pool.push(() => `icmp_type=${rng.pick([0, 8])}`);
  const tests = rng.some(pool, rng.int(0, n)).map((f) => f());
  return [proto, ...tests].filter((s) => s !== '').join(',');
}

function packetOf(rng: Rng, kinds: readonly PacketKind[], opts: { vlanP?: number } = {}): TestPacket {
  const spec = randomSpec(rng, kinds, opts);
  return { inPort: rng.pick(IN_PORTS), frame: buildFrame(rng, spec), spec };
}

const ALL_KINDS: PacketKind[] = ['tcp', 'udp', 'icmp', 'tcp6', 'udp6', 'arp', 'raw'];

// (1) Priorities and masks in one table.
function l2l3(rng: Rng): FlowSet {
  const n = rng.int(20, 35);
  const prio = priorities(rng, n);
  const flows = prio.map((p) => {
    const proto = rng.pick(['', 'ip', 'tcp', 'udp', 'icmp', 'arp', 'ipv6', 'tcp6', 'udp6']);
    const actions = rng.pick([
      () => 'drop', () => out(rng), () => `${out(rng)},${out(rng)}`, () => `controller:${rng.int(40, 128)}`,
      () => 'in_port', () => `${out(rng)},controller`,
    ])();
    return `table=0,priority=${p},${randomMatch(rng, proto, 3)},actions=${actions}`;
  });
  flows.push(`table=0,priority=0,actions=${rng.pick(['drop', 'controller', 'output:3'])}`);
  return { name: 'L2/L3 forwarding with priorities and masks', flows, groups: [], packet: (r) => packetOf(r, ALL_KINDS) };
}

// (2) A pipeline of four tables steered by metadata.
function metadataPipeline(rng: Rng): FlowSet {
  const metas = [0x1, 0x2, 0x10, 0xff00, 0x1234];
  const masks = ['0xff', '0xffff', '0xffffffffffffffff', '0xf0'];
  const wm = (): string => `write_metadata:0x${rng.pick(metas).toString(16)}/${rng.pick(masks)}`;
  const mm = (): string => `metadata=0x${rng.pick(metas).toString(16)}/${rng.pick(masks)}`;
  const flows: string[] = [];
  priorities(rng, 8).forEach((p) => {
    const next = rng.pick([1, 2, 3]);
    const pre = rng.chance(0.3) ? `${out(rng)},` : '';
    flows.push(`table=0,priority=${p},${randomMatch(rng, rng.pick(['', 'ip', 'tcp', 'udp']), 2)},actions=${pre}${wm()},goto_table:${next}`);
  });
  for (const t of [1, 2, 3]) {
    priorities(rng, 6).forEach((p) => {
      const act = t < 3 && rng.chance(0.4) ? `${wm()},goto_table:${rng.int(t + 1, 3)}` : rng.pick([out(rng), 'controller', `${out(rng)},${out(rng)}`]);
      const extra = rng.chance(0.4) ? `,${randomMatch(rng, '', 1)}` : '';
      flows.push(`table=${t},priority=${p},${mm()}${extra},actions=${act}`);
    });
    flows.push(`table=${t},priority=0,actions=${rng.pick(['drop', 'controller', out(rng)])}`);
  }
  flows.push('table=0,priority=0,actions=goto_table:1');
  return { name: 'goto_table, write_metadata and metadata matches', flows, groups: [], packet: (r) => packetOf(r, ['tcp', 'udp', 'arp', 'raw']) };
}

// set_field actions valid for 'proto'.
function setFields(rng: Rng, proto: string, n: number): string[] {
  const pool: (() => string)[] = [
    () => `set_field:${rng.pick(MACS)}->eth_src`,
    () => `set_field:${rng.pick(MACS)}->eth_dst`,
  ];
  if (['ip', 'tcp', 'udp', 'icmp'].includes(proto)) {
    pool.push(() => `set_field:${rng.pick(IPV4S)}->ip_src`, () => `set_field:${rng.pick(IPV4S)}->ip_dst`,
      () => `set_field:${rng.int(0, 63)}->ip_dscp`, () => `set_field:${rng.int(0, 3)}->ip_ecn`);
  }
  if (['tcp6', 'udp6'].includes(proto)) {
    pool.push(() => `set_field:${rng.pick(IPV6S)}->ipv6_src`, () => `set_field:${rng.pick(IPV6S)}->ipv6_dst`,
      () => `set_field:0x${rng.int(0, 0xfffff).toString(16)}->ipv6_label`);
  }
  if (proto === 'tcp' || proto === 'tcp6') pool.push(() => `set_field:${rng.int(1, 65535)}->tcp_src`, () => `set_field:${rng.pick(L4_PORTS)}->tcp_dst`);
  if (proto === 'udp' || proto === 'udp6') pool.push(() => `set_field:${rng.int(1, 65535)}->udp_src`, () => `set_field:${rng.pick(L4_PORTS)}->udp_dst`);
  if (proto === 'icmp') pool.push(() => `set_field:${rng.pick([0, 8])}->icmp_type`, () => `set_field:${rng.int(0, 3)}->icmp_code`);
  if (proto === 'arp') {
    pool.push(() => `set_field:${rng.int(1, 2)}->arp_op`, () => `set_field:${rng.pick(IPV4S)}->arp_spa`,
      () => `set_field:${rng.pick(IPV4S)}->arp_tpa`, () => `set_field:${rng.pick(MACS)}->arp_sha`);
  }
  return rng.some(pool, n).map((f) => f());
}

// (3) Header rewrites; a second output after more rewrites checks that
// each output carries the packet as it was at that point.
function setField(rng: Rng): FlowSet {
  const flows = priorities(rng, 24).map((p) => {
    const proto = rng.pick(['ip', 'tcp', 'udp', 'icmp', 'tcp6', 'udp6', 'arp', '']);
    const acts = [...setFields(rng, proto, rng.int(1, 3)), out(rng)];
    if (rng.chance(0.35)) acts.push(...setFields(rng, proto, rng.int(1, 2)), out(rng));
    return `table=0,priority=${p},${randomMatch(rng, proto, 2)},actions=${acts.join(',')}`;
  });
  flows.push('table=0,priority=0,actions=drop');
  return { name: 'set_field on Ethernet, IPv4, IPv6, TCP, UDP, ICMP and ARP', flows, groups: [], packet: (r) => packetOf(r, ALL_KINDS) };
}

// (4) VLAN tags: push on untagged (and on tagged: a second tag), pop,
// rewrite VID and PCP.
function vlan(rng: Rng): FlowSet {
  const vid = (): number => 0x1000 | rng.pick(VLANS);
  const flows = priorities(rng, 20).map((p) => {
    const inPort = rng.chance(0.6) ? `,in_port=${rng.pick(IN_PORTS)}` : '';
    const tagged = rng.chance(0.55);
    let acts: string[];
    if (!tagged) {
      acts = ['push_vlan:0x8100', `set_field:${vid()}->vlan_vid`];
      if (rng.chance(0.5)) acts.push(`set_field:${rng.int(0, 7)}->vlan_pcp`);
      acts.push(out(rng));
    } else {
      acts = rng.pick([
        () => ['pop_vlan', out(rng)],
        () => [`set_field:${vid()}->vlan_vid`, out(rng)],
        () => [`set_field:${rng.int(0, 7)}->vlan_pcp`, out(rng), 'pop_vlan', out(rng)],
        // A second tag.  OpenFlow 1.3 (§7.2.5) copies the outer tag's PCP
        // into the pushed one; OVS 3.1 pushes PCP 0.  The PCP is set
        // explicitly so that this OVS divergence does not decide.
        () => [rng.pick(['push_vlan:0x8100', 'push_vlan:0x88a8']), `set_field:${vid()}->vlan_vid`, `set_field:${rng.int(0, 7)}->vlan_pcp`, out(rng)],
      ])();
    }
    const match = tagged ? (rng.chance(0.7) ? `dl_vlan=${rng.pick(VLANS)}` : 'vlan_tci=0x1000/0x1000') : 'vlan_tci=0x0000/0x1fff';
    return `table=0,priority=${p}${inPort},${match},actions=${acts.join(',')}`;
  });
  flows.push('table=0,priority=0,actions=drop');
  return { name: 'VLAN push, pop and set', flows, groups: [], packet: (r) => packetOf(r, ['tcp', 'udp', 'arp', 'raw'], { vlanP: 0.55 }) };
}

// (5) MPLS: push on IPv4, pop back to IPv4, label/TC/TTL rewrites.
function mpls(rng: Rng): FlowSet {
  const flows = priorities(rng, 18).map((p) => {
    if (rng.chance(0.5)) {
      const acts = ['push_mpls:0x8847', `set_field:${rng.pick(MPLS_LABELS)}->mpls_label`];
      acts.push(...rng.some([`set_mpls_ttl:${rng.int(1, 255)}`, 'dec_mpls_ttl', `set_field:${rng.int(0, 7)}->mpls_tc`], rng.int(0, 2)), out(rng));
      return `table=0,priority=${p},${randomMatch(rng, rng.pick(['ip', 'udp', 'tcp']), 2)},actions=${acts.join(',')}`;
    }
    const match = `mpls,mpls_label=${rng.pick(MPLS_LABELS)}${rng.chance(0.5) ? ',mpls_bos=1' : ''}${rng.chance(0.4) ? `,in_port=${rng.pick(IN_PORTS)}` : ''}`;
    const acts = rng.pick([
      () => ['pop_mpls:0x0800', out(rng)],
      () => ['dec_mpls_ttl', out(rng)],
      () => [`set_field:${rng.pick(MPLS_LABELS)}->mpls_label`, 'dec_mpls_ttl', out(rng), 'pop_mpls:0x0800', out(rng)],
      () => [`set_mpls_ttl:${rng.int(0, 3)}`, out(rng)],
    ])();
    return `table=0,priority=${p},${match},actions=${acts.join(',')}`;
  });
  flows.push('table=0,priority=0,actions=drop');
  return { name: 'MPLS push and pop with TTL', flows, groups: [], packet: (r) => packetOf(r, ['tcp', 'udp', 'mpls', 'mpls', 'raw']) };
}

// (6) Groups of every type, reached from flows and from other flows'
// apply actions before the group.
function groups(rng: Rng): FlowSet {
  const bucket = (): string => [...setFields(rng, 'udp', rng.int(0, 2)), out(rng)].join(',');
  const defs: GroupDef[] = [
    { id: 1, type: 'all', buckets: Array.from({ length: rng.int(2, 3) }, () => ({ actions: bucket() })), context: 'udp' },
    { id: 2, type: 'indirect', buckets: [{ actions: bucket() }], context: 'udp' },
    { id: 3, type: 'select', buckets: [{ actions: rng.chance(0.5) ? `dec_ttl,${out(rng)}` : bucket() }], context: 'udp' },
    { id: 4, type: 'ff', buckets: [{ watchPort: 4, actions: 'output:4' }, { watchPort: 3, actions: `set_field:${rng.pick(MACS)}->eth_dst,output:3` }, { watchPort: 2, actions: 'output:2' }], context: 'udp' },
    { id: 5, type: 'ff', buckets: [{ watchPort: 2, actions: 'output:2' }, { watchPort: 1, actions: 'output:1' }], context: 'udp' },
    { id: 6, type: 'all', buckets: [{ actions: 'push_vlan:0x8100,set_field:4106->vlan_vid,output:2' }, { actions: 'output:3' }, { actions: 'output:1' }], context: 'udp' },
  ];
  const flows = priorities(rng, 16).map((p) => {
    const pre = rng.chance(0.3) ? `${setFields(rng, 'udp', 1)[0]},` : '';
    const post = rng.chance(0.2) ? `,${out(rng)}` : '';
    return `table=0,priority=${p},${randomMatch(rng, 'udp', 2)},actions=${pre}group:${rng.int(1, 6)}${post}`;
  });
  flows.push('table=0,priority=0,actions=drop');
  return { name: 'groups: all, select, indirect, fast failover', flows, groups: defs, packet: (r) => packetOf(r, ['udp', 'udp', 'udp', 'tcp']) };
}

// Actions for an action set (at most one of each type per write).
function writeList(rng: Rng): string {
  const pool: (() => string)[] = [
    () => `set_field:${rng.pick(MACS)}->eth_dst`,
    () => `set_field:${rng.pick(IPV4S)}->ip_dst`,
    () => 'push_vlan:0x8100',
    () => 'dec_ttl',
    () => out(rng),
    () => `group:${rng.int(1, 2)}`,
    () => `set_field:${rng.pick(L4_PORTS)}->udp_dst`,
  ];
  const acts = rng.some(pool, rng.int(1, 4)).map((f) => f());
  if (acts.includes('push_vlan:0x8100')) acts.push(`set_field:${0x1000 | rng.pick(VLANS)}->vlan_vid`);
  return acts.join(',');
}

// (7) The action set across three tables: written, overwritten, cleared,
// executed in the spec's order (§5.10) when the pipeline ends.
function actionSet(rng: Rng): FlowSet {
  const defs: GroupDef[] = [
    { id: 1, type: 'all', buckets: [{ actions: 'output:2' }, { actions: 'set_field:10.9.9.9->ip_dst,output:3' }], context: 'udp' },
    { id: 2, type: 'indirect', buckets: [{ actions: 'output:1' }], context: 'udp' },
  ];
  const flows: string[] = [];
  for (const t of [0, 1, 2]) {
    priorities(rng, 7).forEach((p) => {
      const ins: string[] = [];
      if (rng.chance(0.3)) ins.push(`${setFields(rng, 'udp', 1)[0]}${rng.chance(0.3) ? `,${out(rng)}` : ''}`);
      if (t > 0 && rng.chance(0.3)) ins.push('clear_actions');
      // A flow that ends the pipeline writes an output or a group, so that
      // every seed's set forwards something (a set that only drops would
      // compare nothing).
      const goes = t < 2 && rng.chance(0.7);
      if (rng.chance(0.8) || !goes) {
        const w = writeList(rng);
        ins.push(`write_actions(${goes || /output:|group:/.test(w) ? w : `${w},${out(rng)}`})`);
      }
      if (goes) ins.push(`goto_table:${rng.int(t + 1, 2)}`);
      flows.push(`table=${t},priority=${p},${randomMatch(rng, 'udp', 2)},actions=${ins.join(',') || 'drop'}`);
    });
    flows.push(`table=${t},priority=0,actions=${t === 0 ? 'goto_table:1' : rng.pick(['drop', 'write_actions(output:3)', 'clear_actions'])}`);
  }
  return { name: 'write_actions and clear_actions: the action set', flows, groups: defs, packet: (r) => packetOf(r, ['udp']) };
}

// (8) TTL decrements down to zero: invalid-TTL packet-ins, in apply lists,
// in the action set and after an earlier output.
function ttl(rng: Rng): FlowSet {
  const flows = priorities(rng, 14).map((p) => {
    const proto = rng.pick(['ip', 'udp', 'tcp', 'udp6', 'tcp6']);
    const ins = rng.pick([
      () => `dec_ttl,${out(rng)}`,
      () => `dec_ttl,dec_ttl,${out(rng)}`,
      () => `${out(rng)},dec_ttl,${out(rng)}`,
      () => `write_actions(dec_ttl,${out(rng)})`,
      () => `dec_ttl,controller`,
    ])();
    return `table=0,priority=${p},${randomMatch(rng, proto, 2)},actions=${ins}`;
  });
  flows.push('table=0,priority=0,actions=drop');
  return {
    name: 'dec_ttl to zero: packet_in invalid_ttl',
    flows,
    groups: [],
    packet: (r) => {
      const spec = randomSpec(r, ['udp', 'tcp', 'udp6', 'tcp6']);
      spec.ttl = r.pick([0, 1, 1, 2, 2, 3, 64]);
      return { inPort: r.pick(IN_PORTS), frame: buildFrame(r, spec), spec };
    },
  };
}

// Random parts may be empty ('' matches): no empty fields in the text.
const tidy = (make: (rng: Rng) => FlowSet) => (rng: Rng): FlowSet => {
  const s = make(rng);
  return { ...s, flows: s.flows.map((f) => f.replace(/,{2,}/g, ',').replace(/,$/, '')) };
};

export const FLOW_SET_MAKERS: readonly ((rng: Rng) => FlowSet)[] = [l2l3, metadataPipeline, setField, vlan, mpls, groups, actionSet, ttl].map(tidy);

// The ovs-ofctl add-groups line of 'g'.
export function ovsGroupLine(g: GroupDef): string {
  const buckets = g.buckets.map((b) => `bucket=${b.watchPort !== undefined ? `watch_port:${b.watchPort},` : ''}actions=${b.actions}`);
  return `group_id=${g.id},type=${g.type},${buckets.join(',')}`;
}
