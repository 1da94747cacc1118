// systemd/mswitch.service as systemd reads it: `systemd-analyze verify`
// finds nothing to say (a broken copy shows the check is real), the
// hardening scores as systemd-analyze security rates it, and the unit
// hands the daemon the directories systemd creates.  No service is
// started: this is a container without a running systemd.  Pending when
// systemd-analyze is missing.
import { spawnSync } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { expect } from 'chai';

import { mswitchBin, repoRoot } from '../../support/paths';
import { makeTempDir, removeTempDir } from '../../support/tmp-dir';

const unitPath = join(repoRoot(), 'systemd', 'mswitch.service');
const INSTALLED_BIN = '/usr/local/bin/mswitch';

const analyze = (args: string[]): { status: number | null; out: string } => {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};

// The unit's [Service] settings; a key given twice keeps every value.
function serviceSettings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = s[1];
      continue;
    }
    if (section !== 'Service') continue;
    const eq = line.indexOf('=');
    const k = line.slice(0, eq);
    out.set(k, [...(out.get(k) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

describe('systemd: mswitch.service', function () {
  this.timeout(60_000);
  const text = readFileSync(unitPath, 'utf8');
  let dir: string | undefined;

  before(function () {
    if (spawnSync('sh', ['-c', 'command -v systemd-analyze']).status !== 0) this.skip();
    dir = makeTempDir('msw-unit-');
  });
  after(() => removeTempDir(dir));

  // The unit as installed, with ExecStart on this checkout's launcher
  // (verify checks that the program exists), written under 'name'.
  const installed = (name: string, edit: (t: string) => string = (t) => t): string => {
    expect(text).to.include(`ExecStart=${INSTALLED_BIN} start\n`);
    const p = join(dir!, name);
    writeFileSync(p, edit(text.replace(`ExecStart=${INSTALLED_BIN}`, `ExecStart=${mswitchBin()}`)));
    return p;
  };

  it('passes systemd-analyze verify with nothing to say', () => {
    expect(analyze(['verify', installed('mswitch.service')])).to.deep.equal({ status: 0, out: '' });
  });

  it('is reported by verify when broken (the check reads the unit)', () => {
    const unknown = analyze(['verify', installed('mswitch.service', (t) => t.replace('UMask=0022', 'UMask=0022\nCapabilityBoundSet=CAP_NET_RAW'))]);
    expect(unknown.out).to.match(/Unknown key 'CapabilityBoundSet'/);
    const missing = analyze(['verify', installed('mswitch.service', (t) => t.replace(`ExecStart=${mswitchBin()}`, 'ExecStart=/nonexistent/mswitch'))]);
    expect(missing.status).to.not.equal(0);
    expect(missing.out).to.match(/\/nonexistent\/mswitch is not executable/);
  });

  it('rates an exposure of at most 4.0 ("OK") in systemd-analyze security', () => {
    const p = installed('mswitch.service');
    const r = analyze(['security', '--offline=yes', '--no-pager', '--threshold=40', p]);
    expect(r.status, r.out).to.equal(0);
    const level = /Overall exposure level for mswitch\.service: (\d+\.\d)/.exec(r.out);
    expect(level, r.out).to.not.equal(null);
    expect(Number(level![1])).to.be.at.most(4.0);
    // The same threshold fails a unit without the hardening.
    const bare = join(dir!, 'bare.service');
    writeFileSync(bare, `[Service]\nExecStart=${mswitchBin()} start\n`);
    expect(analyze(['security', '--offline=yes', '--no-pager', '--threshold=40', bare]).status).to.not.equal(0);
  });

  it('gives the daemon the capabilities of Linux ports only, and the directories systemd creates', () => {
    const s = serviceSettings(text);
    const caps = ['CAP_BPF', 'CAP_IPC_LOCK', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_PERFMON'];
    expect(s.get('CapabilityBoundingSet')![0].split(/\s+/).sort()).to.deep.equal(caps);
    expect(s.get('AmbientCapabilities')![0].split(/\s+/).sort()).to.deep.equal(caps);
    expect(s.get('NoNewPrivileges')).to.deep.equal(['yes']);
    expect(s.get('RuntimeDirectory')).to.deep.equal(['mswitch']);
    expect(s.get('StateDirectory')).to.deep.equal(['mswitch']);
    expect(s.get('Environment')).to.include.members(['MSWITCH_RUNDIR=/run/mswitch', 'MSWITCH_STATEDIR=/var/lib/mswitch']);
    expect(s.get('ProtectSystem')).to.deep.equal(['strict']);
    // Exit 2 is a configuration error (the CLI's usage code): restarting will not fix it.
    expect(s.get('RestartPreventExitStatus')).to.deep.equal(['2']);
  });
});
