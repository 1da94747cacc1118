// Random flows against real ovs-ofctl: a seeded generator writes flows from
// the field table's value formats (addresses with prefixes and arbitrary
// masks, integers with masks, every shorthand, flags, timeouts, cookies and
// a mix of actions and instructions, some of them invalid together); each
// goes to ovs-ofctl parse-flow and to parseFlow(): both accept it and print
// the same flow mod (then it survives our own round trip), or both reject it.

import { expect } from 'chai';
import { Flow, FlowSyntaxError, formatFlow, formatFlowMod, parseFlow } from '../../ovs-compat/src';
import { ovsOfctlAvailable, ovsParseFlow } from './ovs-ofctl';

/** mulberry32: a small deterministic PRNG so a failure reproduces. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed: number) {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number) => rnd() < p;
  const hex = (bits: number) => {
    let v = 0n;
    for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(int(0x10000));
    return `0x${(v & ((1n << BigInt(bits)) - 1n)).toString(16)}`;
  };
  const mac = () => Array.from({ length: 6 }, () => int(256).toString(16).padStart(2, '0')).join(':');
  const ipv4 = () => Array.from({ length: 4 }, () => int(256)).join('.');
  const ipv6 = () => Array.from({ length: 8 }, () => (chance(0.3) ? 0 : int(0x10000)).toString(16)).join(':');
  const v4 = () => pick([ipv4(), `${ipv4()}/${int(33)}`, `${ipv4()}/${ipv4()}`]);
  const v6 = () => pick([ipv6(), `${ipv6()}/${int(129)}`]);
  const macM = () => pick([mac(), `${mac()}/${mac()}`, `${mac()}/ff:ff:ff:00:00:00`]);
  const port16 = () => pick([String(int(65536)), `${hex(16)}/${hex(16)}`]);

  const L4: Record<string, () => string[]> = {
    tcp: () => [`tp_src=${port16()}`, `tp_dst=${port16()}`, `tcp_flags=${pick(['+syn', '+syn-ack', '-rst+fin'])}`],
    udp: () => [`tp_src=${port16()}`, `udp_dst=${int(65536)}`],
    sctp: () => [`sctp_src=${int(65536)}`, `tp_dst=${port16()}`],
    icmp: () => [`icmp_type=${int(256)}`, `icmp_code=${int(256)}`],
  };
  const IP = () => [`nw_tos=${int(64) * 4}`, `nw_ecn=${int(4)}`, `nw_ttl=${int(256)}`];
  const COMMON = () => [`in_port=${1 + int(1000)}`, `metadata=${hex(64)}/${hex(64)}`, `dl_src=${macM()}`, `dl_dst=${macM()}`,
    `dl_vlan=${int(4096)}`, `dl_vlan_pcp=${int(8)}`, `metadata=${hex(64)}`];
  const BY_SHORTHAND: Record<string, () => string[]> = {
    '': () => [],
    ip: () => [...IP(), `nw_src=${v4()}`, `nw_dst=${v4()}`, `nw_proto=${pick([47, 50, 89])}`],
    tcp: () => [...IP(), `nw_src=${v4()}`, ...L4.tcp()],
    udp: () => [...IP(), `nw_dst=${v4()}`, ...L4.udp()],
    sctp: () => [...IP(), ...L4.sctp()],
    icmp: () => [...IP(), `nw_src=${v4()}`, ...L4.icmp()],
    ipv6: () => [...IP(), `ipv6_src=${v6()}`, `ipv6_dst=${v6()}`, `ipv6_label=${hex(20)}`],
    tcp6: () => [`ipv6_dst=${v6()}`, ...L4.tcp()],
    udp6: () => [`ipv6_src=${v6()}`, ...L4.udp()],
    icmp6: () => [`ipv6_src=${v6()}`, ...L4.icmp()],
    arp: () => [`arp_spa=${v4()}`, `arp_tpa=${v4()}`, `arp_sha=${macM()}`, `arp_tha=${macM()}`, `arp_op=${int(3)}`],
    rarp: () => [`arp_op=${int(5)}`],
    mpls: () => [`mpls_label=${int(1 << 20)}`, `mpls_tc=${int(8)}`, `mpls_bos=${int(2)}`],
  };
  const SET_FIELDS: Record<string, () => string[]> = {
    '': () => [`set_field:${mac()}->eth_dst`, `mod_dl_src:${mac()}`],
    ip: () => [`set_field:${ipv4()}->ip_src`, `mod_nw_dst:${ipv4()}`, `mod_nw_tos:${int(64) * 4}`, 'dec_ttl', `set_field:${int(256)}->nw_ttl`],
    tcp: () => [`mod_tp_dst:${int(65536)}`, `set_field:${int(65536)}->tcp_src`],
    udp: () => [`set_field:${int(65536)}->udp_dst`],
    ipv6: () => [`set_field:${ipv6()}->ipv6_src`],
    arp: () => [`set_field:${ipv4()}->arp_tpa`],
    mpls: () => [`set_field:${int(1 << 20)}->mpls_label`, 'dec_mpls_ttl', `set_mpls_ttl:${int(256)}`],
  };
  const BASIC_ACTIONS = () => [`output:${1 + int(100)}`, `CONTROLLER:${int(65536)}`, `group:${int(100)}`, `set_queue:${int(8)}`,
    'in_port', 'flood', 'local', 'normal', 'pop_vlan', 'push_vlan:0x8100'];

  return function randomFlow(): string {
    const shorthand = pick(Object.keys(BY_SHORTHAND));
    const parts: string[] = [];
    const table = chance(0.3) ? int(250) : 0;
    if (table) parts.push(`table=${table}`);
    if (chance(0.5)) parts.push(`priority=${int(65536)}`);
    if (chance(0.3)) parts.push(`cookie=${hex(64)}`);
    if (chance(0.3)) parts.push(`idle_timeout=${int(65536)}`);
    if (chance(0.3)) parts.push(`hard_timeout=${int(65536)}`);
    for (const f of ['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts']) if (chance(0.15)) parts.push(f);
    if (shorthand) parts.push(shorthand);
    const fields = [...COMMON(), ...BY_SHORTHAND[shorthand]()].filter(() => chance(0.3));
    // One spelling per field: the first of each key wins.
    const seen = new Set<string>();
    for (const f of fields) {
      const key = f.slice(0, f.indexOf('='));
      if (!seen.has(key)) parts.push(f);
      seen.add(key);
    }
    const base = shorthand.replace(/6$/, '');
    const setters = [...SET_FIELDS[''](), ...(base === 'ipv' ? SET_FIELDS.ipv6() : []), ...(['ip', 'tcp', 'udp', 'icmp', 'sctp'].includes(shorthand) ? SET_FIELDS.ip() : []),
      ...(SET_FIELDS[base] && base !== 'ip' && base !== '' ? SET_FIELDS[base]() : [])];
    const apply = [...BASIC_ACTIONS(), ...setters].filter(() => chance(0.15));
    const actions: string[] = [];
    if (chance(0.1)) actions.push(`meter:${1 + int(100)}`);
    actions.push(...apply);
    if (chance(0.1)) actions.push('clear_actions');
    if (chance(0.15)) actions.push(`write_actions(output:${1 + int(10)})`);
    if (chance(0.15)) actions.push(`write_metadata:${hex(64)}/${hex(64)}`);
    if (table < 250 && chance(0.2)) actions.push(`goto_table:${table + 1 + int(254 - table)}`);
    parts.push(`actions=${actions.length ? actions.join(',') : 'drop'}`);
    return parts.join(',');
  };
}

describe('ovs-compat random flows against real ovs-ofctl', function () {
  before(function () {
    if (!ovsOfctlAvailable()) this.skip();
  });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 150 flows: accepted and printed as ovs-ofctl does, or rejected by both; round trips`, () => {
      const next = generator(seed);
      let accepted = 0;
      for (let i = 0; i < 150; i++) {
        const flow = next();
        const ovs = ovsParseFlow(flow);
        let ours: Flow | undefined;
        try {
          ours = parseFlow(flow);
        } catch (e) {
          if (!(e instanceof FlowSyntaxError)) throw e;
          expect(ovs.accepted, `${flow}: we reject (${e.message}), ovs-ofctl prints ${ovs.printed}`).to.equal(false);
          continue;
        }
        expect(ovs.accepted, `${flow}: we accept, ovs-ofctl says ${ovs.error}`).to.equal(true);
        expect(formatFlowMod(ours), flow).to.equal(ovs.printed);
        const text = formatFlow(ours);
        expect(parseFlow(text), text).to.deep.equal(ours);
        accepted++;
      }
      // The generator is meant to write mostly valid flows.
      expect(accepted).to.be.greaterThan(75);
    });
  }
});
