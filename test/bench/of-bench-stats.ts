// What the control-plane benchmarks (openflow-control.ts) read out of a
// switch's replies and their own timings: port counters from an
// OFPMP_PORT_STATS reply, and percentiles of round-trip times.
//
// What?
//   portCounters(reply, ports) sums nothing and guesses nothing: it takes
//   every part of a multipart reply (REPLY_MORE splits a long one), keeps
//   the ports asked for, and throws when one of them is missing or comes
//   twice, so a benchmark never computes a delta against a port it did not
//   see.  percentile(xs, p) is the nearest-rank percentile (the smallest
//   value with at least p% of the samples at or below it), so p99 of a
//   run is a time one round trip really took, not an interpolation.
//
// Thread-safety: pure functions.
import type { OfMessage } from '../../controller-agent/src/openflow';

// The counters of one port the benchmarks use, as plain numbers (far
// below 2^53 in any run).
export interface PortCounters {
  rxPackets: number;
  txPackets: number;
  txDropped: number;
  txErrors: number;
}

// The counters of each of 'ports' in the OFPMP_PORT_STATS reply 'reply'
// (every part of it); 'who' names the switch in errors.
export function portCounters(reply: OfMessage[], ports: number[], who: string): Map<number, PortCounters> {
  const out = new Map<number, PortCounters>();
  for (const m of reply) {
    if (m.type !== 'OFPT_MULTIPART_REPLY' || m.mpType !== 'OFPMP_PORT_STATS') {
      throw new Error(`${who}: expected OFPMP_PORT_STATS replies, got ${m.type}${m.type === 'OFPT_MULTIPART_REPLY' ? ` ${m.mpType}` : ''}`);
    }
    for (const p of m.ports) {
      if (!ports.includes(p.portNo)) continue;
      if (out.has(p.portNo)) throw new Error(`${who}: port ${p.portNo} appears twice in one port stats reply`);
      out.set(p.portNo, {
        rxPackets: Number(p.rxPackets), txPackets: Number(p.txPackets), txDropped: Number(p.txDropped), txErrors: Number(p.txErrors),
      });
    }
  }
  const missing = ports.filter((p) => !out.has(p));
  if (missing.length) throw new Error(`${who}: no port stats for port(s) ${missing.join(',')} (got ${[...out.keys()].join(',') || 'none'})`);
  return out;
}

// The nearest-rank 'p'th percentile (0 < p <= 100) of 'xs'; NaN for none.
export function percentile(xs: number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is not in (0, 100]`);
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.ceil((p / 100) * s.length) - 1];
}
