// Field values in ovs-ofctl syntax, both ways: MAC addresses, IPv4 and IPv6
// addresses with a prefix length or a mask, integers in decimal or hex with
// an optional /mask, TCP flags.  parseValue() returns value and mask as
// bigints already ANDed (ovs-ofctl prints 00:11:22:33:44:55/ff:ff:ff:00:00:00
// as 00:11:22:00:00:00/ff:ff:ff:00:00:00); formatValue() is its inverse in
// the form ovs-ofctl prints.  Errors are thrown as FlowSyntaxError naming
// the text that is wrong.

import { fullMask, MatchField } from './match-fields';
import { FlowSyntaxError } from './errors';
import { OFPP_ALL, OFPP_CONTROLLER, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_MAX, OFPP_NORMAL } from './flow';

const TCP_FLAG_NAMES = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns'];

export function parseInteger(text: string, bits: number, what: string): bigint {
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(text)) throw new FlowSyntaxError(`${text}: bad syntax for ${what} value`, text);
  const v = BigInt(text);
  if (v > fullMask(bits)) throw new FlowSyntaxError(`${text}: value too large for ${what} (${bits} bits)`, text);
  return v;
}

export function parseMac(text: string): bigint {
  if (!/^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i.test(text)) throw new FlowSyntaxError(`${text}: invalid Ethernet address`, text);
  return text.split(':').reduce((acc, b) => (acc << 8n) | BigInt(parseInt(b, 16)), 0n);
}

export function parseIpv4(text: string): bigint {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new FlowSyntaxError(`${text}: invalid IP address`, text);
  return m.slice(1).reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

export function parseIpv6(text: string): bigint {
  const bad = () => new FlowSyntaxError(`${text}: invalid IPv6 address`, text);
  if (!/^[0-9a-f:.]+$/i.test(text)) throw bad();
  let groups: string[];
  const halves = text.split('::');
  if (halves.length > 2) throw bad();
  const tail = halves.length === 2 ? halves[1] : halves[0];
  const parts = (s: string) => (s === '' ? [] : s.split(':'));
  // An embedded IPv4 address (::ffff:1.2.3.4) counts as two groups.
  const expand = (ps: string[]) =>
    ps.flatMap((p) => {
      if (!p.includes('.')) return [p];
      const v = parseIpv4(p);
      return [(v >> 16n).toString(16), (v & 0xffffn).toString(16)];
    });
  if (halves.length === 2) {
    const head = expand(parts(halves[0]));
    const rest = expand(parts(tail));
    if (head.length + rest.length > 7) throw bad();
    groups = [...head, ...Array(8 - head.length - rest.length).fill('0'), ...rest];
  } else {
    groups = expand(parts(tail));
    if (groups.length !== 8) throw bad();
  }
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) throw bad();
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** RFC 5952 text of a 128-bit address (what inet_ntop prints, as ovs-ofctl does). */
export function formatIpv6(v: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // The longest run of two or more zero groups, the first one on a tie.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

// Both formatters run once per address of every flow mod translated:
// the value is taken to a Number once (both fit in 53 bits) and cut there.
export function formatIpv4(v: bigint): string {
  const n = Number(BigInt.asUintN(32, v));
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function formatMac(v: bigint): string {
  const n = Number(BigInt.asUintN(48, v));
  const hi = Math.floor(n / 0x1000000);
  const lo = n % 0x1000000;
  return `${HEX_BYTE[(hi >>> 16) & 255]}:${HEX_BYTE[(hi >>> 8) & 255]}:${HEX_BYTE[hi & 255]}:` +
    `${HEX_BYTE[(lo >>> 16) & 255]}:${HEX_BYTE[(lo >>> 8) & 255]}:${HEX_BYTE[lo & 255]}`;
}

/** The prefix length of 'mask' if it is a CIDR mask of 'bits' bits, else -1. */
function prefixLength(mask: bigint, bits: number): number {
  for (let n = 0; n <= bits; n++) if (mask === (fullMask(n) << BigInt(bits - n))) return n;
  return -1;
}

function parseAddress(text: string, f: MatchField): bigint {
  switch (f.format) {
    case 'mac': return parseMac(text);
    case 'ipv4': return parseIpv4(text);
    case 'ipv6': return parseIpv6(text);
    default: return parseInteger(text, f.bits, f.setFieldName);
  }
}

/** Parses 'text' ("V" or "V/M") for field 'f'; 'what' names the spelling for messages. */
export function parseValue(text: string, f: MatchField, what: string): { value: bigint; mask: bigint } {
  if (f.format === 'tcp_flags' && /^[+-]/.test(text)) return parseTcpFlags(text);
  const slash = text.indexOf('/');
  const full = fullMask(f.bits);
  if (slash < 0) return { value: parseAddress(text, f), mask: full };
  if (!f.maskable) throw new FlowSyntaxError(`${what}: field does not support masking (${text})`, text);
  const value = parseAddress(text.slice(0, slash), f);
  const m = text.slice(slash + 1);
  let mask: bigint;
  if ((f.format === 'ipv4' || f.format === 'ipv6') && /^\d+$/.test(m)) {
    const n = Number(m);
    if (n > f.bits) {
      const v = f.format === 'ipv4' ? 'IPv4' : 'IPv6';
      throw new FlowSyntaxError(`${text}: ${v} network prefix bits not between 0 and ${f.bits}, inclusive`, text);
    }
    mask = fullMask(n) << BigInt(f.bits - n);
  } else {
    mask = parseAddress(m, f);
  }
  return { value: value & mask, mask };
}

function parseTcpFlags(text: string): { value: bigint; mask: bigint } {
  let value = 0n, mask = 0n;
  for (const m of text.matchAll(/([+-])([a-z]+)/g)) {
    const i = TCP_FLAG_NAMES.indexOf(m[2]);
    if (i < 0) throw new FlowSyntaxError(`${m[2]}: unknown TCP flag`, m[2]);
    mask |= 1n << BigInt(i);
    if (m[1] === '+') value |= 1n << BigInt(i);
  }
  if (text.replace(/[+-][a-z]+/g, '') !== '') throw new FlowSyntaxError(`${text}: bad syntax for tcp_flags`, text);
  return { value, mask };
}

/** ovs-ofctl's text of 'value'/'mask' for field 'f' (mask all ones = exact). */
export function formatValue(f: MatchField, value: bigint, mask: bigint): string {
  const exact = mask === fullMask(f.bits);
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  switch (f.format) {
    case 'mac':
      return exact ? formatMac(value) : `${formatMac(value)}/${formatMac(mask)}`;
    case 'ipv4':
    case 'ipv6': {
      const fmt = f.format === 'ipv4' ? formatIpv4 : formatIpv6;
      if (exact) return fmt(value);
      const n = prefixLength(mask, f.bits);
      return n >= 0 ? `${fmt(value)}/${n}` : `${fmt(value)}/${fmt(mask)}`;
    }
    case 'tcp_flags': {
      let s = '';
      for (let i = 0; i < TCP_FLAG_NAMES.length; i++) {
        const bit = 1n << BigInt(i);
        if (mask & bit) s += `${value & bit ? '+' : '-'}${TCP_FLAG_NAMES[i]}`;
      }
      return s;
    }
    case 'decimal':
    case 'port':
      return exact ? value.toString() : `${hex(value)}/${hex(mask)}`;
    case 'hex':
      return exact ? hex(value) : `${hex(value)}/${hex(mask)}`;
  }
}

const PORT_WORDS: Record<string, number> = {
  in_port: OFPP_IN_PORT, normal: OFPP_NORMAL, flood: OFPP_FLOOD, all: OFPP_ALL,
  local: OFPP_LOCAL, controller: OFPP_CONTROLLER,
};

/** A port number or reserved-port name; 'forOutput' phrases the error as ovs-ofctl's output does. */
export function parsePort(text: string, token: string, forOutput: boolean): number {
  const word = PORT_WORDS[text.toLowerCase()];
  if (word !== undefined) return word;
  if (/^(0x[0-9a-f]+|\d+)$/i.test(text) && Number(text) < OFPP_MAX && Number(text) > 0) return Number(text);
  throw new FlowSyntaxError(forOutput ? `${text}: output to unknown port` : `${text}: port is not valid`, token);
}
