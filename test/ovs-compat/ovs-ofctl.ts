// Real ovs-ofctl as the oracle for flow syntax: `ovs-ofctl parse-flow -O
// OpenFlow13 FLOW` encodes the flow as an OpenFlow 1.3 flow mod, decodes it
// again and prints the decoded form, e.g.
//
//   usable protocols: any
//   chosen protocol: OXM-OpenFlow13
//   OFPT_FLOW_MOD (OF1.3) (xid=0x1): ADD priority=100,tcp,... actions=...
//
// so what it prints is the meaning that survives the wire.  We compare with
// the text after "(xid=0x1): ".

import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export interface OfctlVerdict {
  accepted: boolean;
  /** The decoded flow mod (`ADD ...`) when accepted. */
  printed?: string;
  /** ovs-ofctl's error line when rejected. */
  error?: string;
}

let available: boolean | undefined;

export function ovsOfctlAvailable(): boolean {
  if (available === undefined) available = spawnSync('ovs-ofctl', ['--version']).status === 0;
  return available;
}

export function ovsParseFlow(flow: string): OfctlVerdict {
  const r = spawnSync('ovs-ofctl', ['parse-flow', '-O', 'OpenFlow13', flow], { encoding: 'utf8' });
  // ovs-ofctl accepts a field whose prerequisites are missing but drops it
  // from the match, logging "normalization changed ofp_match" (OVS's
  // ofputil_normalize_match()).  The flow it would install is then not the
  // flow written; we count that as a rejection, which is what mswitch does
  // (OpenFlow 1.3 section 7.2.3.6: OFPBMC_BAD_PREREQ).
  if (r.status === 0 && r.stderr.includes('normalization changed')) {
    return { accepted: false, error: r.stderr.split('\n').filter((l) => l.includes('pre:')).join(' ') };
  }
  if (r.status !== 0) return { accepted: false, error: r.stderr.trim() };
  const line = r.stdout.split('\n').find((l) => l.startsWith('OFPT_FLOW_MOD'));
  if (!line) throw new Error(`ovs-ofctl printed no flow mod for ${flow}: ${r.stdout}`);
  return { accepted: true, printed: line.slice(line.indexOf('): ') + 3) };
}

/** `ovs-ofctl parse-flows -O OpenFlow13 FILE` on 'text': the decoded flow mods, in order. */
export function ovsParseFlows(text: string): OfctlVerdict[] {
  const dir = mkdtempSync(join(tmpdir(), 'mswitch-ovs-compat-'));
  try {
    const file = join(dir, 'flows.txt');
    writeFileSync(file, text);
    const r = spawnSync('ovs-ofctl', ['parse-flows', '-O', 'OpenFlow13', file], { encoding: 'utf8' });
    if (r.status !== 0) return [{ accepted: false, error: r.stderr.trim() }];
    return r.stdout.split('\n').filter((l) => l.startsWith('OFPT_FLOW_MOD'))
      .map((l) => ({ accepted: true, printed: l.slice(l.indexOf('): ') + 3) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
