// OpenFlow 1.3's group and meter configuration: OFPT_GROUP_MOD with its
// buckets (OpenFlow 1.3.5 section 7.3.4.2) and OFPT_METER_MOD with its
// bands (section 7.3.4.4).  The bucket and band codecs are shared with the
// OFPMP_GROUP_DESC and OFPMP_METER_CONFIG replies.
//
// Thread-safety: pure functions.

import { decodeActions13, encodeActions13 } from './actions13';
import { GROUP_MOD_COMMANDS, GROUP_TYPES, METER_MOD_COMMANDS, OFPMBT_DROP, OFPMBT_DSCP_REMARK, OFPMBT_EXPERIMENTER } from './constants';
import { OpenFlowError } from './errors';
import type { Body, Bucket, MessageOf, MeterBand } from './model';
import { Reader, Writer } from './wire';

const BUCKET_HEADER_LEN = 16;

/** The buckets filling the rest of 'r' (struct ofp_bucket, 7.3.4.2). */
export function decodeBuckets(r: Reader): Bucket[] {
  const out: Bucket[] = [];
  while (r.remaining > 0) {
    const len = r.u16('bucket len');
    if (len < BUCKET_HEADER_LEN || len % 8 !== 0 || len - 2 > r.remaining) {
      throw new OpenFlowError('OFPGMFC_BAD_BUCKET', `bucket length ${len} (${r.remaining + 2} bytes left)`);
    }
    const weight = r.u16();
    const watchPort = r.u32();
    const watchGroup = r.u32();
    r.pad(4);
    out.push({ weight, watchPort, watchGroup, actions: decodeActions13(r, len - BUCKET_HEADER_LEN) });
  }
  return out;
}

export function encodeBuckets(w: Writer, buckets: readonly Bucket[]): void {
  for (const b of buckets) {
    const start = w.length;
    w.u16(0).u16(b.weight).u32(b.watchPort).u32(b.watchGroup).zeros(4);
    encodeActions13(w, b.actions);
    w.patch16(start, w.length - start);
  }
}

export function decodeGroupType(n: number): (typeof GROUP_TYPES)[number] {
  const t = GROUP_TYPES[n];
  if (t === undefined) throw new OpenFlowError('OFPGMFC_BAD_TYPE', `group type ${n}`);
  return t;
}

export function decodeGroupMod(r: Reader): Body<'OFPT_GROUP_MOD'> {
  const cmd = r.u16('command');
  const type = r.u8('type');
  r.pad(1);
  const groupId = r.u32('group_id');
  const command = GROUP_MOD_COMMANDS[cmd];
  if (command === undefined) throw new OpenFlowError('OFPGMFC_BAD_COMMAND', `group mod command ${cmd}`);
  return { type: 'OFPT_GROUP_MOD', command, groupType: decodeGroupType(type), groupId, buckets: decodeBuckets(r) };
}

export function encodeGroupMod(w: Writer, m: MessageOf<'OFPT_GROUP_MOD'>): void {
  w.u16(GROUP_MOD_COMMANDS.indexOf(m.command)).u8(GROUP_TYPES.indexOf(m.groupType)).zeros(1).u32(m.groupId);
  encodeBuckets(w, m.buckets);
}

/** The meter bands filling the rest of 'r' (struct ofp_meter_band_*, 7.3.4.4). */
export function decodeBands(r: Reader): MeterBand[] {
  const out: MeterBand[] = [];
  while (r.remaining > 0) {
    const type = r.u16('band type');
    const len = r.u16('band len');
    if (len < 16 || len % 8 !== 0 || len - 4 > r.remaining) throw new OpenFlowError('OFPMMFC_BAD_BAND', `meter band length ${len}`);
    const b = r.sub(len - 4, 'meter band');
    const rate = b.u32();
    const burstSize = b.u32();
    if (type === OFPMBT_DROP && len === 16) {
      b.pad(4);
      out.push({ type: 'OFPMBT_DROP', rate, burstSize });
    } else if (type === OFPMBT_DSCP_REMARK && len === 16) {
      const precLevel = b.u8();
      b.pad(3);
      out.push({ type: 'OFPMBT_DSCP_REMARK', rate, burstSize, precLevel });
    } else if (type === OFPMBT_EXPERIMENTER) {
      out.push({ type: 'OFPMBT_EXPERIMENTER', rate, burstSize, experimenter: b.u32(), data: b.rest() });
    } else {
      throw new OpenFlowError('OFPMMFC_BAD_BAND', `meter band type ${type} length ${len}`);
    }
  }
  return out;
}

export function encodeBands(w: Writer, bands: readonly MeterBand[]): void {
  for (const b of bands) {
    const start = w.length;
    const type = b.type === 'OFPMBT_DROP' ? OFPMBT_DROP : b.type === 'OFPMBT_DSCP_REMARK' ? OFPMBT_DSCP_REMARK : OFPMBT_EXPERIMENTER;
    w.u16(type).u16(0).u32(b.rate).u32(b.burstSize);
    if (b.type === 'OFPMBT_DROP') w.zeros(4);
    else if (b.type === 'OFPMBT_DSCP_REMARK') w.u8(b.precLevel).zeros(3);
    else w.u32(b.experimenter).bytes(b.data).pad8(start);
    w.patch16(start + 2, w.length - start);
  }
}

export function decodeMeterMod(r: Reader): Body<'OFPT_METER_MOD'> {
  const cmd = r.u16('command');
  const flags = r.u16('flags');
  const meterId = r.u32('meter_id');
  const command = METER_MOD_COMMANDS[cmd];
  if (command === undefined) throw new OpenFlowError('OFPMMFC_BAD_COMMAND', `meter mod command ${cmd}`);
  // 7.3.4.4: flags are OFPMF_KBPS 1, PKTPS 2, BURST 4, STATS 8.
  if (flags & ~0xf) throw new OpenFlowError('OFPMMFC_BAD_FLAGS', `meter flags 0x${flags.toString(16)}`);
  return { type: 'OFPT_METER_MOD', command, flags, meterId, bands: decodeBands(r) };
}

export function encodeMeterMod(w: Writer, m: MessageOf<'OFPT_METER_MOD'>): void {
  w.u16(METER_MOD_COMMANDS.indexOf(m.command)).u16(m.flags).u32(m.meterId);
  encodeBands(w, m.bands);
}
