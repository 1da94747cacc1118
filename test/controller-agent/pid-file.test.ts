// The pid file: exclusive, refuses a live holder, replaces a stale one,
// released only by its owner.
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { acquirePidFile, PidFileBusyError, processIsAlive, releasePidFile } from '../../controller-agent/src/pid-file';
import { spawnTracked } from '../support/processes';
import { makeTempDir, removeTempDir } from '../support/tmp-dir';

// The pid of a process that has exited.
async function deadPid(): Promise<number> {
  const p = spawnTracked(process.execPath, ['-e', '0']);
  await p.exited;
  return p.pid;
}

describe('pid file', () => {
  let dir: string | undefined;
  let path: string;
  beforeEach(() => {
    dir = makeTempDir();
    path = join(dir, 'mswitch.pid');
  });
  afterEach(() => removeTempDir(dir));

  it('is created with our pid and removed on release', () => {
    acquirePidFile(path);
    expect(readFileSync(path, 'utf8')).to.equal(`${process.pid}\n`);
    expect(releasePidFile(path)).to.equal(true);
    expect(existsSync(path)).to.equal(false);
  });

  it('is refused while a live process holds it, naming that pid', () => {
    const holder = process.ppid;
    expect(processIsAlive(holder)).to.equal(true);
    writeFileSync(path, `${holder}\n`);
    expect(() => acquirePidFile(path)).to.throw(PidFileBusyError, new RegExp(`pid ${holder}`));
    expect(readFileSync(path, 'utf8')).to.equal(`${holder}\n`);
  });

  it('is taken over from a dead process', async () => {
    const pid = await deadPid();
    expect(processIsAlive(pid)).to.equal(false);
    writeFileSync(path, `${pid}\n`);
    acquirePidFile(path);
    expect(readFileSync(path, 'utf8')).to.equal(`${process.pid}\n`);
  });

  it('is taken over when it holds garbage', () => {
    writeFileSync(path, 'not a pid\n');
    acquirePidFile(path);
    expect(readFileSync(path, 'utf8')).to.equal(`${process.pid}\n`);
  });

  it('is not removed by a process that does not own it', () => {
    writeFileSync(path, `${process.ppid}\n`);
    expect(releasePidFile(path)).to.equal(false);
    expect(existsSync(path)).to.equal(true);
  });
});
