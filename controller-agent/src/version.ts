// The package's version, read from its package.json at run time (the
// compiled file lives in dist/controller-agent/src, the source one in
// controller-agent/src: walking up finds the same package.json from both).
import { readFileSync } from 'fs';
import { dirname, join } from 'path';

export const PACKAGE_NAME = 'mswitch';

export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here, or not ours: keep walking up
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package.json above ${from}`);
  }
}
