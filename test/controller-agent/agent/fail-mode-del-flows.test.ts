// The standalone fallback flow survives the deletes a user may run while
// no controller is connected (agent/fail-mode.ts): the real daemon in
// standalone mode with a controller target nobody answers, a real
// `ovs-ofctl -O OpenFlow13 del-flows br0` over the management socket and
// a REST DELETE of every flow; after each, frames between two memif
// clients of ours still flow, and dump-flows shows the fallback again.
import { expect } from 'chai';
import { execFile } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { ApiClient } from '../../../controller-agent/src/cli/client';
import { MemifClient } from '../../../controller-agent/src/datapath';
import type { NativeMemifClient } from '../../../controller-agent/src/datapath';
import { BROADCAST, drain, frame, mac, receive, sendAll } from '../../datapath/switch-rig';
import { startDaemon } from '../../support/daemon-process';
import type { DaemonProcess } from '../../support/daemon-process';
import { killTracked } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { waitFor } from '../../support/wait';
import { freePort, installed } from './peers';

const FALLBACK = /cookie=0x4d53575354414e44, .*priority=65535 actions=NORMAL/;

describe('agent e2e: standalone fallback flow put back after del-flows', function () {
  this.timeout(60_000);
  let rundir: string;
  let d: DaemonProcess | undefined;
  let api: ApiClient;
  let c1: NativeMemifClient | undefined;
  let c2: NativeMemifClient | undefined;

  // Asynchronous, so the daemon's clients in this process are not held.
  const ofctl = (...args: string[]): Promise<string> => new Promise((resolve, reject) => {
    execFile('ovs-ofctl', ['--timeout=10', '-O', 'OpenFlow13', ...args], { env: { ...process.env, OVS_RUNDIR: rundir }, encoding: 'utf8' },
      (err, stdout, stderr) => (err ? reject(new Error(`ovs-ofctl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
  const dumpLines = async (): Promise<string[]> => (await ofctl('dump-flows', 'br0')).split('\n').filter((l) => l.startsWith(' '));
  const events = (name: string): number => d!.logs().filter((l) => l.event === name).length;

  before(async function () {
    if (!installed('ovs-ofctl')) this.skip();
    rundir = makeTempRunDir();
    // Nothing listens there: the bridge has a controller configured and never connected.
    const port = await freePort();
    const config = join(rundir, 'mswitch.json');
    writeFileSync(config, JSON.stringify({
      switches: [{ name: 'br0', logic: 'openflow', memif: { interfaces: [{ id: 0 }, { id: 1 }] }, controllers: [`tcp:127.0.0.1:${port}`], failMode: 'standalone', failWindowMs: 300 }],
    }));
    d = await startDaemon({ rundir, args: ['--config', config] });
    api = new ApiClient(join(rundir, 'mswitch.sock'));
    c1 = new MemifClient({ socket: d.socket(), id: 0 });
    c2 = new MemifClient({ socket: d.socket(), id: 1 });
    await waitFor(() => c1!.connected() && c2!.connected(), { what: 'memif clients connected' });
    await waitFor(() => events('fail-standalone') > 0, { what: 'the standalone fallback', timeoutMs: 10_000 });
  });
  after(async () => {
    c1?.close();
    c2?.close();
    if (d) await killTracked(d.proc, 'SIGTERM');
    removeTempDir(rundir);
  });

  // A broadcast from client 1 reaches client 2 (NORMAL floods it) and a reply to the learned MAC comes back.
  function expectForwarding(seq: number): void {
    drain(c1!, 50);
    drain(c2!, 50);
    const a = frame(BROADCAST, mac(1), 100, seq);
    sendAll(c1!, [a]);
    expect(receive(c2!, 1, 3000).map((f) => f.equals(a))).to.deep.equal([true]);
    const b = frame(mac(1), mac(2), 100, seq + 1);
    sendAll(c2!, [b]);
    expect(receive(c1!, 1, 3000).map((f) => f.equals(b))).to.deep.equal([true]);
  }

  it('forwards as a learning switch and shows the fallback flow in dump-flows', async () => {
    expect((await dumpLines()).filter((l) => FALLBACK.test(l))).to.have.length(1);
    expectForwarding(1);
  });

  it('a plain ovs-ofctl del-flows over the management socket: the fallback is put back and frames still flow', async () => {
    await ofctl('add-flow', 'br0', 'priority=10,in_port=1,actions=drop');
    const restored = events('fail-standalone-restored');
    await ofctl('del-flows', 'br0');
    await waitFor(() => events('fail-standalone-restored') > restored, { what: 'the restored log event' });
    // The user's flow is gone (the delete did its job), the fallback is back alone.
    const lines = await dumpLines();
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(FALLBACK);
    expectForwarding(10);
  });

  it('a REST DELETE of every flow: the same', async () => {
    const restored = events('fail-standalone-restored');
    await api.call('DELETE', '/switches/br0/flows');
    await waitFor(() => events('fail-standalone-restored') > restored, { what: 'the restored log event' });
    expect((await dumpLines()).filter((l) => FALLBACK.test(l))).to.have.length(1);
    expectForwarding(20);
  });

  it('a strict delete of other flows leaves the fallback alone (nothing to restore)', async () => {
    await ofctl('add-flow', 'br0', 'priority=5,dl_type=0x88b5,actions=drop');
    const restored = events('fail-standalone-restored');
    await ofctl('--strict', 'del-flows', 'br0', 'priority=5,dl_type=0x88b5');
    expect((await dumpLines()).filter((l) => FALLBACK.test(l))).to.have.length(1);
    expect(events('fail-standalone-restored')).to.equal(restored);
  });
});
