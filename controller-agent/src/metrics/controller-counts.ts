// What happens to a bridge's controller connections, counted where it
// happens (the ControllerManager and its sessions) and read by the metrics
// collector at scrape time (controller-families.ts): connects and
// disconnects per configured target, disconnects by reason, packet-ins by
// reason and result, and echo round-trip times.
//
// What?  controllerCounts(sw) gives the counts of one native switch
// (created empty on first use); the manager calls connected(),
// disconnected(), packetIn() and echoRtt() on it.  disconnectReason()
// folds a session's free-text close reason into a small enum.
//
// Design: as flow-counters.ts, the counts hang off the native switch in a
// WeakMap, so they survive a reconfiguration or restart of the bridge's
// OpenFlow side and die with the switch.  Labels are bounded: the target
// is the configured one (for a passive session, its listener's text, never
// the peer's address), reasons and results are the enums below.  Echo
// round trips are kept as the last RTT_KEEP samples with a running
// sequence number; each histogram reads the samples it has not seen yet
// (an echo goes out at most once per inactivity probe, >= 100 ms, so a
// scrape every minute never misses any).
//
// Thread-safety: JS thread only.

export const DISCONNECT_REASONS = [
  'peer_closed', 'socket_error', 'inactivity', 'no_hello', 'hello_failed', 'protocol_error', 'removed', 'stopping', 'other',
] as const;
export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

export const PACKET_IN_REASONS = ['no_match', 'action', 'invalid_ttl', 'other'] as const;
export const PACKET_IN_RESULTS = ['sent', 'rate_limited', 'queue_full', 'no_controller'] as const;
export type PacketInResult = (typeof PACKET_IN_RESULTS)[number];

// The packetIns keys, built once: a packet-in is counted at line rate.
const PACKET_IN_KEYS: readonly Readonly<Record<PacketInResult, string>>[] = PACKET_IN_REASONS.map((reason) =>
  Object.fromEntries(PACKET_IN_RESULTS.map((result) => [result, `${reason} ${result}`])) as Record<PacketInResult, string>);

/** How many echo round trips are kept for the histograms to read. */
export const RTT_KEEP = 1024;

export interface RttSample {
  target: string;
  seconds: number;
}

export class ControllerCounts {
  /** target -> sessions that negotiated a version. */
  readonly connects = new Map<string, number>();
  /** "target\nreason" -> sessions of that target closed for that reason. */
  readonly disconnects = new Map<string, number>();
  /** "reason result" -> packet-ins. */
  readonly packetIns = new Map<string, number>();
  /** The last RTT_KEEP echo round trips; rtts[i] has sequence number rttSeq - rtts.length + i. */
  readonly rtts: RttSample[] = [];
  rttSeq = 0;
  /** The running manager's configured targets and sessions (set while it runs). */
  live: (() => { targets: string[]; sessions: { target: string; connected: boolean; role: string; controller: boolean }[] }) | undefined;

  connected(target: string): void {
    bump(this.connects, target);
  }

  disconnected(target: string, reason: DisconnectReason): void {
    bump(this.disconnects, `${target}\n${reason}`);
  }

  /** 'reason' is the PACKET_IN's ofp_packet_in_reason number. */
  packetIn(reason: number, result: PacketInResult): void {
    bump(this.packetIns, PACKET_IN_KEYS[Math.min(reason, 3)][result]);
  }

  echoRtt(target: string, ms: number): void {
    this.rtts.push({ target, seconds: ms / 1000 });
    if (this.rtts.length > RTT_KEEP) this.rtts.shift();
    this.rttSeq++;
  }
}

const counts = new WeakMap<object, ControllerCounts>();

/** The controller counts of switch 'sw' (created empty on first use). */
export function controllerCounts(sw: object): ControllerCounts {
  let c = counts.get(sw);
  if (c === undefined) counts.set(sw, (c = new ControllerCounts()));
  return c;
}

/** A session's close reason (session.ts, controller-manager.ts) as a label. */
export function disconnectReason(text: string): DisconnectReason {
  if (/^connection closed/.test(text)) return 'peer_closed';
  if (/^socket error/.test(text)) return 'socket_error';
  if (/^inactivity probe/.test(text)) return 'inactivity';
  if (/^no HELLO/.test(text)) return 'no_hello';
  if (/^HELLO failed/.test(text)) return 'hello_failed';
  if (/^(protocol error|framing)/.test(text)) return 'protocol_error';
  if (/removed by configuration|no longer enabled/.test(text)) return 'removed';
  if (/^switch stopping/.test(text)) return 'stopping';
  return 'other';
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}
