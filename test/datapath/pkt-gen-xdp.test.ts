// mswitch-pkt-gen's AF_XDP modes on a veth pair between two network
// namespaces: xdp-tx sends exactly the frames asked for, of the asked
// length and flows, and a receiver in the other namespace sees them all;
// xdp-rx counts and verifies them.  No timings: rates are the benchmark's
// business (test/bench/veth-forwarding.ts).
//
// The first case's receiver is independent of pkt-gen: a python3
// AF_PACKET socket in the sink namespace that decodes each frame itself
// (Ethernet/IPv4/UDP by the layout in datapath/src/tools/pkt_gen.h).
//
// Needs root, `ip netns`, ethtool and python3; otherwise skipped (pending,
// never passed).  The namespaces and veths are created here with per-run
// names and removed in the after hooks.
import { spawn, spawnSync } from 'child_process';
import { existsSync } from 'fs';

import { expect } from 'chai';

import { pktGenPath } from '../../controller-agent/src/datapath';
import { netnsUnavailable } from '../support/netns';
import { VethTopology } from '../support/veth-topology';

interface Summary {
  mode: string;
  tx?: { packets: number; bytes: number };
  rx?: { packets: number; foreign: number; bad_length: number;
    streams: { stream: number; received: number; duplicates: number; gaps: number; out_of_order: number; first_seq: number; max_seq: number }[] };
  xdp?: { mode: string; rx_dropped: number; tx_invalid_descs: number };
}

interface Run { code: number | null; stdout: string; stderr: string }

// Runs pkt-gen in 'ns' to completion.
function pktGen(ns: string, args: string[], timeoutMs = 30000): Promise<Run> {
  return new Promise((resolve) => {
    const c = spawn('ip', ['netns', 'exec', ns, pktGenPath(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function summaryOf(r: Run): Summary {
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no JSON summary (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line) as Summary;
}

// A raw-socket receiver: prints 'ready', then collects frames until
// 'idle' seconds pass without one of ours, and prints per-frame facts:
// [length, udp src port, ip checksum ok, marker magic ok, seq].
const RECEIVER = `
import socket, struct, sys, json, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
s.bind((sys.argv[1], 0))
s.settimeout(0.2)
print('ready', flush=True)
frames, last, start = [], None, time.time()
while True:
    now = time.time()
    if (last and now - last > 1.5) or now - start > 25: break
    try: f = s.recv(65536)
    except socket.timeout: continue
    if len(f) < 58 or f[12:14] != b'\\x08\\x00' or f[23] != 17: continue
    h = f[14:34]
    total = sum(struct.unpack('!10H', h))
    while total >> 16: total = (total & 0xffff) + (total >> 16)
    frames.append([len(f), struct.unpack('!H', f[34:36])[0], total == 0xffff,
                   f[42:46] == b'MSWG', struct.unpack('<Q', f[50:58])[0], struct.unpack('!H', f[16:18])[0]])
    last = time.time()
print(json.dumps(frames))
`;

function unavailable(): string | undefined {
  const why = netnsUnavailable();
  if (why) return why;
  if (!existsSync(pktGenPath())) return `${pktGenPath()} is not built`;
  if (spawnSync('python3', ['--version']).status !== 0) return 'python3 is not installed';
  if (spawnSync('ethtool', ['--version']).status !== 0) return 'ethtool is not installed';
  return undefined;
}

describe('mswitch-pkt-gen xdp-tx and xdp-rx on a veth pair between namespaces', function () {
  this.timeout(60000);
  let topo: VethTopology | undefined;

  before(function () {
    const why = unavailable();
    if (why) {
      // eslint-disable-next-line no-console
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  beforeEach(function () {
    topo = VethTopology.direct('x');
  });

  afterEach(function () {
    topo?.cleanup();
    topo = undefined;
  });

  it('xdp-tx sends exactly -n frames of -l bytes over --flows flows, all seen by a raw socket in the other namespace', async function () {
    const { genNs, sinkNs, gen, sink } = topo!.ends;
    const n = 3000;
    const len = 128;
    const flows = 7;
    const rx = spawn('ip', ['netns', 'exec', sinkNs, 'python3', '-c', RECEIVER, sink], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    rx.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    rx.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const done = new Promise<void>((r) => rx.on('close', () => r()));
    for (let i = 0; i < 100 && !out.includes('ready'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out, `receiver did not start: ${err}`).to.include('ready');
    const before = topo!.counters(sinkNs, sink);
    // Paced, so that the receiving socket keeps up: the test is about
    // what is sent, not how fast.
    const tx = await pktGen(genNs, ['xdp-tx', '--ifname', gen, '--count', String(n), '--len', String(len),
      '--flows', String(flows), '--rate', '20000', '--dst-mac', '02:00:00:00:00:02', '--json']);
    expect(tx.code, tx.stderr).to.equal(0);
    const s = summaryOf(tx);
    expect(s.mode).to.equal('xdp-tx');
    expect(s.tx).to.deep.include({ packets: n, bytes: n * len });
    expect(s.xdp?.tx_invalid_descs).to.equal(0);
    await done;
    const frames = JSON.parse(out.slice(out.indexOf('\n') + 1)) as [number, number, boolean, boolean, number, number][];
    const ours = frames.filter((f) => f[3]);
    expect(ours.length, 'frames of ours the receiver saw').to.equal(n);
    expect(new Set(ours.map((f) => f[0])), 'frame lengths').to.deep.equal(new Set([len]));
    expect(ours.every((f) => f[5] === len - 14), 'IP total length').to.equal(true);
    expect(ours.every((f) => f[2]), 'IP header checksums').to.equal(true);
    expect(new Set(ours.map((f) => f[1])).size, 'distinct UDP source ports (flows)').to.equal(flows);
    const seqs = ours.map((f) => f[4]).sort((a, b) => a - b);
    expect(seqs[0]).to.equal(0);
    expect(seqs[n - 1]).to.equal(n - 1);
    expect(new Set(seqs).size, 'distinct sequence numbers').to.equal(n);
    // Flow f carries the sequence numbers f, f + flows, ...
    const port0 = ours.find((f) => f[4] === 0)![1];
    expect(ours.every((f) => f[1] === 1024 + ((port0 - 1024 + (f[4] % flows)) % 64512)), 'flow of each frame').to.equal(true);
    const after = topo!.counters(sinkNs, sink);
    expect(after.rxPackets - before.rxPackets, 'the sink veth\'s rx counter').to.be.at.least(n);
  });

  it('xdp-rx counts and verifies what xdp-tx sent: every sequence number once, nothing foreign or cut', async function () {
    const { genNs, sinkNs, gen, sink } = topo!.ends;
    const n = 20000;
    const rxRun = pktGen(sinkNs, ['xdp-rx', '--ifname', sink, '-T', '20', '--count', String(n), '--json']);
    // Wait for the receiver's program and socket before sending.
    await new Promise((r) => setTimeout(r, 1500));
    const tx = await pktGen(genNs, ['xdp-tx', '--ifname', gen, '--count', String(n), '--len', '1514',
      '--rate', '100000', '--stream', '5', '--json']);
    expect(tx.code, tx.stderr).to.equal(0);
    expect(summaryOf(tx).tx?.packets).to.equal(n);
    const rx = await rxRun;
    expect(rx.code, rx.stderr).to.equal(0);
    expect(rx.stdout).to.match(/^attached to .*XDP native/m);
    const s = summaryOf(rx);
    expect(s.mode).to.equal('xdp-rx');
    expect(s.rx?.bad_length).to.equal(0);
    expect(s.xdp?.rx_dropped).to.equal(0);
    const stream = s.rx!.streams.find((x) => x.stream === 5);
    expect(stream, JSON.stringify(s.rx)).to.not.equal(undefined);
    expect(stream).to.deep.include({ received: n, duplicates: 0, gaps: 0, out_of_order: 0, first_seq: 0, max_seq: n - 1 });
  });

  it('refuses an interface that is not there, and a frame over the MTU, naming them', async function () {
    const { genNs, gen } = topo!.ends;
    const missing = await pktGen(genNs, ['xdp-tx', '--ifname', 'mswnosuchif0', '--count', '1']);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include("no interface 'mswnosuchif0'");
    const big = await pktGen(genNs, ['xdp-tx', '--ifname', gen, '--count', '1', '--len', '1600']);
    expect(big.code).to.equal(1);
    expect(big.stderr).to.include(`${gen}: a 1600-byte frame is over the MTU (1500)`);
    const usage = await pktGen(genNs, ['xdp-tx', '--count', '1']);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.include('no interface given');
  });
});
