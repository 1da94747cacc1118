// OpenFlow 1.3's ofp_table_features and its properties (OpenFlow 1.3.5
// section 7.3.5.5), the body of OFPMP_TABLE_FEATURES requests and replies.
//
// What?  A table's fixed part (id, name, metadata masks, config,
// max_entries) and a list of properties, each a TLV padded to 8 bytes whose
// length excludes the padding: instruction and action ids (type and
// length, 4 bytes, 8 for an experimenter's), next-table ids (one byte
// each), OXM headers (4 bytes each), experimenter data.  Faults are
// OFPTFFC_ errors (section 7.4.4.14).
//
// Thread-safety: pure functions.

import { OFP_MAX_TABLE_NAME_LEN, TABLE_FEATURE_PROPS, TableFeaturePropType } from './constants';
import { OpenFlowError } from './errors';
import type { TableFeatureProp, TableFeatures } from './model';
import { Reader, Writer } from './wire';

const FIXED_LEN = 64;
const PROP_NAMES = new Map<number, TableFeaturePropType>(Object.entries(TABLE_FEATURE_PROPS).map(([k, v]) => [v, k as TableFeaturePropType]));

/** The ofp_table_features list filling the rest of 'r'. */
export function decodeTableFeaturesList(r: Reader): TableFeatures[] {
  const out: TableFeatures[] = [];
  while (r.remaining > 0) {
    const length = r.u16('table features length');
    if (length < FIXED_LEN || length - 2 > r.remaining) throw new OpenFlowError('OFPTFFC_BAD_LEN', `table features length ${length}`);
    const t = r.sub(length - 2, 'table features', 'OFPTFFC_BAD_LEN');
    const tableId = t.u8();
    t.pad(5);
    const name = t.str(OFP_MAX_TABLE_NAME_LEN);
    const metadataMatch = t.u64();
    const metadataWrite = t.u64();
    const config = t.u32();
    const maxEntries = t.u32();
    const properties: TableFeatureProp[] = [];
    while (t.remaining > 0) properties.push(decodeProp(t));
    out.push({ tableId, name, metadataMatch, metadataWrite, config, maxEntries, properties });
  }
  return out;
}

function decodeIds(b: Reader): { type: number; experimenter?: number }[] {
  const ids: { type: number; experimenter?: number }[] = [];
  while (b.remaining > 0) {
    const type = b.u16();
    const len = b.u16();
    if (len < 4 || len - 4 > b.remaining) throw new OpenFlowError('OFPTFFC_BAD_LEN', `id of type ${type} has length ${len}`);
    if (type === 0xffff && len >= 8) {
      ids.push({ type, experimenter: b.u32() });
      b.pad(len - 8);
    } else {
      ids.push({ type });
      b.pad(len - 4);
    }
  }
  return ids;
}

function decodeProp(t: Reader): TableFeatureProp {
  const typeNo = t.u16('property type');
  const len = t.u16('property length');
  if (len < 4) throw new OpenFlowError('OFPTFFC_BAD_LEN', `table feature property ${typeNo} length ${len}`);
  const b = t.sub(len - 4, `table feature property ${typeNo}`, 'OFPTFFC_BAD_LEN');
  t.pad(Math.min((8 - (len % 8)) % 8, t.remaining));
  const type = PROP_NAMES.get(typeNo);
  switch (type) {
    case 'OFPTFPT_INSTRUCTIONS': case 'OFPTFPT_INSTRUCTIONS_MISS':
      return { type, instructions: decodeIds(b) };
    case 'OFPTFPT_NEXT_TABLES': case 'OFPTFPT_NEXT_TABLES_MISS':
      return { type, tables: [...b.rest()] };
    case 'OFPTFPT_WRITE_ACTIONS': case 'OFPTFPT_WRITE_ACTIONS_MISS': case 'OFPTFPT_APPLY_ACTIONS': case 'OFPTFPT_APPLY_ACTIONS_MISS':
      return { type, actions: decodeIds(b) };
    case 'OFPTFPT_MATCH': case 'OFPTFPT_WILDCARDS': case 'OFPTFPT_WRITE_SETFIELD': case 'OFPTFPT_WRITE_SETFIELD_MISS':
    case 'OFPTFPT_APPLY_SETFIELD': case 'OFPTFPT_APPLY_SETFIELD_MISS': {
      if (b.remaining % 4 !== 0) throw new OpenFlowError('OFPTFFC_BAD_LEN', `${type} of ${b.remaining} bytes is not a list of OXM headers`);
      const oxmIds: number[] = [];
      while (b.remaining > 0) oxmIds.push(b.u32());
      return { type, oxmIds };
    }
    case 'OFPTFPT_EXPERIMENTER': case 'OFPTFPT_EXPERIMENTER_MISS':
      return { type, experimenter: b.u32(), expType: b.u32(), data: b.rest() };
    default:
      throw new OpenFlowError('OFPTFFC_BAD_TYPE', `unknown table feature property ${typeNo}`);
  }
}

export function encodeTableFeaturesList(w: Writer, tables: readonly TableFeatures[]): void {
  for (const t of tables) {
    const start = w.length;
    w.u16(0).u8(t.tableId).zeros(5).str(t.name, OFP_MAX_TABLE_NAME_LEN).u64(t.metadataMatch).u64(t.metadataWrite)
      .u32(t.config).u32(t.maxEntries);
    for (const p of t.properties) encodeProp(w, p);
    w.patch16(start, w.length - start);
  }
}

/** The bytes one table takes, for splitting replies. */
export function tableFeaturesLength(t: TableFeatures): number {
  const w = new Writer(256);
  encodeTableFeaturesList(w, [t]);
  return w.length;
}

function encodeProp(w: Writer, p: TableFeatureProp): void {
  const start = w.length;
  w.u16(TABLE_FEATURE_PROPS[p.type]).u16(0);
  if ('instructions' in p || 'actions' in p) {
    for (const id of 'instructions' in p ? p.instructions : p.actions) {
      if (id.experimenter !== undefined) w.u16(id.type).u16(8).u32(id.experimenter);
      else w.u16(id.type).u16(4);
    }
  } else if ('tables' in p) {
    for (const t of p.tables) w.u8(t);
  } else if ('oxmIds' in p) {
    for (const id of p.oxmIds) w.u32(id);
  } else {
    w.u32(p.experimenter).u32(p.expType).bytes(p.data);
  }
  w.patch16(start + 2, w.length - start);
  w.pad8(start);
}
