// Where things are, for tests: the repository root (found from this
// compiled file's location, whether under dist/ or not) and the launcher.
import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';

export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mswitch') return dir;
    if (dirname(dir) === dir) throw new Error(`no mswitch package.json above ${from}`);
  }
}

export const mswitchBin = (): string => join(repoRoot(), 'bin', 'mswitch');

// True once the native addon has been built (npm run build:native).
export const addonBuilt = (): boolean => existsSync(join(repoRoot(), 'build', 'Release', 'mswitch.node'));
