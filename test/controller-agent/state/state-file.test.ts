// The state file's framing and atomic write (controller-agent/src/state/
// state-file.ts): every truncation and any damaged byte is refused as
// corrupt, a crash between any two steps of a write leaves a readable file
// (the old one or the new one), and a file kept aside is never replaced.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';

import {
  frameState, moveAside, readStateFile, STATE_HEADER_BYTES, StateCorruptError, statePath, unframeState, writeStateFile,
} from '../../../controller-agent/src/state/state-file';
import type { WriteStep } from '../../../controller-agent/src/state/state-file';
import { makeTempDir, removeTempDir } from '../../support/tmp-dir';

describe('state file (framing, atomic write)', () => {
  let dir: string | undefined;
  beforeEach(() => { dir = makeTempDir('msw-state-'); });
  afterEach(() => removeTempDir(dir));

  const payload = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff));

  it('reads back what it wrote, behind the documented header', () => {
    writeStateFile(dir!, payload);
    const bytes = readFileSync(statePath(dir!));
    expect(bytes.subarray(0, 8).toString('ascii')).to.equal('MSWSTATE');
    expect(bytes.readUInt32BE(8)).to.equal(payload.length);
    expect(bytes.length).to.equal(STATE_HEADER_BYTES + payload.length);
    expect(readStateFile(dir!)).to.deep.equal(payload);
    expect(statSync(statePath(dir!)).mode & 0o777).to.equal(0o600);
  });

  it('has no state when there is no file', () => {
    expect(readStateFile(join(dir!, 'missing'))).to.equal(undefined);
  });

  it('refuses the file cut at every length, saying it is truncated', () => {
    const whole = frameState(payload);
    for (let n = 0; n < whole.length; n++) {
      const err = (() => {
        try {
          unframeState(whole.subarray(0, n), '/x/state.pb');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, `cut at ${n}`).to.be.instanceOf(StateCorruptError);
      const msg = (err as Error).message;
      if (n < STATE_HEADER_BYTES) expect(msg).to.match(/shorter than the 16-byte header \(truncated\?\)/);
      else expect(msg).to.include(`truncated: the header gives ${payload.length} payload bytes, the file has ${n - STATE_HEADER_BYTES}`);
      expect(msg).to.include('/x/state.pb');
    }
  });

  it('refuses a change of any single payload byte (checksum), trailing bytes and a foreign file', () => {
    const whole = frameState(payload);
    for (let i = STATE_HEADER_BYTES; i < whole.length; i += 13) {
      const bad = Buffer.from(whole);
      bad[i] ^= 0x10;
      expect(() => unframeState(bad, 'f'), `byte ${i}`).to.throw(StateCorruptError, /checksum mismatch/);
    }
    expect(() => unframeState(Buffer.concat([whole, Buffer.from([0])]), 'f')).to.throw(StateCorruptError, /1 bytes after the 300-byte payload/);
    expect(() => unframeState(Buffer.from('{"switches": []}\n'.padEnd(40)), 'f')).to.throw(StateCorruptError, /not an mswitch state file/);
  });

  for (const step of ['temp-written', 'temp-synced'] as WriteStep[]) {
    it(`keeps the old file whole when a write dies after ${step}`, () => {
      const old = Buffer.from('old state');
      writeStateFile(dir!, old);
      expect(() => writeStateFile(dir!, payload, (s) => {
        if (s === step) throw new Error('crash');
      })).to.throw(/cannot write state file .*state\.pb: crash/);
      expect(readStateFile(dir!)).to.deep.equal(old);
      // The next write replaces the stray temporary file.
      writeStateFile(dir!, payload);
      expect(readStateFile(dir!)).to.deep.equal(payload);
      expect(readdirSync(dir!)).to.deep.equal(['state.pb']);
    });
  }

  it('has the new file once the rename is done, even if the directory sync never runs', () => {
    writeStateFile(dir!, Buffer.from('old state'));
    expect(() => writeStateFile(dir!, payload, (s) => {
      if (s === 'renamed') throw new Error('crash');
    })).to.throw(/crash/);
    expect(readStateFile(dir!)).to.deep.equal(payload);
  });

  it('keeps a file aside under a new name, never over an earlier one', () => {
    const when = new Date('2030-01-02T03:04:05.678Z');
    writeFileSync(statePath(dir!), 'first');
    const a = moveAside(dir!, 'corrupt', when);
    writeFileSync(statePath(dir!), 'second');
    const b = moveAside(dir!, 'corrupt', when);
    expect(a).to.equal(`${statePath(dir!)}.corrupt-2030-01-02T03-04-05-678Z`);
    expect(b).to.not.equal(a);
    expect(readFileSync(a, 'utf8')).to.equal('first');
    expect(readFileSync(b, 'utf8')).to.equal('second');
    expect(existsSync(statePath(dir!))).to.equal(false);
  });
});
