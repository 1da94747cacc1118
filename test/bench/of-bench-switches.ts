// The two switches the control-plane benchmarks (openflow-control.ts)
// drive, each connected to its own BenchController: our daemon and a
// private Open vSwitch (test/support/ovs-peer.ts).
//
// What?
//   startOurs() runs `mswitch start` with br0 on the `openflow` logic, two
//   memif ports (ids 0 and 1 = OpenFlow ports 1 and 2), one worker, fail
//   mode secure, no flow persistence and `--controller unix:<bench socket>`.  startOvs() starts OvsPeer
//   (ovsdb-server + ovs-vswitchd, netdev datapath, dummy ports p1 and p2
//   at OpenFlow ports 1..9, OpenFlow 1.3, fail mode secure, in a
//   network namespace of its own) and points br0's controller at the
//   bench socket instead of OvsPeer's packet-in sink, with no packet-in
//   rate limit (Open vSwitch's default).  Both controllers are unix
//   sockets, so the transport is the same on both sides.
//
// Design
//   A BenchSwitch says what a benchmark needs and no more: the controller
//   connection, the pid whose CPU time is the switch's, how to offer frames
//   to port 1 (Offer), for ours a client counting what leaves port 2
//   (readOutPort), and stop().  Offering differs by nature: ours takes
//   frames from a memif client (mswitch-pkt-gen tx), OVS's dummy port only
//   from `netdev-dummy/receive` over its unixctl socket, so each side says
//   what it offered.
//
// Thread-safety: event-loop only.
import { execFileSync } from 'child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { OvsPeer, ovsPeerUnavailable } from '../support/ovs-peer';
import { BenchController } from './of-bench-controller';
import { IN_PORT, OUT_PORT, udpFrame } from './of-bench-messages';
import { Child } from './harness';
import { daemonNodeArgs, pktGenPath, pktGenSummary, startConnected } from './peers';

// What one offering of frames to port 1 did.
export interface Offered {
  frames: number;          // frames the generator handed to the switch
  seconds: number;         // from the first frame offered to the last
}

// A client reading the switch's port 2 while it is open.
export interface OutPortReader {
  // Stops reading; resolves with the frames the client received.
  stop(): Promise<number>;
}

export interface BenchSwitch {
  name: 'mswitch' | 'ovs';
  ctl: BenchController;
  pid: number;
  inPorts: number[];       // the ports offer() sends into
  outPort: number;         // the port packet-outs and flows send to
  // Connects a client of ours to 'outPort' that counts what it receives
  // (ours: mswitch-pkt-gen rx on memif id 1); absent for OVS's dummy port,
  // whose only count is its own tx_packets.
  readOutPort?(): Promise<OutPortReader>;
  // Offers frames to 'inPorts' for 'seconds', at 'pps' when given (ours
  // only; OVS takes what its injection path allows).
  offer(seconds: number, pps?: number): Promise<Offered>;
  stop(): Promise<void>;
}

// `mswitch start` as peers.ts startMswitch runs it, plus the switch key
// flowRestore: false.  With flow persistence on (the default) the state
// store dumps the whole flow table about once a second while flows change,
// and a dump is quadratic in the number of flows today (see the README's
// Performance notes), so a 100 000-flow install would measure the dump;
// Open vSwitch does not persist flows either.
async function startDaemon(dir: string, controller: string): Promise<{ child: Child; socket: string }> {
  const rundir = join(dir, 'run');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'mswitch.json');
  writeFileSync(file, JSON.stringify({
    api: { listen: 'none' },
    switches: [{
      name: 'br0', logic: 'openflow', workers: 1, flowRestore: false,
      memif: { abstract: false, autoCreate: false, interfaces: [{ id: 0, port: IN_PORT }, { id: 1, port: OUT_PORT }] },
    }],
  }, null, 1));
  const env = { ...process.env, MSWITCH_RUNDIR: rundir, MSWITCH_STATEDIR: join(dir, 'state'), MSWITCH_LOG_LEVEL: 'info' };
  const child = Child.spawn('mswitch', process.execPath,
    [...daemonNodeArgs(), 'start', '--config', file, '--rundir', rundir, '--controller', controller, '--fail-mode', 'secure'], env);
  await child.waitFor(/"event":"started"/, 20000);
  return { child, socket: join(rundir, 'br0.memif') };
}

export async function startOurs(dir: string): Promise<BenchSwitch> {
  const gen = pktGenPath();
  if (!gen) throw new Error('mswitch-pkt-gen is not built');
  // Inside the daemon's run directory, where unix: targets belong (as Open
  // vSwitch requires).
  const rundir = join(dir, 'mswitch', 'run');
  mkdirSync(rundir, { recursive: true });
  const sock = join(rundir, 'bench-controller.sock');
  const ctl = await BenchController.listen(sock);
  try {
    const sw = await startDaemon(join(dir, 'mswitch'), `unix:${sock}`);
    try {
      await ctl.ready(20000);
    } catch (e) {
      await sw.child.stop('SIGTERM', 5000);
      throw new Error(`${(e as Error).message}; mswitch:\n${sw.child.tail()}`);
    }
    return {
      name: 'mswitch',
      ctl,
      pid: sw.child.pid,
      inPorts: [IN_PORT],
      outPort: OUT_PORT,
      readOutPort: async () => {
        const rx = await startConnected({ mode: 'rx', socket: sw.socket, id: 1, len: 60 });
        let got: Promise<number> | undefined;
        return {
          stop: () => {
            got ??= rx.stop('SIGINT').then(() => pktGenSummary(rx).rx?.packets ?? 0);
            return got;
          },
        };
      },
      offer: async (seconds, pps) => {
        const extra = pps ? ['-R', String(Math.round(pps))] : [];
        const tx = await startConnected({ mode: 'tx', socket: sw.socket, id: 0, len: 60, seconds, extra });
        await tx.finish((seconds + 10) * 1000);
        const s = pktGenSummary(tx).tx;
        return { frames: s?.packets ?? 0, seconds: s?.duration_s ?? NaN };
      },
      stop: async () => {
        await sw.child.stop('SIGTERM', 5000);
        await ctl.close();
      },
    };
  } catch (e) {
    await ctl.close();
    throw e;
  }
}

// Frames per netdev-dummy/receive call.  A dummy port's receive queue
// holds 100 frames and drops the rest without counting them, and
// ovs-vswitchd's main loop takes one frame per port per iteration, so
// frames go round-robin to kOvsInPorts ports: OVS's port counters then
// say how many really entered (offer() reports what was handed over).
const kInjectBatch = 50;
const kOvsInPorts = [1, 3, 4, 5, 6, 7, 8, 9];

export async function startOvs(): Promise<BenchSwitch> {
  const why = ovsPeerUnavailable();
  if (why) throw new Error(`peer absent: ${why}`);
  const peer = await OvsPeer.start({ ports: [...kOvsInPorts, OUT_PORT].sort((a, b) => a - b) });
  // ovs-vswitchd connects to unix: controllers only inside its run directory.
  const sock = join(peer.dir, 'bench-controller.sock');
  let ctl: BenchController | undefined;
  try {
    ctl = await BenchController.listen(sock);
    execFileSync('ovs-vsctl', [`--db=unix:${join(peer.dir, 'db.sock')}`, '--timeout=20', 'set-controller', 'br0', `unix:${sock}`],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    await ctl.ready(20000);
    const pid = Number.parseInt(readFileSync(join(peer.dir, 'ovs-vswitchd.pid'), 'utf8'), 10);
    const hex = udpFrame().toString('hex');
    const batch = new Array<string>(kInjectBatch).fill(hex);
    const c = ctl;
    return {
      name: 'ovs',
      ctl: c,
      pid,
      inPorts: kOvsInPorts,
      outPort: OUT_PORT,
      offer: async (seconds) => {
        let frames = 0;
        const t0 = process.hrtime.bigint();
        const end = t0 + BigInt(Math.round(seconds * 1e9));
        for (let i = 0; process.hrtime.bigint() < end; i++) {
          await peer.appctl('netdev-dummy/receive', `p${kOvsInPorts[i % kOvsInPorts.length]}`, ...batch);
          frames += kInjectBatch;
        }
        return { frames, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
      },
      stop: async () => {
        await c.close();
        await peer.stop();
      },
    };
  } catch (e) {
    await ctl?.close();
    await peer.stop();
    throw e;
  }
}
