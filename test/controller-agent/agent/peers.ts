// What the agent's end-to-end tests share about their real peers
// (ovs-ofctl, osken-manager, openssl): whether one is installed, a free
// TCP port for a listener, and os-ken started on one.  A peer missing from
// the machine makes its tests pending (never passed).
import { execFileSync } from 'child_process';
import { createServer } from 'net';
import { join } from 'path';

import { repoRoot } from '../../support/paths';
import { spawnTracked } from '../../support/processes';
import type { TrackedProcess } from '../../support/processes';

export function installed(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// A port nobody listens on now (the kernel's pick for an ephemeral listener).
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The path of an os-ken app of ours, beside this file. */
export const oskenApp = (file: string): string => join(repoRoot(), 'test', 'controller-agent', 'agent', file);

/** osken-manager listening on 127.0.0.1:'port' with 'apps'; 'env' is added to the environment. */
export function startOsken(port: number, apps: string[], env: NodeJS.ProcessEnv = {}): TrackedProcess {
  return spawnTracked('osken-manager', ['--ofp-listen-host', '127.0.0.1', '--ofp-tcp-listen-port', String(port), ...apps.map(oskenApp)], {
    env: { ...process.env, PYTHONUNBUFFERED: '1', ...env },
  });
}
