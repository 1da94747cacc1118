// The daemon's pid file, <rundir>/mswitch.pid: one daemon per run
// directory.
//
// The file is created exclusively (O_EXCL) and holds the owner's pid and a
// newline.  When it already exists, its pid is probed with signal 0: a live
// process (even one we may not signal, EPERM) holds it and we refuse to
// start, naming that pid; a dead one (a daemon that crashed) left a stale
// file that we remove before trying once more.  Release removes the file
// only if it still names us, so a daemon that lost a race never deletes
// the winner's file.  Node has no flock(); the remaining window (two
// daemons removing the same stale file at once) needs two starts within
// microseconds on a directory a crashed daemon left behind.
import { readFileSync, unlinkSync, writeFileSync } from 'fs';

export class PidFileBusyError extends Error {
  constructor(readonly path: string, readonly pid: number) {
    super(`another mswitch daemon (pid ${pid}) is running with ${path}; stop it first or use another run directory`);
    this.name = 'PidFileBusyError';
  }
}

const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

// The pid written in 'path', or undefined when absent or unreadable.
export function readPidFile(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
}

// Takes 'path' for this process, or throws PidFileBusyError.
export function acquirePidFile(path: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return;
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw new Error(`cannot create pid file ${path}: ${(e as Error).message}`);
    }
    const holder = readPidFile(path);
    if (holder !== undefined && holder !== process.pid && processIsAlive(holder)) {
      throw new PidFileBusyError(path, holder);
    }
    try {
      unlinkSync(path);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw new Error(`cannot remove stale pid file ${path}: ${(e as Error).message}`);
    }
  }
  throw new Error(`cannot create pid file ${path}: another process keeps creating it`);
}

// Removes 'path' if it still names this process; true when removed.
export function releasePidFile(path: string): boolean {
  if (readPidFile(path) !== process.pid) return false;
  try {
    unlinkSync(path);
    return true;
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return false;
    throw new Error(`cannot remove pid file ${path}: ${(e as Error).message}`);
  }
}
