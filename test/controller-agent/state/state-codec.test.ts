// The state's protobuf form (controller-agent/src/state/state-codec.ts and
// the generated code from controller-agent/proto/state.proto): a full
// state round-trips, the format version is enforced, values no
// configuration can hold are refused naming the field, and the committed
// generated code is what `npm run proto:gen` makes from the .proto today.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

import type { SwitchConfig } from '../../../controller-agent/src/config';
import { mswitch } from '../../../controller-agent/src/state/generated/state';
import { decodeState, encodeState, STATE_VERSION, StateVersionError } from '../../../controller-agent/src/state/state-codec';
import type { DaemonState } from '../../../controller-agent/src/state/state-codec';
import { StateCorruptError } from '../../../controller-agent/src/state/state-file';
import { repoRoot } from '../../support/paths';
import { makeTempDir, removeTempDir } from '../../support/tmp-dir';

const full: SwitchConfig = {
  name: 'br0',
  logic: 'openflow',
  logicConfig: 'max_flows=1000',
  workers: 2,
  batchSize: 64,
  mode: 'vale',
  idlePolls: 10,
  idleSpinUs: 0,
  memif: {
    socket: '/run/x/br0.memif',
    abstract: false,
    autoCreate: true,
    secret: 's3cret',
    interfaces: [{ id: 0, port: 1 }, { id: 9, name: 'm9', port: 7, secret: 'abc', worker: 1 }],
  },
  ports: [
    { ifname: 'br0', type: 'tap', name: 'br0', port: 8, mac: '02:00:00:00:00:01', mtu: 9000, up: false },
    { ifname: 'veth1', type: 'afpacket', port: 9, worker: 0 },
  ],
  openflow: {
    controllers: ['tcp:127.0.0.1:6653', 'unix:/run/x/c.sock'],
    listeners: ['ptcp:6654'],
    failMode: 'secure',
    protocols: [1, 4],
    datapathId: 0xfedcba9876543210n,
    inactivityProbeMs: 5000,
    failWindowMs: 15000,
    tls: { key: '/etc/m/k.pem', cert: '/etc/m/c.pem', ca: '/etc/m/ca.pem' },
  },
  flowRestore: true,
};

const plain: SwitchConfig = {
  name: 'br1', logic: 'static', workers: 1, batchSize: 256, mode: 'mswitch',
  memif: { socket: '/run/x/br1.memif', abstract: true, autoCreate: false, interfaces: [] }, ports: [], flowRestore: false,
};

const state: DaemonState = {
  savedAtMs: 1_790_000_000_123,
  switches: [
    { config: full, flows: { meters: ['meter_add meter_id=1 kbps band=type=drop,rate=1000'], groups: ['group_add group_id=1 type=all bucket=actions=output:1'], flows: ['add table=0 priority=1 apply=output:2', 'add table=1 priority=5 drop'] } },
    { config: plain },
  ],
};

// What SwitchConfig leaves unset reads back as unset (not null, not 0).
const withoutUndefined = (o: unknown): unknown => JSON.parse(JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));

describe('state codec (protobuf form of the daemon state)', () => {
  it('round-trips every field of every switch, flows included', () => {
    const back = decodeState(encodeState(state), 'f');
    expect(withoutUndefined(back)).to.deep.equal(withoutUndefined(state));
    expect(back.switches[0].config.openflow?.datapathId).to.equal(0xfedcba9876543210n);
    expect(back.switches[1].config.logicConfig).to.equal(undefined);
    expect(back.switches[1].flows).to.equal(undefined);
  });

  it('writes the current format version', () => {
    expect(mswitch.state.State.decode(encodeState(state)).version).to.equal(STATE_VERSION);
  });

  it('refuses a file from a newer mswitch with its version named, and one with no version as corrupt', () => {
    const newer = mswitch.state.State.encode({ version: STATE_VERSION + 1, switches: [] }).finish();
    expect(() => decodeState(newer, '/s/state.pb')).to.throw(StateVersionError, `state file /s/state.pb has format version ${STATE_VERSION + 1}, newer than this mswitch understands (${STATE_VERSION})`);
    const none = mswitch.state.State.encode({ switches: [] }).finish();
    expect(() => decodeState(none, 'f')).to.throw(StateCorruptError, /no format version/);
  });

  it('reads fields it does not know (added by a later version of the same format) without failing', () => {
    // Field 99, varint 1: what a newer writer's extra field looks like.
    const extra = Buffer.concat([Buffer.from(encodeState(state)), Buffer.from([0x98, 0x06, 0x01])]);
    expect(decodeState(extra, 'f').switches.map((s) => s.config.name)).to.deep.equal(['br0', 'br1']);
  });

  it('refuses values no configuration can hold, naming the field', () => {
    const bad = (patch: Partial<mswitch.state.Switch.$Properties>): Uint8Array => {
      const msg = mswitch.state.State.decode(encodeState({ savedAtMs: 1, switches: [{ config: plain }] }));
      Object.assign(msg.switches[0], patch);
      return mswitch.state.State.encode(msg).finish();
    };
    expect(() => decodeState(bad({ mode: 'fast' }), 'f')).to.throw(StateCorruptError, /switches\[0\]\.mode: unknown fabric mode "fast"/);
    expect(() => decodeState(bad({ name: 'a/b' }), 'f')).to.throw(StateCorruptError, /switches\[0\]\.name: not a bridge name/);
    expect(() => decodeState(bad({ workers: 0 }), 'f')).to.throw(StateCorruptError, /switches\[0\]\.workers: 0 is outside 1\.\.16/);
    expect(() => decodeState(bad({ ports: [{ type: 'bogus' }] }), 'f')).to.throw(StateCorruptError, /switches\[0\]\.ports\[0\]\.type: unknown port type "bogus"/);
    expect(() => decodeState(bad({ openflow: { failMode: 'maybe' } }), 'f')).to.throw(StateCorruptError, /switches\[0\]\.openflow\.failMode/);
  });

  it('refuses a payload that is not protobuf', () => {
    expect(() => decodeState(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), 'f')).to.throw(StateCorruptError, /does not decode as a State message/);
  });

  it('has generated code that matches controller-agent/proto/state.proto (npm run proto:gen)', function () {
    this.timeout(60_000);
    const root = repoRoot();
    const out = makeTempDir('msw-proto-');
    try {
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      const script = pkg.scripts['proto:gen'];
      expect(script).to.be.a('string');
      // The same command, writing into a scratch directory.
      const args = script.split(/\s+/).slice(1).map((a) => (a === 'controller-agent/src/state/generated/state.js' ? join(out, 'state.js') : a));
      execFileSync(join(root, 'node_modules', '.bin', 'pbjs'), args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      for (const f of ['state.js', 'state.d.ts']) {
        const want = readFileSync(join(out, f), 'utf8');
        const have = readFileSync(join(root, 'controller-agent', 'src', 'state', 'generated', f), 'utf8');
        expect(have === want, `controller-agent/src/state/generated/${f} is stale: run npm run proto:gen and commit it`).to.equal(true);
      }
    } finally {
      removeTempDir(out);
    }
  });
});
