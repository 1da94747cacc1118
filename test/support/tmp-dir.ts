// Temporary directories for tests, short enough for unix socket paths
// (a memif socket <dir>/br0.memif must fit in sun_path's 108 bytes).
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export function makeTempDir(prefix = 'mswitch-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

// A fresh run directory, as the daemon's MSWITCH_RUNDIR.
export const makeTempRunDir = (): string => makeTempDir('msw-run-');

export function removeTempDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
