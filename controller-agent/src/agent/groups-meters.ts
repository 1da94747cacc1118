// GROUP_MOD and METER_MOD into the `openflow` logic's native lines, and the
// logic's groups and meters back into GROUP_DESC / METER_CONFIG records.
//
// What?  groupModLines() / meterModLine() write what SwitchFlows.applyOne()
// sends (control-text.md, "Groups and meters"); groupDescOf() /
// meterConfigOf() are their inverses, so a controller reads back exactly
// the group or meter it installed.
//
// Design.  ovs-compat's group and meter models (group.ts, meter.ts) carry
// the native syntax; this file only maps the OpenFlow encodings onto them:
// OFPGT_* names onto `all|select|indirect|ff`, OFPP_ANY / OFPG_ANY watches
// onto "no watch", OFPMF_* flag bits onto `kbps|pktps|burst|stats`.  What
// the logic cannot do (experimenter bands, Open vSwitch's special meters)
// is refused here with the spec's error.
//
// Thread-safety: pure functions.

import {
  groupDelLine, groupModLine, meterDelLine, meterModLine, NativeTranslationError, OFPP_ANY,
} from '../../../ovs-compat/src';
import type { Bucket as CompatBucket, Group, GroupType as CompatGroupType, Meter, MeterFlag } from '../../../ovs-compat/src';
import { OFPG_ALL, OFPG_ANY, OFPG_MAX, OFPM_ALL, OFPM_MAX, OpenFlowError } from '../openflow';
import type { Bucket, GroupDesc, GroupType, MeterBand, MeterConfig, MessageOf } from '../openflow';
import { toCodecActions, toFlowActions } from './flow-mods';

const GROUP_TYPE: Readonly<Record<GroupType, CompatGroupType>> = {
  OFPGT_ALL: 'all', OFPGT_SELECT: 'select', OFPGT_INDIRECT: 'indirect', OFPGT_FF: 'ff',
};
const OF_GROUP_TYPE: Readonly<Record<CompatGroupType, GroupType>> = {
  all: 'OFPGT_ALL', select: 'OFPGT_SELECT', indirect: 'OFPGT_INDIRECT', ff: 'OFPGT_FF',
};

/** ofp_meter_flags bits (OpenFlow 1.3.5 section 7.3.4.4), in ovs-compat's flag order. */
const METER_FLAG_BITS: readonly [MeterFlag, number][] = [['kbps', 1], ['pktps', 2], ['burst', 4], ['stats', 8]];

function translate<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NativeTranslationError) {
      throw new OpenFlowError(`${e.type === 'group_mod_failed' ? 'OFPGMFC_' : 'OFPBAC_'}${e.ofCode.toUpperCase()}`, e.message);
    }
    throw e;
  }
}

function toBucket(b: Bucket): CompatBucket {
  return {
    weight: b.weight,
    ...(b.watchPort !== OFPP_ANY && { watchPort: b.watchPort }),
    ...(b.watchGroup !== OFPG_ANY && { watchGroup: b.watchGroup }),
    actions: toFlowActions(b.actions, []),
  };
}

/** The native line of a GROUP_MOD (section 7.3.4.2). */
export function groupModLine13(m: MessageOf<'OFPT_GROUP_MOD'>): string {
  if (m.command === 'OFPGC_DELETE') {
    if (m.groupId === OFPG_ALL) return groupDelLine('all');
    if (m.groupId > OFPG_MAX) throw new OpenFlowError('OFPGMFC_INVALID_GROUP', `group id 0x${m.groupId.toString(16)} is reserved`);
    return groupDelLine(m.groupId);
  }
  if (m.groupId > OFPG_MAX) throw new OpenFlowError('OFPGMFC_INVALID_GROUP', `group id 0x${m.groupId.toString(16)} is reserved`);
  const g: Group = { groupId: m.groupId, type: GROUP_TYPE[m.groupType], buckets: m.buckets.map(toBucket) };
  return translate(() => groupModLine(m.command === 'OFPGC_ADD' ? 'group_add' : 'group_mod', g));
}

export function groupDescOf(g: Group): GroupDesc {
  return {
    groupType: OF_GROUP_TYPE[g.type],
    groupId: g.groupId,
    buckets: g.buckets.map((b) => ({
      weight: b.weight,
      watchPort: b.watchPort ?? OFPP_ANY,
      watchGroup: b.watchGroup ?? OFPG_ANY,
      actions: toCodecActions(b.actions),
    })),
  };
}

function toBand(b: MeterBand): Meter['bands'][number] {
  switch (b.type) {
    case 'OFPMBT_DROP': return { type: 'drop', rate: b.rate, burstSize: b.burstSize, precLevel: 0 };
    case 'OFPMBT_DSCP_REMARK': return { type: 'dscp_remark', rate: b.rate, burstSize: b.burstSize, precLevel: b.precLevel };
    case 'OFPMBT_EXPERIMENTER': throw new OpenFlowError('OFPMMFC_BAD_BAND', `experimenter band 0x${b.experimenter.toString(16)} is not supported`);
  }
}

/** The native line of a METER_MOD (section 7.3.4.4). */
export function meterModLine13(m: MessageOf<'OFPT_METER_MOD'>): string {
  if (m.command === 'OFPMC_DELETE' && m.meterId === OFPM_ALL) return meterDelLine('all');
  // OFPM_SLOWPATH and OFPM_CONTROLLER (virtual meters) and id 0 are not meters we can hold.
  if (m.meterId === 0 || m.meterId > OFPM_MAX) throw new OpenFlowError('OFPMMFC_INVALID_METER', `meter id 0x${m.meterId.toString(16)} is not a settable meter`);
  if (m.command === 'OFPMC_DELETE') return meterDelLine(m.meterId);
  const known = METER_FLAG_BITS.reduce((a, [, bit]) => a | bit, 0);
  if ((m.flags & ~known) !== 0) throw new OpenFlowError('OFPMMFC_BAD_FLAGS', `meter flags 0x${m.flags.toString(16)}`);
  const meter: Meter = {
    meterId: m.meterId,
    flags: METER_FLAG_BITS.filter(([, bit]) => (m.flags & bit) !== 0).map(([f]) => f),
    bands: m.bands.map(toBand),
  };
  return meterModLine(m.command === 'OFPMC_ADD' ? 'meter_add' : 'meter_mod', meter);
}

export function meterConfigOf(m: Meter): MeterConfig {
  return {
    flags: METER_FLAG_BITS.filter(([f]) => m.flags.includes(f)).reduce((a, [, bit]) => a | bit, 0),
    meterId: m.meterId,
    bands: m.bands.map((b): MeterBand => (b.type === 'drop'
      ? { type: 'OFPMBT_DROP', rate: b.rate, burstSize: b.burstSize }
      : { type: 'OFPMBT_DSCP_REMARK', rate: b.rate, burstSize: b.burstSize, precLevel: b.precLevel })),
  };
}
