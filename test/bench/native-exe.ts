// Runs one of the native bench executables built beside the addon
// (mswitch-logic-bench, ...) and collects the figures it prints.
//
// Design: such an executable prints one JSON figure per line on stdout in
// the runner's format ({bench, case, metric, value, unit}) and progress on
// stderr; this file echoes the progress as it comes (indented, "  | "),
// records every figure in the context, and stops the child if it outlives
// the limit the caller gives.  The executable is found beside the addon,
// which is located by package ('bindings'), never by a build/Release path.
import bindings from 'bindings';
import { existsSync } from 'fs';
import { dirname, join } from 'path';

import { Child, sleep } from './harness';
import type { BenchContext, Figure } from './harness';

// The path of executable 'name' beside the addon; throws (the runner then
// reports the benchmark as not run) when either is not built.
export function nativeExe(name: string): string {
  let addon: string;
  try {
    addon = bindings({ bindings: 'mswitch', path: true } as never) as unknown as string;
  } catch (e) {
    throw new Error(`the addon is not built: ${(e as Error).message.split('\n')[0]}`);
  }
  const exe = join(dirname(addon), name);
  if (!existsSync(exe)) throw new Error(`${exe} is not built (npx node-gyp build)`);
  return exe;
}

// Runs 'exe' with 'args' for at most 'limitMs', echoing its progress, and
// returns (and records in 'ctx') the figures it printed.  Throws with the
// child's last lines if it fails: a native bench exits non-zero when one
// of its honesty checks fails, and that must not pass for a result.
export async function runNative(ctx: BenchContext, exe: string, args: string[],
                                limitMs: number): Promise<Figure[]> {
  const name = exe.slice(exe.lastIndexOf('/') + 1);
  const child = Child.spawn(name, exe, args);
  const t0 = Date.now();
  let shown = 0;
  const echo = (): void => {
    const end = child.stderr.lastIndexOf('\n') + 1;
    if (end > shown) {
      process.stdout.write(child.stderr.slice(shown, end).split('\n').filter(Boolean)
        .map((l) => `  | ${l}\n`).join(''));
      shown = end;
    }
  };
  while (!child.exit) {
    await Promise.race([child.exited, sleep(500)]);
    echo();
    if (!child.exit && Date.now() - t0 > limitMs) {
      await child.stop();
      throw new Error(`${name} still running after ${(limitMs / 1000).toFixed(0)} s`);
    }
  }
  echo();
  if (child.exit.code !== 0) throw new Error(`${name} ${child.describeExit()}:\n${child.tail()}`);
  const figures: Figure[] = [];
  for (const line of child.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const f = JSON.parse(line) as Figure;
    ctx.record(f.case, f.metric, f.value, f.unit);
    figures.push(f);
  }
  return figures;
}

// Figures looked up by case and metric (NaN when absent).
export class FigureIndex {
  private readonly byKey = new Map<string, number>();
  constructor(figs: Figure[]) {
    for (const f of figs) this.byKey.set(`${f.case}\t${f.metric}`, f.value);
  }
  get(kase: string, metric: string): number {
    return this.byKey.get(`${kase}\t${metric}`) ?? NaN;
  }
  has(kase: string, metric: string): boolean {
    return this.byKey.has(`${kase}\t${metric}`);
  }
}

export const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '-');
