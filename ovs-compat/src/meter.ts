// OpenFlow 1.3 meters (section 5.7) in ovs-ofctl's syntax (`add-meter`,
// `dump-meters`), in the `openflow` logic's native meter lines
// (control-text.md, "Groups and meters"), and the model in between.
//
// What?  parseMeter() reads `meter=1,kbps,burst,stats,band=type=drop,
// rate=1000,burst_size=100`; formatMeter() prints a meter as ovs-ofctl
// dump-meters does (OVS's ofputil_format_meter_config(): `meter=1 kbps
// burst stats bands=` then one `type=drop rate=1000 burst_size=100` line
// per band, burst_size only with the burst flag, prec_level only for
// dscp_remark); meterModLine() writes `meter_add` / `meter_mod`;
// parseMeterDumpLine() reads `meter_dump` lines.
//
// Design.  As ovs-ofctl, the flags come before `band=`, and every `type=`
// after it starts a new band.  Special meters (slowpath, controller) are
// Open vSwitch's and refused.  Pure functions; callable from any context.

import { FlowSyntaxError } from './errors';

/** OFPM_MAX (OpenFlow 1.3 section 7.3.4.4). */
export const OFPM_MAX = 0xffff0000;

export const METER_FLAGS = ['kbps', 'pktps', 'burst', 'stats'] as const;
export type MeterFlag = (typeof METER_FLAGS)[number];

export interface MeterBand {
  type: 'drop' | 'dscp_remark';
  /** kbps or packets per second, as the meter's flags say. */
  rate: number;
  burstSize: number;
  /** dscp_remark: how much the drop precedence rises. */
  precLevel: number;
}

export interface Meter {
  meterId: number;
  /** In ovs-ofctl's print order. */
  flags: MeterFlag[];
  bands: MeterBand[];
}

function uint(text: string | undefined, max: number, what: string, token: string): number {
  if (text === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(text) || Number(text) > max) throw new FlowSyntaxError(`${token}: invalid ${what}`, token);
  return Number(text);
}

function parseMeterId(text: string | undefined, token: string): number {
  const id = uint(text, OFPM_MAX, 'meter id (1..4294901760)', token);
  if (id === 0) throw new FlowSyntaxError(`${token}: invalid meter id (1..4294901760)`, token);
  return id;
}

/** Parses an ovs-ofctl meter (add-meter, mod-meter). */
export function parseMeter(text: string): Meter {
  const at = text.indexOf('band');
  if (at < 0) throw new FlowSyntaxError('must specify bands', text);
  const head = text.slice(0, at);
  const bandText = text.slice(at).replace(/^bands?=/, '');
  let meterId: number | undefined;
  const flags = new Set<MeterFlag>();
  for (const token of head.split(/[\s,]+/).filter((t) => t !== '')) {
    const [k, v] = token.split('=');
    if ((METER_FLAGS as readonly string[]).includes(k) && v === undefined) flags.add(k as MeterFlag);
    else if (k === 'meter') meterId = parseMeterId(v, token);
    else throw new FlowSyntaxError(`unknown keyword ${k}`, token);
  }
  if (meterId === undefined) throw new FlowSyntaxError("must specify 'meter'", text);
  if (!flags.has('kbps') && !flags.has('pktps')) throw new FlowSyntaxError("meter must specify either 'kbps' or 'pktps'", text);
  const bands: MeterBand[] = [];
  for (const token of bandText.split(/[\s,]+/).filter((t) => t !== '')) {
    const eq = token.indexOf('=');
    const k = eq < 0 ? token : token.slice(0, eq);
    const v = eq < 0 ? undefined : token.slice(eq + 1);
    if (v === undefined || v === '') throw new FlowSyntaxError(`field ${k} missing value`, token);
    if (k === 'type') {
      if (v !== 'drop' && v !== 'dscp_remark') throw new FlowSyntaxError(`field type unknown value ${v}`, token);
      bands.push({ type: v, rate: 0, burstSize: 0, precLevel: 0 });
      continue;
    }
    const band = bands[bands.length - 1];
    if (band === undefined) throw new FlowSyntaxError("band must start with the 'type' keyword", token);
    if (k === 'rate') band.rate = uint(v, 0xffffffff, 'rate', token);
    else if (k === 'burst_size') band.burstSize = uint(v, 0xffffffff, 'burst_size', token);
    else if (k === 'prec_level') band.precLevel = uint(v, 0xff, 'prec_level', token);
    else throw new FlowSyntaxError(`unknown keyword ${k}`, token);
  }
  if (bands.length === 0) throw new FlowSyntaxError('must specify bands', text);
  return { meterId, flags: METER_FLAGS.filter((f) => flags.has(f)), bands };
}

/** A `del-meters` / `dump-meters` argument: `meter=M`, `meter=all` or nothing. */
export function parseMeterFilter(text: string | undefined): number | 'all' {
  const t = (text ?? '').trim();
  if (t === '') return 'all';
  const m = /^meter=(.*)$/.exec(t);
  if (!m) throw new FlowSyntaxError(`${t}: expected meter=M`, t);
  return m[1] === 'all' ? 'all' : parseMeterId(m[1], t);
}

/** The meter as ovs-ofctl dump-meters prints it: a head line, then a line per band. */
export function formatMeter(m: Meter): string[] {
  const head = `meter=${m.meterId} ${m.flags.map((f) => `${f} `).join('')}bands=`;
  return [head, ...m.bands.map((b) => {
    let s = `type=${b.type} rate=${b.rate}`;
    if (m.flags.includes('burst')) s += ` burst_size=${b.burstSize}`;
    if (b.type === 'dscp_remark') s += ` prec_level=${b.precLevel}`;
    return s;
  })];
}

/** The meter in add-meter syntax (`meter=1,kbps,band=type=drop,rate=1000`), which parseMeter() reads back. */
export function formatMeterSpec(m: Meter): string {
  const bands = m.bands.map((b) => {
    let s = `type=${b.type},rate=${b.rate}`;
    if (m.flags.includes('burst')) s += `,burst_size=${b.burstSize}`;
    if (b.type === 'dscp_remark') s += `,prec_level=${b.precLevel}`;
    return s;
  });
  return `meter=${m.meterId},${m.flags.map((f) => `${f},`).join('')}band=${bands.join(',')}`;
}

/** The native `meter_add` / `meter_mod` line of 'm'. */
export function meterModLine(command: 'meter_add' | 'meter_mod', m: Meter): string {
  const parts: string[] = [command, `meter_id=${m.meterId}`, ...m.flags];
  for (const b of m.bands) {
    let s = `band=type=${b.type},rate=${b.rate}`;
    if (m.flags.includes('burst') && b.burstSize !== 0) s += `,burst_size=${b.burstSize}`;
    if (b.type === 'dscp_remark') s += `,prec_level=${b.precLevel}`;
    parts.push(s);
  }
  return parts.join(' ');
}

export function meterDelLine(id: number | 'all'): string {
  return `meter_del meter_id=${id}`;
}

/** One `meter_dump` line of the native logic (as meter_add reads it). */
export function parseMeterDumpLine(line: string): Meter {
  const tokens = line.trim().split(/\s+/);
  const id = /^meter_id=(\d+)$/.exec(tokens[0] ?? '')?.[1];
  if (id === undefined) throw new FlowSyntaxError(`native meter_dump line: no meter_id: ${line}`, line);
  const flags = new Set<MeterFlag>();
  const bands: MeterBand[] = [];
  for (const t of tokens.slice(1)) {
    if ((METER_FLAGS as readonly string[]).includes(t)) {
      flags.add(t as MeterFlag);
      continue;
    }
    if (!t.startsWith('band=')) throw new FlowSyntaxError(`native meter_dump line: unexpected ${t}: ${line}`, line);
    const kv = new Map(t.slice('band='.length).split(',').map((p) => {
      const eq = p.indexOf('=');
      return [p.slice(0, eq), p.slice(eq + 1)] as const;
    }));
    const type = kv.get('type');
    if (type !== 'drop' && type !== 'dscp_remark') throw new FlowSyntaxError(`native meter_dump line: band type ${type}: ${line}`, line);
    bands.push({ type, rate: Number(kv.get('rate') ?? 0), burstSize: Number(kv.get('burst_size') ?? 0), precLevel: Number(kv.get('prec_level') ?? 0) });
  }
  return { meterId: Number(id), flags: METER_FLAGS.filter((f) => flags.has(f)), bands };
}

/** One line of the native `meter_stats` reply. */
export interface MeterStats {
  meterId: number;
  durationNs: bigint;
  packets: bigint;
  bytes: bigint;
  bands: { packets: bigint; bytes: bigint }[];
}

export function parseMeterStatsLine(line: string): MeterStats {
  const m = /^meter_id=(\d+) duration_ns=(\d+) n_packets=(\d+) n_bytes=(\d+)((?: band=\d+:\d+)*)$/.exec(line.trim());
  if (!m) throw new FlowSyntaxError(`native meter_stats line not understood: ${line}`, line);
  const bands = [...m[5].matchAll(/band=(\d+):(\d+)/g)].map((b) => ({ packets: BigInt(b[1]), bytes: BigInt(b[2]) }));
  return { meterId: Number(m[1]), durationNs: BigInt(m[2]), packets: BigInt(m[3]), bytes: BigInt(m[4]), bands };
}
