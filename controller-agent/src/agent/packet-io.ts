// Packets between the switch and its controllers: PACKET_IN from the
// switch's controller queue, PACKET_OUT through the `openflow` logic.
//
// What?  PacketInPump drains the controller queue (datapath.ts
// readControllerQueue: frames the logic's `output:controller` actions
// sent) into PACKET_IN messages.  packetOut() runs a PACKET_OUT's actions
// with the logic's `packet_out` command (control-text.md) and transmits
// the frames its reply lists with sendFrames; packet-ins the actions ask
// for (output:CONTROLLER, or output:TABLE reaching a controller flow) go
// back to the controllers like any other.  A PACKET_OUT whose actions
// are only outputs to numbered ports (the common case: a controller
// forwarding the packet it was asked about) skips the logic: the frames
// are what its reply would list, without the round trip through control
// text, which cost more than the rest of the packet-out together.
//
// Design.  We never buffer: every PACKET_IN carries buffer_id OFP_NO_BUFFER
// and the packet as the logic cut it to the action's max_len (Open vSwitch
// does the same), so a PACKET_OUT or FLOW_MOD naming a buffer gets
// OFPBRC_BUFFER_UNKNOWN.  The packet-in's match is in_port, and metadata
// when the pipeline set it (what OpenFlow 1.3.5 section 7.4.1 asks a
// switch to include that it can).  The pump reads in batches and re-arms
// the queue's wake-up by reading until a batch comes back short, as the
// addon's contract asks.
//
// Under a flood (more frames for the controller than it takes) the excess
// must be dropped where that is cheapest: in the controller queue, by the
// workers, counted (`controller-queue` drops).  So the pump reads only
// while some controller can take packet-ins ('ready': a session whose
// socket is not backlogged, ControllerManager.packetInReady); otherwise it
// leaves the frames queued and looks again every PAUSED_POLL_MS.  Reading
// them to drop them in JS instead cost the event loop all its time, the
// sockets never flushed, and delivery fell to about 1% of the moderate
// rate.  It also reads at most TURN_BUDGET entries per event-loop turn so
// that socket writes, echo replies and flow mods go on during a flood.
// With no controller that takes packet-ins at all ('none': none connected,
// or all masked them off) the pump parks: it reads nothing and sets no
// timer, the queue fills and the workers drop the rest, and the JS thread
// stays idle however much traffic misses.  resume() (a session connected,
// or the bridge's tick) first discards what waited, at most FLUSH_MAX
// entries, counted as no_controller: a controller that connects gets
// packet-ins of packets that arrive after it, not a backlog from before.
//
// Thread-safety: JS thread only; the queue itself is filled by the
// datapath's workers and read here through the addon.

import { fullMask, NativeTranslationError, nativeActions, parseNativeError, OFPP_ANY, OFPP_CONTROLLER } from '../../../ovs-compat/src';
import type { FieldMatch } from '../../../ovs-compat/src';
import { LIMITS } from '../config-limits';
import { PORT_CONTROLLER } from '../datapath';
import type { ControllerPacket, NativeSwitch, OutFrame } from '../datapath';
import { OFP_NO_BUFFER, OpenFlowError } from '../openflow';
import type { MessageOf } from '../openflow';
import { ofErrorOf, toFlowActions } from './flow-mods';
import type { AsyncMessage, SendAsyncOptions } from './types';

/** Entries taken from the controller queue per read. */
const READ_BATCH = 256;
/** Entries read per event-loop turn before yielding to I/O. */
const TURN_BUDGET = 2048;
/** While every controller that takes packet-ins is backlogged, how often to look again. */
const PAUSED_POLL_MS = 1;
/** Entries resume() discards at most (the queue's own size, and then some). */
const FLUSH_MAX = 8192;
const OFPR_REASONS: Readonly<Record<string, number>> = { no_match: 0, action: 1, invalid_ttl: 2 };

/** A message for the controllers with the options that route it (ControllerManager.sendAsync). */
export interface RoutedMessage {
  msg: AsyncMessage;
  opts: SendAsyncOptions;
}

export type PacketInSink = (m: AsyncMessage, opts: SendAsyncOptions) => void;

/**
 * Whether the controllers can take packet-ins: 'ready'; 'backlogged'
 * (every session that takes them has a full socket: look again shortly);
 * 'none' (no session takes them: park until resume()).
 */
export type PacketInReadiness = 'ready' | 'backlogged' | 'none';

// An implicit table miss (MSW_TO_CONTROLLER_TABLE_MISS, or `table_miss=1`
// in a packet_out reply) goes to OpenFlow 1.0 sessions only (table-miss.ts).
const IMPLICIT_MISS: SendAsyncOptions = Object.freeze({ tableMiss: true });
const PLAIN: SendAsyncOptions = Object.freeze({});

export function packetInMatch(inPort: number, metadata: bigint): FieldMatch[] {
  const match: FieldMatch[] = [{ field: 'in_port', value: BigInt(inPort), mask: fullMask(32) }];
  if (metadata !== 0n) match.push({ field: 'metadata', value: metadata, mask: fullMask(64) });
  return match;
}

function toPacketIn(p: ControllerPacket): AsyncMessage {
  return {
    type: 'OFPT_PACKET_IN',
    bufferId: OFP_NO_BUFFER,
    totalLen: p.totalLen,
    reason: p.reason,
    tableId: p.tableId,
    cookie: p.cookie,
    match: packetInMatch(p.inPort, p.metadata),
    data: p.data,
  };
}

export class PacketInPump {
  private running = false;
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Packet-ins handed to the sink since start. */
  sent = 0;
  /** Times the pump stopped reading because no controller could take more (backpressure). */
  paused = 0;
  /** Entries resume() discarded (queued while no controller took packet-ins). */
  discarded = 0;
  private parked = false;

  /**
   * 'ready' says whether a controller can take packet-ins now (some
   * session's send buffer has room); while it says no, frames stay in the
   * controller queue, whose overflow the workers drop and count.
   * 'discard' is told of each entry resume() throws away.
   */
  constructor(private readonly sw: Pick<NativeSwitch, 'onControllerQueue' | 'readControllerQueue'>, private readonly sink: PacketInSink,
    private readonly ready: () => PacketInReadiness = () => 'ready', private readonly discard: (p: ControllerPacket) => void = () => undefined) {}

  /** True while parked: no controller took packet-ins when the pump last looked. */
  get isParked(): boolean {
    return this.parked;
  }

  /**
   * Ends a park once some controller takes packet-ins: discards what was
   * queued meanwhile, then reads as usual (which re-arms the queue's
   * wake-up).  Cheap when not parked or still no taker.
   */
  resume(): void {
    if (!this.running || !this.parked || this.ready() === 'none') return;
    this.parked = false;
    for (let left = FLUSH_MAX; left > 0;) {
      const want = Math.min(READ_BATCH, left);
      const batch = this.sw.readControllerQueue(want);
      for (const p of batch) this.discard(p);
      this.discarded += batch.length;
      left -= batch.length;
      if (batch.length < want) break;
    }
    this.drain();
  }

  start(): void {
    this.running = true;
    this.sw.onControllerQueue(() => this.drain());
  }

  /**
   * Reads at most TURN_BUDGET entries, then yields to the event loop so
   * the sockets can flush what was written and requests get answered.  A
   * read that comes back short has emptied the queue and re-armed its
   * wake-up; any other exit must come back by itself (setImmediate, or a
   * timer while paused), since the queue will not call.
   */
  drain(): void {
    this.cancelLater();
    if (!this.running) return;
    let budget = TURN_BUDGET;
    while (budget > 0) {
      const state = this.ready();
      if (state === 'none') {
        // Not re-armed: no wake-up, no timer until resume().
        this.parked = true;
        return;
      }
      if (state === 'backlogged') {
        this.paused++;
        this.timer = setTimeout(() => this.drain(), PAUSED_POLL_MS);
        return;
      }
      const want = Math.min(READ_BATCH, budget);
      const batch = this.sw.readControllerQueue(want);
      for (const p of batch) this.sink(toPacketIn(p), p.tableMiss === true ? IMPLICIT_MISS : PLAIN);
      this.sent += batch.length;
      budget -= batch.length;
      if (batch.length < want) return;
    }
    this.immediate = setImmediate(() => this.drain());
  }

  stop(): void {
    this.running = false;
    this.parked = false;
    this.cancelLater();
    this.sw.onControllerQueue(null);
  }

  private cancelLater(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}

/** What the logic's packet_out reply asked for. */
export interface PacketOutResult {
  frames: OutFrame[];
  packetIns: RoutedMessage[];
}

function keyValues(line: string): Map<string, string> {
  return new Map(line.trim().split(/\s+/).slice(1).map((t) => {
    const eq = t.indexOf('=');
    return [t.slice(0, eq), t.slice(eq + 1)] as [string, string];
  }));
}

// The in_port a packet-in of a packet-out names: the datapath's number for
// "from the controller" (logic.h MSW_PORT_CONTROLLER, 0xfffffffe) is
// OpenFlow's LOCAL, so a packet-out sent from the controller says
// OFPP_CONTROLLER, as Open vSwitch's do.
function packetOutInPort(reported: number, inPort: number | undefined): number {
  return inPort === undefined && reported === PORT_CONTROLLER ? OFPP_CONTROLLER : reported;
}

/** Reads a `packet_out` reply (control-text.md "Queries": the trace step lines). */
export function parsePacketOutReply(reply: string, inPort: number | undefined): PacketOutResult {
  const out: PacketOutResult = { frames: [], packetIns: [] };
  for (const line of reply.split('\n')) {
    const kind = line.trim().split(/\s+/)[0];
    if (kind === 'output') {
      const kv = keyValues(line);
      const data = Buffer.from(kv.get('hex') ?? '', 'hex');
      const port = kv.get('port') ?? '';
      if (port === 'flood') out.frames.push({ port: 'flood', data, ...(inPort !== undefined && { exceptPort: inPort }) });
      else if (/^\d+$/.test(port)) out.frames.push({ port: Number(port), data });
      else throw new Error(`packet_out: output to "${port}" cannot be sent: ${line}`);
    } else if (kind === 'packet_in') {
      const kv = keyValues(line);
      const data = Buffer.from(kv.get('hex') ?? '', 'hex');
      const msg: AsyncMessage = {
        type: 'OFPT_PACKET_IN',
        bufferId: OFP_NO_BUFFER,
        totalLen: Number(kv.get('total_len') ?? data.length),
        reason: OFPR_REASONS[kv.get('reason') ?? 'action'] ?? 1,
        tableId: Number(kv.get('table') ?? 0),
        cookie: BigInt(kv.get('cookie') ?? 0),
        match: packetInMatch(packetOutInPort(Number(kv.get('in_port') ?? 0), inPort), BigInt(kv.get('metadata') ?? 0)),
        data,
      };
      out.packetIns.push({ msg, opts: kv.get('table_miss') === '1' ? IMPLICIT_MISS : PLAIN });
    }
  }
  return out;
}

/**
 * What PACKET_OUT 'm' (OpenFlow 1.3.5 section 7.3.7) sends and asks for,
 * sending nothing yet: the frames its actions output, and the packet-ins
 * (output:CONTROLLER, or output:TABLE reaching a controller flow or a
 * table miss) for the controllers.  Throws the OpenFlowError to answer.
 */
export function planPacketOut(sw: Pick<NativeSwitch, 'logicControl' | 'ports'>, m: MessageOf<'OFPT_PACKET_OUT'>): PacketOutResult {
  if (m.bufferId !== OFP_NO_BUFFER) throw new OpenFlowError('OFPBRC_BUFFER_UNKNOWN', `buffer ${m.bufferId}: this switch buffers no packets`);
  if (m.data.length < 14) throw new OpenFlowError('OFPBRC_BAD_PACKET', `packet of ${m.data.length} bytes is shorter than an Ethernet header`);
  // A packet from the controller (or from no port: 1.0's OFPP_NONE) has no switch port to come from.
  const fromController = m.inPort === OFPP_CONTROLLER || m.inPort === OFPP_ANY;
  if (!fromController && !sw.ports().some((p) => p.index === m.inPort)) {
    throw new OpenFlowError('OFPBRC_BAD_PORT', `in_port ${m.inPort} is not a port of this switch`);
  }
  const direct = directOutputs(m, fromController);
  if (direct !== undefined) return { frames: direct, packetIns: [] };
  let actions: string;
  try {
    actions = nativeActions(toFlowActions(m.actions, []));
  } catch (e) {
    if (e instanceof NativeTranslationError) throw ofErrorOf({ type: e.type, code: e.ofCode, typeNumber: 0, codeNumber: 0, message: e.message });
    throw e;
  }
  let reply: string;
  try {
    reply = sw.logicControl(`packet_out in_port=${fromController ? 'controller' : m.inPort} actions=${actions} hex=${m.data.toString('hex')}`);
  } catch (e) {
    const err = parseNativeError((e as Error).message);
    if (err !== undefined) throw ofErrorOf(err);
    throw new OpenFlowError('OFPBRC_EPERM', `packet_out: ${(e as Error).message}`);
  }
  return parsePacketOutReply(reply, fromController ? undefined : m.inPort);
}

type PacketOutSwitch = Pick<NativeSwitch, 'logicControl' | 'sendFrames' | 'ports'>;

/** Runs PACKET_OUT 'm' and sends its frames; returns the packet-ins for the controllers. */
export function packetOut(sw: PacketOutSwitch, m: MessageOf<'OFPT_PACKET_OUT'>): RoutedMessage[] {
  const result = planPacketOut(sw, m);
  if (result.frames.length > 0) sendToRemainingPorts(sw, result.frames);
  return result.packetIns;
}

/**
 * Runs PACKET_OUTs 'msgs' that a controller queued back to back: each is
 * planned on its own (its error, if any, in its place), then the frames of
 * all of them leave in order in one sendFrames call, so a receiver is woken
 * once per batch rather than once per packet-out.
 */
export function packetOuts(sw: PacketOutSwitch, msgs: readonly MessageOf<'OFPT_PACKET_OUT'>[]): (RoutedMessage[] | OpenFlowError)[] {
  const planned = msgs.map((m): PacketOutResult | OpenFlowError => {
    try {
      return planPacketOut(sw, m);
    } catch (e) {
      if (e instanceof OpenFlowError) return e;
      throw e;
    }
  });
  const frames: OutFrame[] = [];
  for (const p of planned) if (!(p instanceof OpenFlowError)) frames.push(...p.frames);
  try {
    if (frames.length > 0) sendToRemainingPorts(sw, frames);
  } catch {
    // The batch was refused as a whole: send message by message, so the
    // refusal lands on the packet-out it belongs to.
    return planned.map((p) => {
      if (p instanceof OpenFlowError) return p;
      try {
        if (p.frames.length > 0) sendToRemainingPorts(sw, p.frames);
        return p.packetIns;
      } catch (e) {
        return new OpenFlowError('OFPBRC_EPERM', `packet_out: ${(e as Error).message}`);
      }
    });
  }
  return planned.map((p) => (p instanceof OpenFlowError ? p : p.packetIns));
}

/**
 * The frames of PACKET_OUT 'm' when its actions are only `output` to port
 * numbers the logic accepts (1..LIMITS.portMax), else undefined (the logic
 * must run them).  As the logic does: each output sends the unmodified
 * frame once, and an output back to a real in_port is dropped (only
 * OFPP_IN_PORT may do that, OpenFlow 1.3.5 section 7.2.5).
 */
function directOutputs(m: MessageOf<'OFPT_PACKET_OUT'>, fromController: boolean): OutFrame[] | undefined {
  const frames: OutFrame[] = [];
  for (const a of m.actions) {
    if (a.type !== 'output' || !Number.isInteger(a.port) || a.port < 1 || a.port > LIMITS.portMax) return undefined;
    if (fromController || a.port !== m.inPort) frames.push({ port: a.port, data: m.data });
  }
  return frames;
}

/**
 * Sends 'frames'; if a port went between the logic's answer and now
 * (sendFrames refuses the whole call with ENOENT before sending any),
 * sends to those that remain.  Asking ports() first every time would cost
 * more than the packet-out itself: it reads every port's counters.
 */
function sendToRemainingPorts(sw: Pick<NativeSwitch, 'sendFrames' | 'ports'>, frames: OutFrame[]): void {
  try {
    sw.sendFrames(frames);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const ports = new Set(sw.ports().map((p) => p.index));
    const remaining = frames.filter((f) => f.port === 'flood' || ports.has(f.port));
    if (remaining.length > 0) sw.sendFrames(remaining);
  }
}
