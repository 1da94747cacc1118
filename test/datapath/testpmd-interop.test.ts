// DPDK's testpmd (Debian's dpdk-testpmd, net_memif in client role) as a
// real memif client of a switch in this process, in three forwarding
// modes: txonly (its UDP frames reach our client well-formed), rxonly
// (our generator's frames reach it) and mac (a round trip through it, over
// the abstract socket).  In each, testpmd's own counters and the switch's
// port counters must agree exactly: what testpmd says it sent, the switch
// received, and the reverse.
//
// testpmd runs interactively, its stdin a FIFO we write commands into and
// its stdout line-buffered (stdbuf): "stop" ends forwarding with its port
// still connected, so every frame it put on its ring reaches the switch
// before the counters are compared, and "show port stats 0" can be polled
// while traffic drains (with --stats-period and the exit statistics on
// SIGINT, the last frames race the disconnect).  Skipped, as pending, when
// /usr/bin/dpdk-testpmd is not installed.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { closeSync, existsSync, openSync, rmSync, unlinkSync, writeSync } from 'fs';
import { join } from 'path';

import { MemifClient, Switch } from '../../controller-agent/src/datapath';
import type { NativeMemifClient, NativeSwitch, PortInfo } from '../../controller-agent/src/datapath';
import { pktGen } from '../support/pkt-gen';
import { killTracked, spawnTracked } from '../support/processes';
import type { TrackedProcess } from '../support/processes';
import { makeTempDir, removeTempDir } from '../support/tmp-dir';
import { sleep, waitFor } from '../support/wait';

const TESTPMD = '/usr/bin/dpdk-testpmd';

// ---- testpmd, driven through its command line ----

interface FwdStats { rxPackets: number; rxDropped: number; txPackets: number; txDropped: number }
interface NicStats { rxPackets: number; rxMissed: number; rxBytes: number; rxErrors: number; txPackets: number; txErrors: number; txBytes: number }

class Testpmd {
  mac = '';
  private fifo = -1;

  private constructor(readonly proc: TrackedProcess, readonly filePrefix: string) {}

  // Starts testpmd attached to 'socket' with memif id 'id'; 'abstract'
  // leaves DPDK's default (socket-abstract=yes) instead of =no.
  static start(dir: string, socket: string, id: number, abstract: boolean, filePrefix: string): Testpmd {
    const stdin = join(dir, 'testpmd.stdin');
    execFileSync('mkfifo', [stdin]);
    const vdev = `net_memif0,role=client,socket=${socket},id=${id}${abstract ? '' : ',socket-abstract=no'}`;
    // No -l: DPDK takes every CPU this process may run on, the first for
    // the command line, the next for forwarding (so at least two).
    const args = ['--no-pci', '--no-huge', '-m', '1024', '--file-prefix', filePrefix, `--vdev=${vdev}`,
      '--', '-i', '--total-num-mbufs=16384'];
    // exec twice (sh, stdbuf): the pid we track is testpmd's own.
    const proc = spawnTracked('sh', ['-c', 'exec stdbuf -oL "$0" "$@" < "$TESTPMD_STDIN"', TESTPMD, ...args],
      { env: { ...process.env, TESTPMD_STDIN: stdin } });
    const t = new Testpmd(proc, filePrefix);
    // Read-write: never blocks, and the FIFO has a writer for as long as we
    // hold it (testpmd sees EOF, and quits, only when we close it).
    t.fifo = openSync(stdin, 'r+');
    return t;
  }

  // Waits for the port's MAC line (the port is configured).
  async ready(): Promise<void> {
    const line = await this.proc.waitForLine('stdout', (l) => /Port 0: [0-9A-F:]{17}/.test(l),
      { what: 'testpmd to configure its memif port', timeoutMs: 30_000 });
    this.mac = (/Port 0: ([0-9A-F:]{17})/.exec(line) as RegExpExecArray)[1].toLowerCase();
  }

  // Sends one command and returns the output lines from it up to the first
  // one matching 'until'.
  async run(cmd: string, until: RegExp, timeoutMs = 10_000): Promise<string[]> {
    const mark = this.proc.stdoutLines().length;
    writeSync(this.fifo, `${cmd}\n`);
    const lines = (): string[] => this.proc.stdoutLines().slice(mark);
    await waitFor(() => lines().some((l) => until.test(l)), {
      what: `testpmd's answer to '${cmd}'`, timeoutMs,
      abortIf: () => (this.proc.exitStatus() ? `testpmd exited:\n${this.proc.tail()}` : undefined),
    });
    const out = lines();
    return out.slice(0, out.findIndex((l) => until.test(l)) + 1);
  }

  async setForwarding(mode: string): Promise<void> {
    await this.run(`set fwd ${mode}`, new RegExp(`Set ${mode} packet forwarding mode`));
    await this.run('start', /packet forwarding - ports=1/);
  }

  // "stop": testpmd's per-port forward statistics of the run.
  async stop(): Promise<FwdStats> {
    const out = await this.run('stop', /^Done\.\s*$/);
    const block = out.slice(out.findIndex((l) => /Forward statistics for port 0/.test(l)));
    return {
      rxPackets: field(block, 'RX-packets'),
      rxDropped: field(block, 'RX-dropped'),
      txPackets: field(block, 'TX-packets'),
      txDropped: field(block, 'TX-dropped'),
    };
  }

  // "show port stats 0": the memif driver's port counters.
  async portStats(): Promise<NicStats> {
    const out = await this.run('show port stats 0', /Tx-pps:/);
    const block = out.slice(out.findIndex((l) => /NIC statistics for port 0/.test(l)));
    return {
      rxPackets: field(block, 'RX-packets'),
      rxMissed: field(block, 'RX-missed'),
      rxBytes: field(block, 'RX-bytes'),
      rxErrors: field(block, 'RX-errors'),
      txPackets: field(block, 'TX-packets'),
      txErrors: field(block, 'TX-errors'),
      txBytes: field(block, 'TX-bytes'),
    };
  }

  // "quit", then the exit status (bounded: killed after 15 s).
  async quit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    writeSync(this.fifo, 'quit\n');
    return this.close(15_000);
  }

  // Ends testpmd (if still running) and releases the FIFO and its DPDK
  // runtime directory.
  async close(graceMs = 0): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let status = this.proc.exitStatus();
    if (!status && graceMs > 0) {
      status = await Promise.race([this.proc.exited, sleep(graceMs).then(() => undefined)]);
    }
    status ??= await killTracked(this.proc, 'SIGKILL');
    if (this.fifo >= 0) closeSync(this.fifo);
    this.fifo = -1;
    rmSync(`/var/run/dpdk/${this.filePrefix}`, { recursive: true, force: true });
    return status;
  }
}

// The number after "NAME:" in the first line of 'lines' that has it.
function field(lines: string[], name: string): number {
  const re = new RegExp(`${name}:\\s*(\\d+)`);
  for (const l of lines) {
    const m = re.exec(l);
    if (m) return Number(m[1]);
  }
  throw new Error(`no ${name} in testpmd's output:\n${lines.join('\n')}`);
}

// ---- frame checks ----

const macOf = (f: Buffer, at: number): string => [...f.subarray(at, at + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');

function ipChecksumOk(ip: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return sum === 0xffff;
}

// What is wrong with a frame of testpmd's txonly mode (defaults: 64
// bytes, IPv4 198.18.0.1 -> 198.18.0.2, UDP 9 -> 9, Ethernet to the peer
// 02:00:00:00:00:00 from its port's MAC), or undefined if nothing.
function txonlyFault(f: Buffer, srcMac: string): string | undefined {
  if (f.length !== 64) return `length ${f.length}`;
  if (macOf(f, 0) !== '02:00:00:00:00:00') return `dst MAC ${macOf(f, 0)}`;
  if (macOf(f, 6) !== srcMac) return `src MAC ${macOf(f, 6)}, testpmd's is ${srcMac}`;
  if (f.readUInt16BE(12) !== 0x0800) return `ethertype 0x${f.readUInt16BE(12).toString(16)}`;
  const ip = f.subarray(14);
  if (ip[0] !== 0x45 || ip.readUInt16BE(2) !== f.length - 14 || ip[9] !== 17) return 'IPv4 header';
  if (!ipChecksumOk(ip)) return 'IPv4 checksum';
  if (ip.readUInt32BE(12) !== 0xc6120001 || ip.readUInt32BE(16) !== 0xc6120002) return 'IPv4 addresses';
  const udp = ip.subarray(20);
  if (udp.readUInt16BE(0) !== 9 || udp.readUInt16BE(2) !== 9 || udp.readUInt16BE(4) !== f.length - 34) return 'UDP header';
  return undefined;
}

// pkt-gen's marker (datapath/src/tools/pkt_gen.h): "MSWG", stream, sequence.
function pktGenSeq(f: Buffer): number | undefined {
  if (f.length < 58 || f.toString('latin1', 42, 46) !== 'MSWG') return undefined;
  return Number(f.readBigUInt64LE(50));
}

// ---- the tests ----

// A switch in this process with the static map 'map' and memif interface
// 'id' pre-created on port 'id' for each of 'ids', listening on
// <dir>/br0.memif (and on the same abstract name when 'abstract').
interface Bench {
  dir: string;
  socket: string;
  sw: NativeSwitch;
  clients: NativeMemifClient[];
}

function startSwitch(name: string, map: string, ids: number[], abstract: boolean): Bench {
  const dir = makeTempDir('msw-pmd-');
  const socket = join(dir, 'br0.memif');
  const sw = new Switch({ name, logic: 'static', logicConfig: map });
  const b: Bench = { dir, socket, sw, clients: [] };
  try {
    sw.listenMemif({ path: socket, abstract, autoCreate: false });
    for (const id of ids) sw.addMemifInterface({ id, port: id });
  } catch (e) {
    closeBench(b);
    throw e;
  }
  return b;
}

function closeBench(b: Bench): void {
  for (const c of b.clients) c.close();
  b.sw.close();
  removeTempDir(b.dir);
}

const port = (b: Bench, n: number): PortInfo => b.sw.ports().find((p) => p.index === n) as PortInfo;

async function connect(b: Bench, id: number, abstract = false): Promise<NativeMemifClient> {
  const c = new MemifClient({ socket: b.socket, abstract, id });
  b.clients.push(c);
  await waitFor(() => port(b, id).up, { what: `memif ${id} up`, timeoutMs: 5000 });
  return c;
}

describe('dpdk-testpmd as a memif client of the switch', function () {
  this.timeout(90_000);
  let bench: Bench | undefined;
  let testpmd: Testpmd | undefined;
  let runs = 0;

  before(function () {
    if (!existsSync(TESTPMD)) {
      const why = `${TESTPMD} is not installed (Debian: apt-get install dpdk)`;
      for (const t of this.test?.parent?.tests ?? []) t.title += ` [skipped: ${why}]`;
      this.skip();
    }
  });

  afterEach(async () => {
    await testpmd?.close();
    testpmd = undefined;
    if (bench) closeBench(bench);
    bench = undefined;
  });

  const newSwitch = (map: string, ids: number[], abstract: boolean): Bench => {
    bench = startSwitch(`pmd${++runs}`, map, ids, abstract);
    return bench;
  };

  async function startTestpmd(b: Bench, id: number, abstract: boolean): Promise<Testpmd> {
    const t = Testpmd.start(b.dir, b.socket, id, abstract, `msw-pmd-${process.pid}-${runs}`);
    testpmd = t;
    await t.ready();
    await waitFor(() => port(b, id).up, { what: `testpmd's port ${id} up`, timeoutMs: 10_000 });
    return t;
  }

  // Receives on 'c' while 'pred' holds for the count, for at most 'ms';
  // 'check' sees every frame.  Yields to the event loop between batches
  // (child processes are spawned and their output read there).
  async function receiveWhile(c: NativeMemifClient, check: (f: Buffer) => void, pred: (n: number) => boolean,
    ms: number): Promise<number> {
    let n = 0;
    const end = Date.now() + ms;
    while (pred(n) && Date.now() < end) {
      await new Promise((r) => setImmediate(r));
      if (!c.waitRx(10)) continue;
      for (const f of c.recv(1024)) {
        check(f);
        n++;
      }
    }
    return n;
  }

  it('txonly over the file socket: its UDP frames reach our client well-formed, counters agree', async () => {
    // testpmd on port 1 -> our client on port 2.
    const r = newSwitch('1=2', [1, 2], false);
    const rx = await connect(r, 2);
    const t = await startTestpmd(r, 1, false);
    await t.setForwarding('txonly');

    const faults: string[] = [];
    const check = (f: Buffer): void => {
      const fault = txonlyFault(f, t.mac);
      if (fault && faults.length < 5) faults.push(fault);
    };
    let received = await receiveWhile(rx, check, (n) => n < 10_000, 20_000);
    const fwd = await t.stop();

    // Everything testpmd put on its ring, the switch received; all of it
    // went to our client or was counted as no room there.
    await waitFor(() => port(r, 1).rxPackets === fwd.txPackets, { what: `the switch to receive testpmd's ${fwd.txPackets} frames`, timeoutMs: 5000 });
    const nic = await t.portStats();
    expect(nic.txPackets, 'testpmd port TX-packets = its forward TX-packets').to.equal(fwd.txPackets);
    expect(nic.txBytes, 'testpmd TX-bytes = switch rxBytes').to.equal(port(r, 1).rxBytes);
    received += await receiveWhile(rx, check, (k) => received + k < port(r, 2).txPackets, 5000);
    const p1 = port(r, 1);
    const p2 = port(r, 2);
    expect(p1.txPackets, 'nothing back to testpmd').to.equal(0);
    expect(p2.txPackets + p2.drops['no-space'], 'every frame forwarded or counted').to.equal(p1.rxPackets);
    expect(received, 'our client got what the switch sent it').to.equal(p2.txPackets);
    expect(received).to.be.greaterThan(0);
    expect(faults, 'malformed txonly frames').to.deep.equal([]);

    expect(await t.quit(), t.proc.tail()).to.deep.equal({ code: 0, signal: null });
    await waitFor(() => !port(r, 1).up, { what: 'testpmd\'s port down after quit' });
  });

  it('rxonly: our generator\'s frames reach testpmd, and its RX counters equal the switch\'s TX', async () => {
    // Our generator on port 2 -> testpmd on port 1.
    const r = newSwitch('2=1', [1, 2], false);
    const t = await startTestpmd(r, 1, false);
    await t.setForwarding('rxonly');

    const n = 20_000;
    const gen = await pktGen<{ tx: { packets: number } }>(['-f', 'tx', '-i', r.socket, '--id', '2', '-n', String(n),
      '-R', '50k', '-l', '128'], { timeoutMs: 30_000 });
    expect(gen.tx.packets).to.equal(n);
    // The generator waited for the switch to take all it posted before it
    // left (a pre-created port keeps its counters).
    await waitFor(() => port(r, 2).rxPackets === n, { what: `the switch to count the generator's ${n} frames`, timeoutMs: 5000 });
    const p1 = port(r, 1);
    expect(p1.txPackets + p1.drops['no-space'], 'every frame sent to testpmd or counted').to.equal(n);
    expect(p1.txPackets).to.be.greaterThan(0);

    // testpmd polls on: wait until it has read everything the switch wrote.
    let nic = await t.portStats();
    const deadline = Date.now() + 10_000;
    while (nic.rxPackets < p1.txPackets && Date.now() < deadline) nic = await t.portStats();
    expect(nic.rxPackets, 'testpmd RX-packets = switch txPackets').to.equal(p1.txPackets);
    expect(nic.rxBytes, 'testpmd RX-bytes = switch txBytes').to.equal(p1.txBytes);
    expect(nic.rxBytes).to.equal(p1.txPackets * 128);
    expect(nic.rxErrors + nic.rxMissed).to.equal(0);
    const fwd = await t.stop();
    expect(fwd.rxPackets, 'forward statistics RX-packets').to.equal(p1.txPackets);
    expect(fwd.txPackets, 'rxonly sends nothing').to.equal(0);
    expect(port(r, 1).rxPackets).to.equal(0);

    expect(await t.quit(), t.proc.tail()).to.deep.equal({ code: 0, signal: null });
  });

  it('mac forwarding over the abstract socket (DPDK\'s default): a round trip through testpmd, counters agree', async () => {
    // Generator (port 2) -> testpmd (port 1) -> our client (port 3).
    const r = newSwitch('2=1,1=3', [1, 2, 3], true);
    // Only the abstract name is left to reach the switch by.
    unlinkSync(r.socket);
    const rx = await connect(r, 3, true);
    const t = await startTestpmd(r, 1, true);
    await t.setForwarding('mac');

    const n = 20_000;
    const seen = new Set<number>();
    const faults: string[] = [];
    const check = (f: Buffer): void => {
      const seq = pktGenSeq(f);
      let fault: string | undefined;
      if (seq === undefined || seq >= n) fault = 'not one of the generator\'s frames';
      else if (seen.has(seq)) fault = `sequence ${seq} twice`;
      else if (macOf(f, 0) !== '02:00:00:00:00:00' || macOf(f, 6) !== t.mac) fault = `MACs ${macOf(f, 0)} <- ${macOf(f, 6)}`;
      if (seq !== undefined) seen.add(seq);
      if (fault && faults.length < 5) faults.push(fault);
    };
    let genDone = false;
    const gen = pktGen<{ tx: { packets: number } }>(['-f', 'tx', '-i', r.socket, '--abstract', '--id', '2', '-n', String(n),
      '-R', '50k'], { timeoutMs: 30_000 }).finally(() => { genDone = true; });
    let received = await receiveWhile(rx, check, () => !genDone, 35_000);
    expect((await gen).tx.packets).to.equal(n);
    await waitFor(() => port(r, 2).rxPackets === n, { what: `the switch to count the generator's ${n} frames`, timeoutMs: 5000 });

    // testpmd's forward counters against the switch's, once it has passed
    // on everything it read.
    const p1w = port(r, 1);
    let nic = await t.portStats();
    const deadline = Date.now() + 10_000;
    while (nic.rxPackets < p1w.txPackets && Date.now() < deadline) nic = await t.portStats();
    const fwd = await t.stop();
    await waitFor(() => port(r, 1).rxPackets === fwd.txPackets, { what: 'the switch to receive what testpmd forwarded', timeoutMs: 5000 });
    received += await receiveWhile(rx, check, (k) => received + k < port(r, 3).txPackets, 5000);
    const [p1, p3] = [1, 3].map((i) => port(r, i));
    expect(p1.txPackets + p1.drops['no-space'], 'generator frames to testpmd, or counted').to.equal(n);
    expect(fwd.rxPackets, 'testpmd RX-packets = switch txPackets to it').to.equal(p1.txPackets);
    expect(fwd.txPackets + fwd.txDropped, 'testpmd forwarded or dropped each frame it read').to.equal(fwd.rxPackets);
    expect(p1.rxPackets, 'testpmd TX-packets = switch rxPackets from it').to.equal(fwd.txPackets);
    expect(p3.txPackets + p3.drops['no-space']).to.equal(p1.rxPackets);
    expect(received, 'our client got what the switch sent it').to.equal(p3.txPackets);
    expect(received).to.be.greaterThan(0);
    expect(faults, 'frames that are not the generator\'s, MAC-rewritten, once').to.deep.equal([]);

    expect(await t.quit(), t.proc.tail()).to.deep.equal({ code: 0, signal: null });
  });
});
