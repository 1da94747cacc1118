// One sample of each of the control-plane benchmark's controller-to-switch
// measurements (openflow-control.ts runs them): the PACKET_OUT rate with
// what really left the output port, and the BARRIER / ECHO round-trip
// time on an idle connection.
//
// What?
//   packetOutOnce(sw, chunks, n) writes n pre-encoded OFPT_PACKET_OUTs
//   (from OFPP_CONTROLLER, output:2) back to back, then a BARRIER_REQUEST;
//   the rate is n / (first byte written .. BARRIER_REPLY).  Delivery is
//   port 2's tx_packets delta from OFPMP_PORT_STATS, read once right after
//   the barrier reply ('at barrier') and again once it has stopped moving
//   ('delivered'): a switch that accepted n packet-outs without an error
//   but transmitted fewer says so in those figures, it does not fail.
//   For ours a memif client on port 2 also counts what it really got.  Any
//   OFPT_ERROR fails the sample.
//   roundTripOnce(sw, kind, n) sends n BARRIER_REQUESTs (or ECHO_REQUESTs),
//   each once the previous one's reply came, and gives p50 and p99.
//
// Design.  Both switches are measured by the same code over the same kind
// of socket; only the optional client count differs.  The CPU figure is
// the switch process's user+system time over the timed window.
//
// Thread-safety: event-loop only.
import { cpuSeconds, sleep } from './harness';
import { barrier, echoRequest, portStatsAll } from './of-bench-messages';
import { percentile, portCounters } from './of-bench-stats';
import type { PortCounters } from './of-bench-stats';
import type { BenchSwitch, OutPortReader } from './of-bench-switches';

export interface PacketOutResult {
  perS: number;             // packet-outs / s, first byte to BARRIER_REPLY
  seconds: number;
  atBarrier: number;        // fraction of n in port 2's tx_packets right after the barrier reply
  delivered: number;        // the same once the counter stopped moving
  clientRx: number;         // fraction of n a client on port 2 received (ours), NaN otherwise
  txDropped: number;        // port 2's tx_dropped + tx_errors delta
  cpu: number;              // switch CPU over the timed window, cores
}

export interface RoundTripResult {
  p50Us: number;
  p99Us: number;
  maxUs: number;
  cpuUsPerTrip: number;     // switch CPU time per round trip, µs
}

async function outPort(sw: BenchSwitch): Promise<PortCounters> {
  const all = portCounters(await sw.ctl.request(portStatsAll()), [sw.outPort], sw.name);
  return all.get(sw.outPort)!;
}

// Port 2's counters once tx_packets stayed the same for 'quietMs' (a
// switch may still be sending frames it accepted), at most 'maxMs'.
async function settledOutPort(sw: BenchSwitch, first: PortCounters, quietMs: number, maxMs: number): Promise<PortCounters> {
  const t0 = Date.now();
  let last = first;
  let since = Date.now();
  while (Date.now() - t0 < maxMs) {
    await sleep(50);
    const now = await outPort(sw);
    if (now.txPackets !== last.txPackets) since = Date.now();
    else if (Date.now() - since >= quietMs) return now;
    last = now;
  }
  return last;
}

/**
 * Writes 'chunks' (messages encoded beforehand) back to back, then a
 * barrier: the seconds from the first byte to the BARRIER_REPLY and the
 * switch's CPU share meanwhile.  Errors that came back are the caller's
 * to check.
 */
export async function pipelined(sw: BenchSwitch, chunks: Buffer[]): Promise<{ seconds: number; cpu: number }> {
  const cpu0 = cpuSeconds(sw.pid);
  const t0 = process.hrtime.bigint();
  await sw.ctl.sendAll(chunks);
  await sw.ctl.request(barrier(), 600000);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, cpu: (cpuSeconds(sw.pid) - cpu0) / seconds };
}

export async function packetOutOnce(sw: BenchSwitch, chunks: Buffer[], n: number): Promise<PacketOutResult> {
  const errors = sw.ctl.errors.length;
  const reader: OutPortReader | undefined = sw.readOutPort ? await sw.readOutPort() : undefined;
  try {
    const c0 = await outPort(sw);
    const { seconds, cpu } = await pipelined(sw, chunks);
    const c1 = await outPort(sw);
    const c2 = await settledOutPort(sw, c1, 300, 5000);
    const clientRx = reader ? (await reader.stop()) / n : NaN;
    if (sw.ctl.errors.length > errors) {
      throw new Error(`${sw.name}: ${sw.ctl.errors.length - errors} error(s) for ${n} packet-outs, first: ${sw.ctl.errors[errors]}`);
    }
    return {
      perS: n / seconds,
      seconds,
      atBarrier: (c1.txPackets - c0.txPackets) / n,
      delivered: (c2.txPackets - c0.txPackets) / n,
      clientRx,
      txDropped: c2.txDropped + c2.txErrors - c0.txDropped - c0.txErrors,
      cpu,
    };
  } finally {
    await reader?.stop().catch(() => undefined);
  }
}

export type RoundTripKind = 'barrier' | 'echo';

export async function roundTripOnce(sw: BenchSwitch, kind: RoundTripKind, n: number): Promise<RoundTripResult> {
  const errors = sw.ctl.errors.length;
  const cpu0 = cpuSeconds(sw.pid);
  const ns = kind === 'barrier' ? await sw.ctl.roundTrips(barrier(), 'OFPT_BARRIER_REPLY', n)
    : await sw.ctl.roundTrips(echoRequest(), 'OFPT_ECHO_REPLY', n);
  const cpu = cpuSeconds(sw.pid) - cpu0;
  if (sw.ctl.errors.length > errors) throw new Error(`${sw.name}: ${sw.ctl.errors.slice(errors).join('; ')}`);
  const us = ns.map((x) => x / 1000);
  return { p50Us: percentile(us, 50), p99Us: percentile(us, 99), maxUs: Math.max(...us), cpuUsPerTrip: (cpu * 1e6) / n };
}
