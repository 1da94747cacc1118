// Background traffic for datapath tests: a pkt-gen receiver and sender on
// two memif ports of a rig's switch, and the check that every frame sent
// is accounted for (received, or counted as dropped on the receiver port).
import { expect } from 'chai';

import { pktGen } from '../support/pkt-gen';

export interface StreamCheck {
  stream: number;
  received: number;
  out_of_order: number;
  duplicates: number;
  gaps: number;
}
export interface RxSummary { rx: { packets: number; bytes: number; streams: StreamCheck[] } }
export interface TxSummary { tx: { packets: number; bytes: number } }

export interface TrafficOptions {
  socket: string;
  txId: number;
  rxId: number;
  seconds: number;
  rate?: string;       // -R, e.g. '200k'
  len?: number;
  stream?: number;
  count?: number;      // -n for the sender
  extraTx?: string[];
  extraRx?: string[];
}

// Starts the receiver, lets it connect, then the sender; resolves with both
// summaries once both exit.
export async function runTraffic(o: TrafficOptions): Promise<{ tx: TxSummary; rx: RxSummary }> {
  const rxP = pktGen<RxSummary>(['-f', 'rx', '-i', o.socket, '--id', String(o.rxId), '-T', String(o.seconds + 2),
    '--ring-size', '4096', ...(o.extraRx ?? [])], { timeoutMs: (o.seconds + 20) * 1000 });
  await new Promise((r) => setTimeout(r, 500));
  const txArgs = ['-f', 'tx', '-i', o.socket, '--id', String(o.txId), '-l', String(o.len ?? 60),
    '--stream', String(o.stream ?? 0), ...(o.count ? ['-n', String(o.count)] : ['-T', String(o.seconds)]),
    ...(o.rate ? ['-R', o.rate] : []), ...(o.extraTx ?? [])];
  const tx = await pktGen<TxSummary>(txArgs, { timeoutMs: (o.seconds + 20) * 1000 });
  const rx = await rxP;
  return { tx, rx };
}

// Every stream arrived in order without duplicates.
export function expectOrdered(rx: RxSummary): void {
  for (const s of rx.rx.streams) {
    expect(s.out_of_order, `stream ${s.stream} out of order`).to.equal(0);
    expect(s.duplicates, `stream ${s.stream} duplicates`).to.equal(0);
  }
}
