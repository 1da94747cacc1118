// Configuration: the built-in default, the environment, command-line
// overrides, config files, and errors that name the key at fault.
import { expect } from 'chai';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { buildConfig, DEFAULTS } from '../../controller-agent/src/config';
import type { ConfigOverrides } from '../../controller-agent/src/config';
import { ConfigError } from '../../controller-agent/src/config-check';
import { parseConfigDocument, readConfigFile } from '../../controller-agent/src/config-file';
import { makeTempDir, removeTempDir } from '../support/tmp-dir';

// Builds from a document as if read from a file, with an empty environment.
const fromDoc = (doc: unknown, overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = {}) =>
  buildConfig({ file: parseConfigDocument(doc), overrides, env });

// Asserts that 'fn' throws a ConfigError about 'key' whose message says 'detail'.
function expectConfigError(fn: () => unknown, key: string, detail: RegExp): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a ConfigError about ${key}`).to.be.instanceOf(ConfigError);
  const err = caught as ConfigError;
  expect(err.key).to.equal(key);
  expect(err.message).to.include(key);
  expect(err.message).to.match(detail);
  return err;
}

describe('config', () => {
  describe('built-in default', () => {
    it('is one switch br0 running l2-learning with a memif socket in /run/mswitch', () => {
      const cfg = buildConfig({ env: {} });
      expect(cfg.rundir).to.equal('/run/mswitch');
      expect(cfg.statedir).to.equal('/var/lib/mswitch');
      expect(cfg.switches).to.deep.equal([{
        name: 'br0',
        logic: 'l2-learning',
        logicConfig: undefined,
        workers: 1,
        batchSize: 256,
        mode: 'mswitch',
        idlePolls: undefined,
        idleSpinUs: undefined,
        memif: { socket: '/run/mswitch/br0.memif', abstract: true, autoCreate: true, secret: undefined, interfaces: [] },
        ports: [],
      }]);
      expect(DEFAULTS.bridge).to.equal('br0');
    });
  });

  describe('environment', () => {
    it('takes the run and state directories from MSWITCH_RUNDIR and MSWITCH_STATEDIR', () => {
      const cfg = buildConfig({ env: { MSWITCH_RUNDIR: '/tmp/r', MSWITCH_STATEDIR: '/tmp/s' } });
      expect(cfg.rundir).to.equal('/tmp/r');
      expect(cfg.statedir).to.equal('/tmp/s');
      expect(cfg.switches[0].memif.socket).to.equal('/tmp/r/br0.memif');
    });

    it('ignores empty variables', () => {
      const cfg = buildConfig({ env: { MSWITCH_RUNDIR: '', MSWITCH_STATEDIR: '' } });
      expect(cfg.rundir).to.equal('/run/mswitch');
      expect(cfg.statedir).to.equal('/var/lib/mswitch');
    });

    it('ranks flags over the environment over the file', () => {
      const file = { rundir: '/from/file', statedir: '/state/file' };
      expect(fromDoc(file).rundir).to.equal('/from/file');
      expect(fromDoc(file, {}, { MSWITCH_RUNDIR: '/from/env' }).rundir).to.equal('/from/env');
      expect(fromDoc(file, { rundir: '/from/flag' }, { MSWITCH_RUNDIR: '/from/env' }).rundir).to.equal('/from/flag');
      expect(fromDoc(file, {}, { MSWITCH_STATEDIR: '/state/env' }).statedir).to.equal('/state/env');
    });
  });

  describe('command-line overrides', () => {
    it('apply to every switch', () => {
      const cfg = fromDoc({ switches: [{ name: 'br0' }, { name: 'br1', workers: 2 }] },
        { workers: 4, batchSize: 64, mode: 'vale', logic: 'static' });
      for (const sw of cfg.switches) {
        expect(sw).to.include({ workers: 4, batchSize: 64, mode: 'vale', logic: 'static' });
      }
    });

    it('--memif-ports N pre-creates ids 0..N-1 after the ids the file lists', () => {
      const cfg = fromDoc({ switches: [{ name: 'br0', memif: { interfaces: [{ id: 1, name: 'vm1' }, { id: 7 }] } }] },
        { memifPorts: 3 });
      expect(cfg.switches[0].memif.interfaces.map((i) => i.id)).to.deep.equal([1, 7, 0, 2]);
      expect(cfg.switches[0].memif.interfaces[0].name).to.equal('vm1');
    });

    it('--bridge renames the single switch and its socket', () => {
      const cfg = buildConfig({ overrides: { bridge: 'edge0' }, env: { MSWITCH_RUNDIR: '/tmp/r' } });
      expect(cfg.switches.map((s) => s.name)).to.deep.equal(['edge0']);
      expect(cfg.switches[0].memif.socket).to.equal('/tmp/r/edge0.memif');
    });

    it('--bridge refuses a configuration with several switches', () => {
      expectConfigError(() => fromDoc({ switches: [{ name: 'a' }, { name: 'b' }] }, { bridge: 'c' }), '--bridge', /has 2/);
    });

    const bad: [ConfigOverrides, string, RegExp][] = [
      [{ workers: 0 }, '--workers', /1\.\.16, got 0/],
      [{ workers: 17 }, '--workers', /1\.\.16/],
      [{ batchSize: 0 }, '--batch', /1\.\.1024/],
      [{ batchSize: 4096 }, '--batch', /got 4096/],
      [{ mode: 'fast' }, '--mode', /mswitch, vale/],
      [{ logic: '' }, '--logic', /logic name/],
      [{ memifPorts: 5000 }, '--memif-ports', /0\.\.4095/],
      [{ bridge: 'this-name-is-too-long' }, '--bridge', /bridge name/],
      [{ bridge: '../etc' }, '--bridge', /bridge name/],
      [{ rundir: '' }, '--rundir', /empty/],
    ];
    for (const [o, flag, detail] of bad) {
      it(`names ${flag} when it is out of range (${JSON.stringify(o)})`, () => {
        expectConfigError(() => buildConfig({ overrides: o, env: {} }), flag, detail);
      });
    }
  });

  describe('config documents', () => {
    it('fill every unset key from the defaults', () => {
      const cfg = fromDoc({ switches: [{ name: 'br5', logic: 'static', memif: { abstract: false } }] }, {}, { MSWITCH_RUNDIR: '/r' });
      expect(cfg.switches[0]).to.include({ name: 'br5', logic: 'static', workers: 1, batchSize: 256, mode: 'mswitch' });
      expect(cfg.switches[0].memif).to.include({ socket: '/r/br5.memif', abstract: false, autoCreate: true });
    });

    it('take a relative socket path from the run directory', () => {
      const cfg = fromDoc({ rundir: '/r', switches: [{ name: 'br0', memif: { socket: 'sub/x.sock' } }] });
      expect(cfg.switches[0].memif.socket).to.equal('/r/sub/x.sock');
    });

    it('keep interfaces with their options', () => {
      const itf = { id: 3, name: 'vm3', port: 9, secret: 's3cret', worker: 1 };
      const cfg = fromDoc({ switches: [{ name: 'br0', workers: 2, memif: { interfaces: [itf] } }] });
      expect(cfg.switches[0].memif.interfaces).to.deep.equal([itf]);
    });

    const bad: [unknown, string, RegExp][] = [
      [[], '(document)', /JSON object/],
      [{ rundri: '/x' }, 'rundri', /unknown key .*rundir, statedir, switches/],
      [{ switches: {} }, 'switches', /must be an array/],
      [{ switches: [] }, 'switches', /at least one/],
      [{ switches: [{}] }, 'switches[0].name', /is required/],
      [{ switches: [{ name: 'br0', wokers: 2 }] }, 'switches[0].wokers', /unknown key/],
      [{ switches: [{ name: 'br0', workers: '4' }] }, 'switches[0].workers', /integer in 1\.\.16, got "4"/],
      [{ switches: [{ name: 'br0', workers: 1.5 }] }, 'switches[0].workers', /integer/],
      [{ switches: [{ name: 'br0', batchSize: 2048 }] }, 'switches[0].batchSize', /1\.\.1024/],
      [{ switches: [{ name: 'br0', mode: 'netmap' }] }, 'switches[0].mode', /mswitch, vale/],
      [{ switches: [{ name: 'br 0' }] }, 'switches[0].name', /bridge name/],
      [{ switches: [{ name: 'br0' }, { name: 'br0' }] }, 'switches[1].name', /duplicate switch name "br0"/],
      [{ switches: [{ name: 'a', memif: { socket: '/s' } }, { name: 'b', memif: { socket: '/s' } }] }, 'switches[1].memif.socket', /already the socket of switch "a"/],
      [{ switches: [{ name: 'br0', memif: { abstract: 'yes' } }] }, 'switches[0].memif.abstract', /true or false/],
      [{ switches: [{ name: 'br0', memif: { sockets: '/x' } }] }, 'switches[0].memif.sockets', /unknown key/],
      [{ switches: [{ name: 'br0', idleSpinUs: -1 }] }, 'switches[0].idleSpinUs', /0\.\.1000000|integer/],
      [{ switches: [{ name: 'br0', idlePolls: 0 }] }, 'switches[0].idlePolls', /1\.\.1000000|integer/],
      [{ switches: [{ name: 'br0', memif: { secret: 'x'.repeat(25) } }] }, 'switches[0].memif.secret', /1\.\.24/],
      [{ switches: [{ name: 'br0', memif: { interfaces: [{ name: 'x' }] } }] }, 'switches[0].memif.interfaces[0].id', /is required/],
      [{ switches: [{ name: 'br0', memif: { interfaces: [{ id: -1 }] } }] }, 'switches[0].memif.interfaces[0].id', /0\.\.4294967295/],
      [{ switches: [{ name: 'br0', memif: { interfaces: [{ id: 0, port: 0 }] } }] }, 'switches[0].memif.interfaces[0].port', /1\.\.4095/],
      [{ switches: [{ name: 'br0', memif: { interfaces: [{ id: 0 }, { id: 0 }] } }] }, 'switches[0].memif.interfaces[1].id', /duplicate memif id 0/],
      [{ switches: [{ name: 'br0', memif: { interfaces: [{ id: 0, port: 2 }, { id: 1, port: 2 }] } }] }, 'switches[0].memif.interfaces[1].port', /duplicate port number 2/],
      [{ switches: [{ name: 'br0', memif: { interfaces: [{ id: 0, worker: 1 }] } }] }, 'switches[0].memif.interfaces[0].worker', /has 1 worker/],
      [{ switches: [{ name: 'br0', memif: { interfaces: [{ id: 0, colour: 'red' }] } }] }, 'switches[0].memif.interfaces[0].colour', /unknown key/],
      [{ rundir: `/${'d'.repeat(120)}` }, 'switches[0].memif.socket', /longer than a unix socket path/],
    ];
    for (const [doc, key, detail] of bad) {
      it(`reject ${JSON.stringify(doc).slice(0, 90)} naming ${key}`, () => {
        expectConfigError(() => fromDoc(doc), key, detail);
      });
    }
  });

  describe('config files', () => {
    let dir: string | undefined;
    beforeEach(() => { dir = makeTempDir(); });
    afterEach(() => removeTempDir(dir));

    it('are read as JSON', () => {
      const path = join(dir as string, 'ok.json');
      writeFileSync(path, JSON.stringify({ switches: [{ name: 'br9', workers: 2 }] }));
      expect(readConfigFile(path).switches).to.deep.equal([{
        name: 'br9', logic: undefined, logicConfig: undefined, workers: 2, batchSize: undefined,
        mode: undefined, idlePolls: undefined, idleSpinUs: undefined, memif: undefined, ports: undefined,
      }]);
    });

    it('name the file and the key in errors', () => {
      const path = join(dir as string, 'bad.json');
      writeFileSync(path, JSON.stringify({ switches: [{ name: 'br0', wokers: 2 }] }));
      const err = expectConfigError(() => readConfigFile(path), 'switches[0].wokers', /unknown key/);
      expect(err.source).to.equal(path);
      expect(err.message.startsWith(`${path}: switches[0].wokers:`)).to.equal(true);
    });

    it('report invalid JSON with the file name', () => {
      const path = join(dir as string, 'broken.json');
      writeFileSync(path, '{ "switches": [ }');
      const err = expectConfigError(() => readConfigFile(path), '(file)', /not valid JSON/);
      expect(err.message).to.include(path);
    });

    it('report a missing file with its name', () => {
      const path = join(dir as string, 'missing.json');
      expectConfigError(() => readConfigFile(path), '(file)', /cannot read/);
    });
  });
});
