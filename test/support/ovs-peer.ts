// A private Open vSwitch userspace switch for tests: the reference the
// differential test compares the `openflow` logic against.
//
// What?
//   Our own ovsdb-server and ovs-vswitchd (Debian's openvswitch-switch),
//   with their database, run directory, logs and pidfiles in a temp dir,
//   running inside a network namespace this object creates.  One bridge,
//   `datapath_type=netdev`, OpenFlow 1.3 only, fail_mode secure, with
//   `dummy` ports (ovs-vswitchd --enable-dummy --disable-system: ports that
//   exist only inside the daemon) at fixed OpenFlow port numbers.  The
//   system's openvswitch service is never touched.
//
// Design
//   The decision for one packet is observed, not inferred: the frame is
//   injected into its input port (`netdev-dummy/receive`) and really
//   forwarded; every port writes what it transmits to a pcap file
//   (options:tx_pcap), and the bridge's controller is a PacketInSink on a
//   unix socket.  So output frames are OVS's exact bytes, checksums
//   included.  To know when a packet is finished, a sentinel frame
//   (ethertype 0x88b6, which the flow sets never use) follows it on the
//   same port; a priority-65535 flow sends it to the controller, and since
//   one port's frames are processed in order by the one thread that polls
//   dummy ports, its packet-in arriving means every output of the packet
//   before it has been written.
//   After each flow-set change the datapath's megaflow cache is flushed
//   (dpctl/del-flows) so no decision cached for an earlier flow set applies.
//
// Thread-safety
//   One OvsPeer per test file; calls are awaited one at a time.
import { execFileSync, spawnSync } from 'child_process';
import { closeSync, existsSync, openSync, readSync, writeFileSync } from 'fs';
import { join } from 'path';

import { ip, runName } from './netns';
import { PacketInSink } from './of13-packet-in-sink';
import type { PacketIn } from './of13-packet-in-sink';
import { UnixctlClient } from './ovs-unixctl';
import { killTracked, spawnTracked } from './processes';
import type { TrackedProcess } from './processes';
import { makeTempDir, removeTempDir } from './tmp-dir';
import { waitFor, waitForPath } from './wait';

export const SENTINEL_ETHERTYPE = 0x88b6;

export interface OvsPeerOptions {
  ports: number[];          // OpenFlow port numbers of the dummy ports (named p<N>)
  downPorts?: number[];     // of those, ports whose link is down (not live for fast-failover)
}

export interface ObservedOutput {
  port: number;
  frame: Buffer;
}

export interface OvsVerdict {
  outputs: ObservedOutput[];
  packetIns: PacketIn[];
}

// Why the OVS differential test cannot run here, or undefined if it can.
export function ovsPeerUnavailable(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root';
  for (const tool of ['ovs-vswitchd', 'ovsdb-server', 'ovsdb-tool', 'ovs-vsctl', 'ovs-ofctl']) {
    if (spawnSync(tool, ['--version']).status !== 0) return `${tool} is not installed (Debian package openvswitch-switch)`;
  }
  if (!existsSync('/usr/share/openvswitch/vswitch.ovsschema')) return 'no /usr/share/openvswitch/vswitch.ovsschema';
  return undefined;
}

// Reads the pcap records after byte 'from' of 'path' (OVS writes
// little-endian, microsecond pcap, one record per transmitted frame).
function readPcapFrom(path: string, from: number): { frames: Buffer[]; end: number } {
  if (!existsSync(path)) return { frames: [], end: from };
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const block = Buffer.alloc(65536);
    for (let pos = from; ;) {
      const n = readSync(fd, block, 0, block.length, pos);
      if (n <= 0) break;
      chunks.push(Buffer.from(block.subarray(0, n)));
      pos += n;
    }
    const data = Buffer.concat(chunks);
    const frames: Buffer[] = [];
    let at = from === 0 ? 24 : 0;
    if (from === 0 && data.length >= 4 && data.readUInt32LE(0) !== 0xa1b2c3d4) {
      throw new Error(`${path} is not a little-endian microsecond pcap (magic ${data.subarray(0, 4).toString('hex')})`);
    }
    if (from === 0 && data.length < 24) return { frames, end: from };
    while (at + 16 <= data.length) {
      const caplen = data.readUInt32LE(at + 8);
      if (at + 16 + caplen > data.length) break;     // record still being written
      frames.push(Buffer.from(data.subarray(at + 16, at + 16 + caplen)));
      at += 16 + caplen;
    }
    return { frames, end: from + at };
  } finally {
    closeSync(fd);
  }
}

export class OvsPeer {
  private readonly pcapAt = new Map<number, number>();
  private sentinelSeq = 0;

  private constructor(
    readonly dir: string,
    readonly ns: string,
    private readonly db: TrackedProcess,
    private readonly vswitchd: TrackedProcess,
    private readonly ctl: UnixctlClient,
    private readonly sink: PacketInSink,
    readonly ports: number[],
  ) {}

  static async start(opts: OvsPeerOptions): Promise<OvsPeer> {
    const dir = makeTempDir('msw-ovs-');
    const ns = runName('ovs');
    const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
    const started: TrackedProcess[] = [];
    let nsMade = false;
    let ctl: UnixctlClient | undefined;
    let sink: PacketInSink | undefined;
    try {
      execFileSync('ovsdb-tool', ['create', join(dir, 'conf.db'), '/usr/share/openvswitch/vswitch.ovsschema'], { stdio: 'pipe' });
      ip('netns', 'add', ns);
      nsMade = true;
      const db = spawnTracked('ip', ['netns', 'exec', ns, 'ovsdb-server', join(dir, 'conf.db'),
        `--remote=punix:${join(dir, 'db.sock')}`, `--unixctl=${join(dir, 'db.ctl')}`,
        `--pidfile=${join(dir, 'ovsdb-server.pid')}`, `--log-file=${join(dir, 'ovsdb-server.log')}`, '--no-chdir'], { env });
      started.push(db);
      await waitForPath(join(dir, 'db.sock'), { abortIf: () => (db.exitStatus() ? `ovsdb-server exited: ${db.tail()}` : undefined) });
      const vsctl = (...args: string[]): string => execFileSync('ovs-vsctl', [`--db=unix:${join(dir, 'db.sock')}`, '--timeout=20', ...args],
        { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      vsctl('--no-wait', 'init');
      const vswitchd = spawnTracked('ip', ['netns', 'exec', ns, 'ovs-vswitchd', `unix:${join(dir, 'db.sock')}`,
        '--enable-dummy', '--disable-system', '--disable-system-route', `--unixctl=${join(dir, 'vswitchd.ctl')}`,
        `--pidfile=${join(dir, 'ovs-vswitchd.pid')}`, `--log-file=${join(dir, 'ovs-vswitchd.log')}`, '--no-chdir'], { env });
      started.push(vswitchd);
      await waitForPath(join(dir, 'vswitchd.ctl'), { abortIf: () => (vswitchd.exitStatus() ? `ovs-vswitchd exited: ${vswitchd.tail()}` : undefined) });
      sink = await PacketInSink.listen(join(dir, 'controller.sock'));
      // One transaction: the bridge, its ports at fixed numbers with pcap
      // capture, and the controller with packet-in rate limiting as loose
      // as OVS allows, so no packet-in is dropped.
      const args = ['add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=netdev', 'protocols=OpenFlow13', 'fail_mode=secure'];
      for (const p of opts.ports) {
        args.push('--', 'add-port', 'br0', `p${p}`, '--', 'set', 'interface', `p${p}`, 'type=dummy', `ofport_request=${p}`,
          `options:tx_pcap=${join(dir, `p${p}.pcap`)}`);
      }
      args.push('--', 'set-controller', 'br0', `unix:${join(dir, 'controller.sock')}`,
        '--', 'set', 'controller', 'br0', 'controller_rate_limit=100000', 'controller_burst_limit=100000');
      vsctl(...args);
      ctl = await UnixctlClient.open(join(dir, 'vswitchd.ctl'));
      for (const p of opts.downPorts ?? []) await ctl.call('netdev-dummy/set-admin-state', `p${p}`, 'down');
      const s = sink;
      await waitFor(() => s.connected(), { what: 'ovs-vswitchd to connect to the test controller', timeoutMs: 20000 });
      const peer = new OvsPeer(dir, ns, db, vswitchd, ctl, s, opts.ports);
      const shown = execFileSync('ovs-ofctl', ['-O', 'OpenFlow13', 'show', peer.mgmt()], { encoding: 'utf8' });
      for (const p of opts.ports) {
        if (!new RegExp(`^ ${p}\\(p${p}\\)`, 'm').test(shown)) throw new Error(`OVS port p${p} did not get OpenFlow number ${p}:\n${shown}`);
      }
      return peer;
    } catch (e) {
      ctl?.close();
      await sink?.close();
      for (const p of started.reverse()) await killTracked(p, 'SIGTERM');
      if (nsMade) ip('netns', 'del', ns);
      const logs = ['ovs-vswitchd.log', 'ovsdb-server.log'].map((f) => join(dir, f)).filter(existsSync)
        .map((f) => `--- ${f}\n${execFileSync('tail', ['-n', '15', f], { encoding: 'utf8' })}`).join('\n');
      removeTempDir(dir);
      throw new Error(`starting a private Open vSwitch failed: ${(e as Error).message}\n${logs}`);
    }
  }

  mgmt(): string {
    return `unix:${join(this.dir, 'br0.mgmt')}`;
  }

  private ofctl(...args: string[]): string {
    const r = spawnSync('ovs-ofctl', ['-O', 'OpenFlow13', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ovs-ofctl ${args.join(' ')} failed: ${r.stderr.trim()}`);
    return r.stdout;
  }

  // Replaces every group and flow with 'groups' (ovs-ofctl add-groups
  // lines) and 'flows' (add-flows lines), plus the sentinel flow.  Errors
  // name the file's content, as ovs-ofctl quotes only the line number.
  async replaceFlows(flows: string[], groups: string[]): Promise<void> {
    this.ofctl('del-flows', this.mgmt());
    this.ofctl('del-groups', this.mgmt());
    const gfile = join(this.dir, 'groups.txt');
    const ffile = join(this.dir, 'flows.txt');
    writeFileSync(gfile, groups.join('\n') + '\n');
    writeFileSync(ffile, [...flows, `table=0,priority=65535,dl_type=0x${SENTINEL_ETHERTYPE.toString(16)},actions=controller`].join('\n') + '\n');
    try {
      if (groups.length > 0) this.ofctl('add-groups', this.mgmt(), gfile);
      this.ofctl('add-flows', this.mgmt(), ffile);
    } catch (e) {
      throw new Error(`${(e as Error).message}\ngroups:\n${groups.join('\n')}\nflows:\n${flows.join('\n')}`);
    }
    await this.ctl.call('dpctl/del-flows');
  }

  dumpFlows(): string {
    return this.ofctl('dump-flows', this.mgmt());
  }

  // Injects 'frames' on 'inPort', then a sentinel, and waits for the
  // sentinel's packet-in; returns the packet-ins before it and every frame
  // the ports sent meanwhile.
  private async run(inPort: number, frames: Buffer[], timeoutMs: number): Promise<OvsVerdict> {
    const firstPin = this.sink.received.length;
    const seq = ++this.sentinelSeq;
    const sentinel = Buffer.alloc(60);
    Buffer.from([0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0xff, 0xff, 0xff, 0xff, 0xfe]).copy(sentinel, 0);
    sentinel.writeUInt16BE(SENTINEL_ETHERTYPE, 12);
    sentinel.writeUInt32BE(seq, 14);
    const isSentinel = (p: PacketIn): boolean => p.data.length >= 18 && p.data.readUInt16BE(12) === SENTINEL_ETHERTYPE && p.data.readUInt32BE(14) === seq;
    for (const f of [...frames, sentinel]) await this.ctl.call('netdev-dummy/receive', `p${inPort}`, f.toString('hex'));
    const deadline = Date.now() + timeoutMs;
    while (!this.sink.received.slice(firstPin).some(isSentinel)) {
      if (!this.sink.connected()) throw new Error(`OVS disconnected from the test controller; vswitchd:\n${this.vswitchd.tail()}`);
      if (Date.now() > deadline) throw new Error(`no sentinel packet-in from OVS within ${timeoutMs} ms (errors: ${this.sink.errors.join('; ')})`);
      await Promise.race([this.sink.nextEvent(), new Promise((r) => setTimeout(r, 50))]);
    }
    const pins = this.sink.received.splice(firstPin);
    const outputs: ObservedOutput[] = [];
    for (const port of this.ports) {
      const path = join(this.dir, `p${port}.pcap`);
      const { frames: sent, end } = readPcapFrom(path, this.pcapAt.get(port) ?? 0);
      this.pcapAt.set(port, end);
      for (const f of sent) outputs.push({ port, frame: f });
    }
    return { outputs, packetIns: pins.filter((p) => !isSentinel(p)) };
  }

  // Injects 'frame' on 'inPort' and returns everything OVS did with it.
  forward(inPort: number, frame: Buffer, timeoutMs = 5000): Promise<OvsVerdict> {
    return this.run(inPort, [frame], timeoutMs);
  }

  // `ovs-appctl ofproto/trace br0 in_port=P HEX`: the text OVS prints.
  // Tracing a real packet is not free of side effects: a controller action
  // (or an invalid TTL) on the way sends a real packet-in.  Those are
  // drained here (a sentinel behind them) so that they are never taken
  // for the next forwarded packet's.
  async trace(inPort: number, frame: Buffer): Promise<string> {
    const text = await this.ctl.call('ofproto/trace', 'br0', `in_port=${inPort}`, frame.toString('hex'));
    await this.run(inPort, [], 5000);
    return text;
  }

  appctl(method: string, ...params: string[]): Promise<string> {
    return this.ctl.call(method, ...params);
  }

  // Stops both daemons by pid, removes the namespace and the temp dir.
  async stop(): Promise<void> {
    this.ctl.close();
    await this.sink.close();
    await killTracked(this.vswitchd, 'SIGTERM');
    await killTracked(this.db, 'SIGTERM');
    try {
      ip('netns', 'del', this.ns);
    } catch {
      // already gone
    }
    removeTempDir(this.dir);
  }
}
