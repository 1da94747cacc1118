// Real `ovs-ofctl ofp-print HEX` as an independent decoder of OpenFlow bytes.
import { spawnSync } from 'child_process';

let available: boolean | undefined;

export function ovsOfctlAvailable(): boolean {
  if (available === undefined) available = spawnSync('ovs-ofctl', ['--version']).status === 0;
  return available;
}

/** What ovs-ofctl prints for 'bytes'; throws when it fails or reports a decode error. */
export function ofpPrint(bytes: Buffer): string {
  const r = spawnSync('ovs-ofctl', ['ofp-print', bytes.toString('hex')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ovs-ofctl ofp-print failed (${r.status}): ${r.stderr}`);
  if (/\*\*\*|decode error|truncated/.test(r.stdout)) throw new Error(`ovs-ofctl could not decode the message:\n${r.stdout}`);
  return r.stdout;
}
