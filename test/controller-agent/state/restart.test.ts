// Restart of the real daemon (`mswitch start` as a process): everything
// configured through the REST API and OpenFlow survives kill -9 (switches,
// ports at their numbers, logic, fail mode, datapath id, controllers,
// flows, groups, meters), the controller is dialled again and ovs-ofctl (an
// OpenFlow client on the management socket) dumps the same tables; a
// corrupt or truncated state file is reported, kept aside byte for byte,
// and the daemon starts from its configuration; a state file from a newer
// mswitch stops the start and is left alone.  Needs the native addon and,
// for the OpenFlow dumps, ovs-ofctl (Debian's openvswitch-common).
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { readdirSync, readFileSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import type { Server, Socket } from 'net';
import { join } from 'path';

import { ApiClient } from '../../../controller-agent/src/cli/client';
import { mswitch } from '../../../controller-agent/src/state/generated/state';
import { decodeState } from '../../../controller-agent/src/state/state-codec';
import { frameState, readStateFile, statePath } from '../../../controller-agent/src/state/state-file';
import { startDaemon } from '../../support/daemon-process';
import type { DaemonProcess } from '../../support/daemon-process';
import { killAllTracked } from '../../support/processes';
import { makeTempRunDir, removeTempDir } from '../../support/tmp-dir';
import { waitFor } from '../../support/wait';

const installed = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

function ofctl(rundir: string, ...args: string[]): string {
  return execFileSync('ovs-ofctl', ['-O', 'OpenFlow13', ...args], { env: { ...process.env, OVS_RUNDIR: rundir }, encoding: 'utf8', timeout: 10000, stdio: ['ignore', 'pipe', 'pipe'] });
}

// What a controller sees of br0, less what a restart resets (durations,
// counters).
function tables(rundir: string): { flows: string[]; groups: string; meters: string } {
  const flows = ofctl(rundir, 'dump-flows', 'br0').split('\n').filter((l) => l.startsWith(' '))
    .map((l) => l.trim().replace(/duration=[^,]+, /, '').replace(/n_packets=\d+, n_bytes=\d+, /, ''));
  return { flows, groups: ofctl(rundir, 'dump-groups', 'br0'), meters: ofctl(rundir, 'dump-meters', 'br0') };
}

// A TCP listener standing in for a controller: counts connections and
// keeps the first bytes each one sent (the switch's OpenFlow HELLO).
class ControllerStandIn {
  readonly hellos: Buffer[] = [];
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  port = 0;

  async listen(): Promise<void> {
    this.server = createServer((s) => {
      this.sockets.add(s);
      s.once('data', (d: Buffer) => this.hellos.push(d));
      s.on('error', () => undefined);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }
}

describe('state: daemon restart (kill -9, corrupt and newer state files)', function () {
  this.timeout(90_000);
  let rundir: string | undefined;
  let controller: ControllerStandIn | undefined;

  beforeEach(() => { rundir = makeTempRunDir(); });
  afterEach(async () => {
    await killAllTracked();
    await controller?.close();
    controller = undefined;
    removeTempDir(rundir);
  });

  const statedir = (): string => join(rundir!, 'state');

  function configFile(extra: Record<string, unknown> = {}): string {
    const file = join(rundir!, 'mswitch.json');
    writeFileSync(file, JSON.stringify({ switches: [{ name: 'br0', logic: 'openflow', memif: { interfaces: [{ id: 0 }] }, ...extra }] }));
    return file;
  }

  async function kill9(d: DaemonProcess): Promise<void> {
    process.kill(d.proc.pid, 'SIGKILL');
    expect((await d.proc.exited).signal).to.equal('SIGKILL');
  }

  // The saved state once it satisfies 'pred' (flow changes are written
  // after the debounce).
  const savedWhen = (pred: (s: ReturnType<typeof decodeState>) => boolean, what: string): Promise<ReturnType<typeof decodeState>> =>
    waitFor(() => {
      const payload = readStateFile(statedir());
      const s = payload === undefined ? undefined : decodeState(payload, statePath(statedir()));
      return s !== undefined && pred(s) ? s : undefined;
    }, { what, timeoutMs: 10_000 });

  it('brings back switches, ports, logic, controllers and flows after kill -9, and the controller sees the same flows', async function () {
    if (!installed('ovs-ofctl')) this.skip();
    controller = new ControllerStandIn();
    await controller.listen();
    const args = ['--config', configFile({ controllers: [`tcp:127.0.0.1:${controller.port}`], failMode: 'secure', datapathId: '00000000000000ab' })];
    const d1 = await startDaemon({ rundir: rundir!, args });
    await waitFor(() => controller!.hellos.length >= 1, { what: 'the switch dialling its controller' });
    const api = new ApiClient(join(rundir!, 'mswitch.sock'));

    await api.call('POST', '/switches/br0/ports', { type: 'memif', id: 9, port: 7, name: 'm9' });
    await api.call('POST', '/switches/br0/ports', { type: 'memif', id: 4, name: 'm4', secret: 'sesame' });
    await api.call('POST', '/switches', { name: 'br1', logic: 'l2-learning', workers: 2 });
    await api.call('PUT', '/switches/br1/logic', { name: 'static' });
    await api.call('PUT', '/switches/br1/mode', { mode: 'vale' });
    await api.call('POST', '/switches/br1/ports', { type: 'memif', id: 1 });
    await api.call('POST', '/switches/br0/meters', { meter: 'meter=5,pktps,band=type=drop,rate=1000' });
    await api.call('POST', '/switches/br0/groups', { group: 'group_id=2,type=all,bucket=output:1,bucket=output:7' });
    await api.call('POST', '/switches/br0/groups', { group: 'group_id=1,type=indirect,bucket=group:2' });
    ofctl(rundir!, 'add-flow', 'br0', 'priority=100,in_port=1,actions=output:7');
    await api.call('POST', '/switches/br0/flows', {
      flows: ['table=0,priority=50,ip,nw_dst=10.1.0.0/16,actions=meter:5,goto_table:1', 'table=1,priority=7,cookie=0x99,udp,tp_dst=53,actions=group:1'],
    });
    await api.call('DELETE', '/switches/br0/ports/m4');
    const before = tables(rundir!);
    expect(before.flows).to.have.length(3);
    const portsBefore = await api.call('GET', '/switches/br0/ports');
    const switchesBefore = await api.call('GET', '/switches');
    await savedWhen((s) => s.switches[0]?.flows?.flows.length === 3, 'the flows in the state file');

    await kill9(d1);
    const d2 = await startDaemon({ rundir: rundir!, args });
    expect(d2.logs().find((l) => l.event === 'state-loaded')?.switches).to.deep.equal(['br0', 'br1']);
    expect(d2.logs().find((l) => l.event === 'flows-restored')).to.include({ switch: 'br0', applied: 6, refused: 0 });
    // Restored before the controllers were dialled.
    const order = d2.logs().map((l) => l.event);
    expect(order.indexOf('flows-restored')).to.be.lessThan(order.indexOf('openflow-started'));

    await waitFor(() => controller!.hellos.length >= 2, { what: 'the restarted switch dialling its controller again' });
    expect(controller.hellos[1][1], 'an OpenFlow HELLO').to.equal(0);
    expect(tables(rundir!)).to.deep.equal(before);
    expect(ofctl(rundir!, 'show', 'br0')).to.match(/dpid:00000000000000ab/);
    const api2 = new ApiClient(join(rundir!, 'mswitch.sock'));
    const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v) => (k === 'stats' || k === 'drops' ? undefined : v)));
    expect(strip(await api2.call('GET', '/switches/br0/ports'))).to.deep.equal(strip(portsBefore));
    expect(await api2.call('GET', '/switches')).to.deep.equal(switchesBefore);
    expect(await api2.call('GET', '/switches/br1')).to.include({ logic: 'static', mode: 'vale', workers: 2 });
  });

  it('keeps a truncated state file aside, says so, and starts from the configuration', async () => {
    const args = ['--config', configFile()];
    const d1 = await startDaemon({ rundir: rundir!, args });
    const api = new ApiClient(join(rundir!, 'mswitch.sock'));
    await api.call('POST', '/switches', { name: 'br9' });
    await savedWhen((s) => s.switches.length === 2, 'br9 in the state file');
    await kill9(d1);

    const whole = readFileSync(statePath(statedir()));
    const cut = whole.subarray(0, whole.length - 5);
    writeFileSync(statePath(statedir()), cut);
    const d2 = await startDaemon({ rundir: rundir!, args });
    const err = d2.logs().find((l) => l.event === 'state-corrupt');
    expect(err, d2.proc.tail()).to.not.equal(undefined);
    expect(err!.msg).to.match(/state file .*state\.pb is corrupt: truncated: the header gives \d+ payload bytes, the file has \d+; kept it as .*state\.pb\.corrupt-/);
    expect(readFileSync(err!.keptAs as string)).to.deep.equal(cut);
    // From the configuration: br0 only; and the new state is written beside the kept file.
    const names = (await new ApiClient(join(rundir!, 'mswitch.sock')).call<{ switches: { name: string }[] }>('GET', '/switches')).switches.map((s) => s.name);
    expect(names).to.deep.equal(['br0']);
    await savedWhen((s) => s.switches.length === 1, 'a fresh state file');
    expect(readdirSync(statedir()).filter((f) => f.includes('corrupt'))).to.have.length(1);
    expect(readFileSync(err!.keptAs as string)).to.deep.equal(cut);
  });

  it('refuses to start with a state file from a newer mswitch, and leaves it as it was', async () => {
    const newer = frameState(mswitch.state.State.encode({ version: 99, switches: [{ name: 'br7' }] }).finish());
    execFileSync('mkdir', ['-p', statedir()]);
    writeFileSync(statePath(statedir()), newer);
    const d = await startDaemon({ rundir: rundir!, args: ['--config', configFile()], waitStarted: false });
    const status = await d.proc.exited;
    expect(status.code, d.proc.tail()).to.equal(1);
    expect(d.logs().find((l) => l.event === 'start-failed')?.msg).to.match(/format version 99, newer than this mswitch understands \(1\)/);
    expect(readFileSync(statePath(statedir()))).to.deep.equal(newer);
    expect(readdirSync(statedir())).to.deep.equal(['state.pb']);
  });

  it('writes flow changes still inside the debounce when stopped cleanly (SIGTERM)', async () => {
    const args = ['--config', configFile()];
    const d1 = await startDaemon({ rundir: rundir!, args });
    const api = new ApiClient(join(rundir!, 'mswitch.sock'));
    await api.call('POST', '/switches/br0/flows', { flow: 'priority=9,in_port=1,actions=output:1' });
    process.kill(d1.proc.pid, 'SIGTERM');
    expect((await d1.proc.exited).code).to.equal(0);
    await startDaemon({ rundir: rundir!, args });
    const flows = (await new ApiClient(join(rundir!, 'mswitch.sock')).call<{ flows: { text?: string }[] }>('GET', '/switches/br0/flows?format=text'));
    expect(JSON.stringify(flows)).to.include('priority=9,in_port=1');
  });

  it('with flowRestore false keeps the switch but not its flows', async () => {
    const args = ['--config', configFile({ flowRestore: false })];
    const d1 = await startDaemon({ rundir: rundir!, args });
    const api = new ApiClient(join(rundir!, 'mswitch.sock'));
    await api.call('POST', '/switches/br0/flows', { flow: 'priority=5,actions=drop' });
    await api.call('POST', '/switches/br0/ports', { type: 'memif', id: 3, port: 12 });
    await savedWhen((s) => s.switches[0]?.config.memif.interfaces.some((i) => i.port === 12) === true, 'the port in the state file');
    await kill9(d1);
    await startDaemon({ rundir: rundir!, args });
    const api2 = new ApiClient(join(rundir!, 'mswitch.sock'));
    const ports = (await api2.call<{ ports: { port: number }[] }>('GET', '/switches/br0/ports')).ports.map((p) => p.port);
    expect(ports).to.include(12);
    expect((await api2.call<{ flows: unknown[] }>('GET', '/switches/br0/flows')).flows).to.deep.equal([]);
  });
});
