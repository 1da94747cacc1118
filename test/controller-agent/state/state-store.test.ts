// The state store (controller-agent/src/state/state-store.ts) on real
// in-process switches: nothing is written before the daemon's start has
// succeeded, configuration changes are written at once, a burst of flow
// changes becomes one write after the debounce, flush() writes what is
// pending, a failed write is logged and leaves the old file, and a switch
// without flow restore saves no flows.
import { expect } from 'chai';
import { mkdirSync, statSync } from 'fs';
import { Writable } from 'stream';

import type { SwitchConfig } from '../../../controller-agent/src/config';
import type * as Datapath from '../../../controller-agent/src/datapath';
import type { NativeSwitch } from '../../../controller-agent/src/datapath';
import { createLogger } from '../../../controller-agent/src/log';
import { watchFlowChanges } from '../../../controller-agent/src/state/flow-state';
import { decodeState } from '../../../controller-agent/src/state/state-codec';
import type { DaemonState } from '../../../controller-agent/src/state/state-codec';
import { readStateFile, statePath } from '../../../controller-agent/src/state/state-file';
import { StateStore } from '../../../controller-agent/src/state/state-store';
import { makeTempDir, removeTempDir } from '../../support/tmp-dir';
import { sleep } from '../../support/wait';

function captureLog(): { log: ReturnType<typeof createLogger>; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l !== '') records.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ level: 'debug', destination: sink }), records };
}

const config = (name: string, flowRestore?: boolean): SwitchConfig => ({
  name, logic: 'openflow', workers: 1, batchSize: 256, mode: 'mswitch',
  memif: { socket: `/nonexistent/${name}.memif`, abstract: false, autoCreate: true, interfaces: [] }, ports: [],
  ...(flowRestore !== undefined && { flowRestore }),
});

describe('state store (when and what it writes)', () => {
  let datapath: typeof Datapath;
  let dir: string | undefined;
  const running: { config: SwitchConfig; sw: NativeSwitch }[] = [];
  before(async () => { datapath = await import('../../../controller-agent/src/datapath'); });
  beforeEach(() => { dir = makeTempDir('msw-store-'); });
  afterEach(() => {
    for (const r of running.splice(0)) r.sw.close();
    removeTempDir(dir);
  });

  function store(debounceMs = 100): { store: StateStore; records: Record<string, unknown>[] } {
    const { log, records } = captureLog();
    const s = new StateStore(dir!, log, { flowDebounceMs: debounceMs });
    s.attach({ switches: () => running });
    return { store: s, records };
  }

  function addSwitch(s: StateStore, c: SwitchConfig): NativeSwitch {
    const sw = new datapath.Switch({ name: c.name, workers: 1, logic: 'openflow' });
    watchFlowChanges(sw, () => s.flowsChanged(c.name));
    running.push({ config: c, sw });
    return sw;
  }

  const saved = (): DaemonState | undefined => {
    const p = readStateFile(dir!);
    return p === undefined ? undefined : decodeState(p, statePath(dir!));
  };
  const mtime = (): number => statSync(statePath(dir!)).mtimeMs;

  it('writes nothing before the start succeeded (the first configChanged), then configuration at once', async () => {
    const { store: s } = store(20);
    const sw = addSwitch(s, config('ssa'));
    sw.logicControl('add priority=1 apply=output:2');
    s.flush();
    await sleep(60);
    expect(saved(), 'written before the start finished').to.equal(undefined);
    s.configChanged();
    expect(saved()!.switches.map((x) => x.config.name)).to.deep.equal(['ssa']);
    expect(saved()!.switches[0].flows!.flows).to.deep.equal(['add table=0 priority=1 apply=output:2']);
  });

  it('turns a burst of flow changes into one write after the debounce, and flush() writes what is pending', async () => {
    const { store: s, records } = store(300);
    const sw = addSwitch(s, config('ssb'));
    s.configChanged();
    const writes = (): number => records.filter((r) => r.event === 'state-saved').length;
    expect(writes()).to.equal(1);
    for (let i = 0; i < 50; i++) sw.logicControl(`add priority=${i + 1} apply=output:2`);
    expect(writes(), 'written per flow mod').to.equal(1);
    await sleep(450);
    expect(writes()).to.equal(2);
    expect(saved()!.switches[0].flows!.flows).to.have.length(50);

    sw.logicControl('del table=all');
    s.flush();
    expect(writes()).to.equal(3);
    expect(saved()!.switches[0].flows!.flows).to.deep.equal([]);
    await sleep(450);
    expect(writes(), 'the flushed change written again by the timer').to.equal(3);
    // Queries never write.
    sw.logicControl('dump table=all');
    s.flush();
    expect(writes()).to.equal(3);
  });

  it('saves no flows of a switch with flowRestore false', () => {
    const { store: s } = store();
    const sw = addSwitch(s, config('ssc', false));
    sw.logicControl('add priority=1 apply=output:2');
    s.configChanged();
    expect(saved()!.switches[0].flows).to.equal(undefined);
    expect(saved()!.switches[0].config.flowRestore).to.equal(false);
  });

  it('logs a failed write and keeps the old file', () => {
    const { store: s, records } = store();
    addSwitch(s, config('ssd'));
    s.configChanged();
    const before = mtime();
    // A directory where the temporary file goes: the write fails, even as root.
    mkdirSync(`${statePath(dir!)}.tmp`);
    s.configChanged();
    expect(records.find((r) => r.event === 'state-save-failed')?.msg).to.match(/cannot save the state: cannot write state file .*EISDIR/);
    expect(mtime()).to.equal(before);
    expect(saved()!.switches.map((x) => x.config.name)).to.deep.equal(['ssd']);
  });
});
