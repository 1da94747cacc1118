// The switch side of OpenFlow for one bridge: the BridgeHandler
// (types.ts) that executes what controllers ask and reports what happens.
//
// What?  BridgeAgent answers FEATURES and PORT_DESC content, applies
// FLOW_MOD, GROUP_MOD and METER_MOD to the `openflow` logic (flows.ts; a
// 1.3 session's FLOW_MODs as the wire bytes, which the logic decodes),
// answers multipart requests (stats.ts), runs PACKET_OUT (packet-io.ts),
// and sends the asynchronous messages: PACKET_IN from the controller
// queue (implicit table misses to OpenFlow 1.0 sessions only, while some
// are connected: table-miss.ts), FLOW_REMOVED from the logic's `events`,
// PORT_STATUS from port changes.  It also runs the bridge's fail mode (fail-mode.ts).
//
// Design.  One periodic tick (pollMs, 200 ms by default) drives what the
// logic and the datapath do not push: `events` both expires due flows and
// drains flow-removed events (control-text.md), so the tick is what makes
// idle and hard timeouts happen at all, with or without a controller;
// PORT_STATUS comes from diffing the port list on the same tick
// (ports.ts).  Packet-ins are pushed by the addon's controller-queue
// wake-up instead, as they are latency-sensitive.  The datapath id is the
// configured one, else derived from the bridge's address: its LOCAL tap
// port's MAC when it has one (Open vSwitch's choice), else a stable
// locally administered address hashed from the bridge name.
//
// Thread-safety: JS thread only; control calls into the logic are
// synchronous, so each message's effect is complete (and visible to every
// packet) when handle() resolves, which is what barriers need.

import { createHash } from 'crypto';
import { readFileSync } from 'fs';

import { OFPP_ANY, parseEvents } from '../../../ovs-compat/src';
import type { FlowRemovedEvent } from '../../../ovs-compat/src';
import type { NativeSwitch } from '../datapath';
import { FlowControlError, NotOpenflowError, SwitchFlows } from '../flows';
import { countFlowRemoved } from '../metrics/flow-counters';
import type { Logger } from '../log';
import { packageVersion } from '../version';
import { OFP_NO_BUFFER, OFPTT_ALL, OFPTT_MAX, OpenFlowError, unsupportedExperimenter } from '../openflow';
import type { Desc, Port } from '../openflow';
import { FailModeController } from './fail-mode';
import type { FailMode } from './fail-mode';
import { ofErrorOf, toFlowMod, toOxmMatch } from './flow-mods';
import { groupModLine13, meterModLine13 } from './groups-meters';
import { PacketInPump, packetOut, packetOuts } from './packet-io';
import type { PacketInReadiness } from './packet-io';
import { PortView } from './ports';
import { TableMissMode } from './table-miss';
import { multipartReply, tableCount } from './stats';
import type { AsyncMessage, BridgeHandler, Message, SendAsyncOptions, SessionView, SwitchInfo } from './types';

export interface BridgeAgentOptions {
  bridge: string;
  sw: NativeSwitch;
  log: Logger;
  /** Configured datapath id; default derived from the bridge's address. */
  datapathId?: bigint;
  failMode: FailMode;
  /** Fail window (standalone): default 15000 ms. */
  failWindowMs?: number;
  /** Whether the bridge has controller targets or listeners (fail modes need them). */
  hasControllers: boolean;
  /** Per-table flow limit the logic was configured with (its `max_flows`, default 1000000). */
  maxFlows?: number;
  /** Tick of events and port polling. Default 200 ms. */
  pollMs?: number;
}

/** Where asynchronous messages go: ControllerManager.sendAsync. */
export interface AsyncSink {
  sendAsync(m: AsyncMessage, opts?: SendAsyncOptions): void;
  /** Whether some controller can take a packet-in now (ControllerManager.packetInReady). */
  packetInReady?(): PacketInReadiness;
  /** Counts a packet-in the pump discarded because no controller took it. */
  packetInDiscarded?(reason: number): void;
}

/** ofp_capabilities: FLOW_STATS | TABLE_STATS | PORT_STATS | GROUP_STATS (1.3.5 section 7.3.1). */
const CAPABILITIES = 0x1 | 0x2 | 0x4 | 0x8;
/** 1.0 ofp_action_type bitmap: OUTPUT through ENQUEUE (0..11), all of which the switch executes. */
const ACTIONS_10 = 0xfff;
/** ofp_flow_removed_reason numbers (1.3.5 section 7.4.2); 1.3 has no meter-delete reason: Open vSwitch sends DELETE. */
const REMOVED_REASON: Readonly<Record<FlowRemovedEvent['reason'], number>> = {
  idle_timeout: 0, hard_timeout: 1, delete: 2, group_delete: 3, meter_delete: 2,
};
const EVENTS_BATCH = 1024;
/** What a flow mod that succeeded answers: nothing (shared, never changed). */
const NO_REPLIES = Object.freeze([]) as readonly Message[] as Message[];
/** ofp_port_config bits a PORT_MOD may name (1.3.5 section 7.2.1). */
const OFPPC_ALL = 0x1 | 0x4 | 0x20 | 0x40;

/** The 48-bit address the datapath id derives from (see the essay). */
export function bridgeMac(bridge: string, sw: Pick<NativeSwitch, 'ports'>): bigint {
  const local = sw.ports().find((p) => p.kind === 'tap' && p.name === bridge);
  if (local !== undefined && /^[A-Za-z0-9_.-]{1,15}$/.test(local.name)) {
    try {
      const text = readFileSync(`/sys/class/net/${local.name}/address`, 'utf8').trim();
      if (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(text)) return BigInt(`0x${text.replace(/:/g, '')}`);
    } catch {
      // No such interface (yet): the hashed address below.
    }
  }
  const h = createHash('sha256').update(`mswitch bridge ${bridge}`).digest();
  // Locally administered (bit 1 of the first byte), unicast (bit 0 clear).
  h[0] = (h[0] | 0x02) & 0xfe;
  return BigInt(`0x${h.subarray(0, 6).toString('hex')}`);
}

export class BridgeAgent implements BridgeHandler {
  readonly flows: SwitchFlows;
  readonly ports: PortView;
  readonly datapathId: bigint;
  private readonly failMode: FailModeController;
  private readonly pump: PacketInPump;
  private readonly missMode: TableMissMode;
  private readonly desc: Desc;
  private sink: AsyncSink | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly startNs = process.hrtime.bigint();

  constructor(private readonly o: BridgeAgentOptions) {
    const mac = bridgeMac(o.bridge, o.sw);
    this.datapathId = o.datapathId ?? mac;
    this.flows = new SwitchFlows(o.sw, o.bridge);
    this.ports = new PortView(o.sw, mac);
    this.failMode = new FailModeController({
      bridge: o.bridge, mode: o.failMode, windowMs: o.failWindowMs ?? 15000, hasControllers: o.hasControllers, flows: this.flows, log: o.log,
    });
    this.missMode = new TableMissMode(o.sw, o.log, o.bridge);
    this.pump = new PacketInPump(o.sw, (m, opts) => this.send(m, opts), () => this.sink?.packetInReady?.() ?? 'ready',
      (p) => this.sink?.packetInDiscarded?.(p.reason));
    this.desc = {
      mfrDesc: 'mswitch project',
      hwDesc: 'mswitch datapath (memif, AF_XDP, AF_PACKET, TAP ports)',
      swDesc: `mswitch ${packageVersion()}`,
      serialNum: 'None',
      dpDesc: o.bridge,
    };
  }

  /** Where PACKET_IN, FLOW_REMOVED and PORT_STATUS go (the bridge's ControllerManager). */
  attach(sink: AsyncSink): void {
    this.sink = sink;
  }

  start(): void {
    // The ports as they are now are what controllers will read in PORT_DESC; only later changes are news.
    this.ports.diff(this.nowNs());
    this.pump.start();
    this.failMode.start();
    this.timer = setInterval(() => this.tick(), this.o.pollMs ?? 200);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.pump.stop();
    this.failMode.stop();
  }

  /** Changes the fail mode at run time (the REST API's set-fail-mode, set-controller). */
  setFailMode(mode: FailMode, hasControllers: boolean): void {
    this.failMode.reconfigure(mode, hasControllers);
  }

  /** True while the standalone fallback flow is installed. */
  inFallback(): boolean {
    return this.failMode.fallback;
  }

  private nowNs(): bigint {
    return process.hrtime.bigint() - this.startNs;
  }

  private send(m: AsyncMessage, opts?: SendAsyncOptions): void {
    this.sink?.sendAsync(m, opts);
  }

  private isOpenflow(): boolean {
    return /^openflow/.test(this.o.sw.logic());
  }

  /** One poll: expire flows and send their FLOW_REMOVED, then PORT_STATUS for port changes. */
  tick(): void {
    try {
      // A session that took packet-ins on SET_ASYNC or a role change ends a park here.
      this.pump.resume();
      if (this.isOpenflow()) {
        this.drainEvents();
        this.missMode.reconcile();
      }
      for (const s of this.ports.diff(this.nowNs())) this.send({ type: 'OFPT_PORT_STATUS', reason: s.reason, port: s.port });
    } catch (e) {
      this.o.log.error({ event: 'agent-poll-error', switch: this.o.bridge, err: e }, `${this.o.bridge}: polling the switch: ${(e as Error).message}`);
    }
  }

  private drainEvents(): void {
    for (;;) {
      const reply = this.o.sw.logicControl(`events max=${EVENTS_BATCH}`);
      const lines = reply.split('\n').filter((l) => l.trim() !== '');
      const lost = lines.find((l) => l.startsWith('events_lost'));
      if (lost !== undefined) {
        this.o.log.warn({ event: 'flow-removed-lost', switch: this.o.bridge, detail: lost }, `${this.o.bridge}: flow-removed events were lost (${lost})`);
      }
      const events = parseEvents(lines.filter((l) => !l.startsWith('events_lost')).join('\n'));
      for (const ev of events) {
        countFlowRemoved(this.o.sw, ev.reason);
        this.send({
          type: 'OFPT_FLOW_REMOVED',
          cookie: ev.flow.cookie,
          priority: ev.flow.priority,
          reason: REMOVED_REASON[ev.reason],
          tableId: ev.flow.table,
          durationSec: Number(ev.durationNs / 1_000_000_000n),
          durationNsec: Number(ev.durationNs % 1_000_000_000n),
          idleTimeout: ev.flow.idleTimeout,
          hardTimeout: ev.flow.hardTimeout,
          packetCount: ev.packets,
          byteCount: ev.bytes,
          match: toOxmMatch(ev.flow.match),
        });
      }
      if (events.length < EVENTS_BATCH) return;
    }
  }

  features(): SwitchInfo {
    return {
      datapathId: this.datapathId,
      nBuffers: 0,
      nTables: this.isOpenflow() ? tableCount((c) => this.o.sw.logicControl(c)) : 1,
      auxiliaryId: 0,
      capabilities: CAPABILITIES,
      actions10: ACTIONS_10,
    };
  }

  portDescs(): Port[] {
    return this.ports.descs();
  }

  sessionsChanged(connected: number): void {
    this.failMode.sessionsChanged(connected);
    this.pump.resume();
  }

  tableMissWanted(wanted: boolean): void {
    this.missMode.set(wanted);
  }

  async handle(session: SessionView, msg: Message): Promise<Message[]> {
    try {
      return this.dispatch(session, msg);
    } catch (e) {
      throw this.asOpenFlowError(e);
    }
  }

  /**
   * FLOW_MODs that arrived back to back, in one SwitchFlows.apply (one
   * control call per batch, not per message); each gets what handle()
   * would give it: nothing, or its OpenFlow error.
   */
  async handleFlowMods(_session: SessionView, msgs: Message[]): Promise<(Message[] | OpenFlowError)[]> {
    const out: (Message[] | OpenFlowError)[] = msgs.map(() => []);
    const mods: ReturnType<typeof toFlowMod>[] = [];
    const at: number[] = [];
    msgs.forEach((m, i) => {
      if (m.type !== 'OFPT_FLOW_MOD') {
        out[i] = new OpenFlowError('OFPBRC_BAD_TYPE', `${m.type} in a FLOW_MOD batch`);
        return;
      }
      try {
        mods.push(toFlowMod(m));
        at.push(i);
      } catch (e) {
        out[i] = this.flowModError(e);
      }
    });
    let results: ReturnType<SwitchFlows['apply']>;
    try {
      results = this.flows.apply(mods);
    } catch (e) {
      const err = this.flowModError(e);
      for (const i of at) out[i] = err;
      return out;
    }
    results.forEach((r, k) => {
      const i = at[k];
      const m = msgs[i] as Extract<Message, { type: 'OFPT_FLOW_MOD' }>;
      if (!r.ok) {
        out[i] = ofErrorOf(r.error);
      } else if (m.bufferId !== OFP_NO_BUFFER && m.command !== 'OFPFC_DELETE' && m.command !== 'OFPFC_DELETE_STRICT') {
        // As in handle(): the flow is in, the buffer cannot be (section 6.4).
        out[i] = new OpenFlowError('OFPBRC_BUFFER_UNKNOWN', `buffer ${m.bufferId}: this switch buffers no packets`);
      }
    });
    return out;
  }

  /**
   * Undecoded 1.3 FLOW_MODs, handed to the logic whole (SwitchFlows.applyOpenFlow13);
   * each taken one gets what handle() would give it.  A switch without
   * flow tables takes none, so the session's usual path answers them.
   */
  async handleFlowMods13Raw(_session: SessionView, raws: Buffer[]): Promise<{ results: (Message[] | OpenFlowError)[]; taken: number }> {
    if (!this.isOpenflow()) return { results: [], taken: 0 };
    let applied: ReturnType<SwitchFlows['applyOpenFlow13']>;
    try {
      applied = this.flows.applyOpenFlow13(raws);
    } catch (e) {
      // The logic failed outside the contract: every message gets the error
      // handleFlowMods would give it (what ran before the failure is applied).
      const err = this.flowModError(e);
      return { results: raws.map(() => err), taken: raws.length };
    }
    // Taken messages had buffer_id OFP_NO_BUFFER (the logic leaves the others to us), so success has no reply.
    const results = applied.results.map((r): Message[] | OpenFlowError => (r.ok ? NO_REPLIES : ofErrorOf(r.error)));
    return { results, taken: applied.taken };
  }

  /** PACKET_OUTs queued back to back (the session batches them): their frames leave in one sendFrames call. */
  async handlePacketOuts(_session: SessionView, msgs: Message[]): Promise<(Message[] | OpenFlowError)[]> {
    // As handleFlowMods: a message of another type gets its own error, the others go.
    const outs = msgs.filter((m): m is Extract<Message, { type: 'OFPT_PACKET_OUT' }> => m.type === 'OFPT_PACKET_OUT');
    const results = packetOuts(this.o.sw, outs);
    let k = 0;
    return msgs.map((m) => {
      if (m.type !== 'OFPT_PACKET_OUT') return new OpenFlowError('OFPBRC_BAD_TYPE', `${m.type} in a PACKET_OUT batch`);
      const r = results[k++];
      if (r instanceof OpenFlowError) return r;
      for (const { msg: pi, opts } of r) this.send(pi, opts);
      return [];
    });
  }

  // What a flow mod gets when applying it threw 'e': its OpenFlow error, or OFPBRC_EPERM.
  private flowModError(e: unknown): OpenFlowError {
    const err = this.asOpenFlowError(e);
    return err instanceof OpenFlowError ? err : new OpenFlowError('OFPBRC_EPERM', `flow mod failed: ${(err as Error).message}`);
  }

  // Errors of the flows layer as the OpenFlow errors a controller understands.
  private asOpenFlowError(e: unknown): unknown {
    if (e instanceof NotOpenflowError) return new OpenFlowError('OFPBRC_EPERM', e.message);
    if (e instanceof FlowControlError) {
      return e.openflow !== undefined ? ofErrorOf(e.openflow) : new OpenFlowError('OFPBRC_EPERM', e.message);
    }
    return e;
  }

  private dispatch(session: SessionView, msg: Message): Message[] {
    const version = session.version;
    switch (msg.type) {
      case 'OFPT_FLOW_MOD': {
        const [r] = this.flows.apply([toFlowMod(msg)]);
        if (!r.ok) throw ofErrorOf(r.error);
        // The flow is in; the buffer it names cannot be, as we buffer nothing (section 6.4).
        if (msg.bufferId !== OFP_NO_BUFFER && msg.command !== 'OFPFC_DELETE' && msg.command !== 'OFPFC_DELETE_STRICT') {
          throw new OpenFlowError('OFPBRC_BUFFER_UNKNOWN', `buffer ${msg.bufferId}: this switch buffers no packets`);
        }
        return [];
      }
      case 'OFPT_GROUP_MOD': return this.applyLine(groupModLine13(msg));
      case 'OFPT_METER_MOD': return this.applyLine(meterModLine13(msg));
      case 'OFPT_PACKET_OUT':
        for (const { msg: pi, opts } of packetOut(this.o.sw, msg)) this.send(pi, opts);
        return [];
      case 'OFPT_MULTIPART_REQUEST':
        return [multipartReply({
          flows: this.flows, ports: this.ports, control: (c) => this.o.sw.logicControl(c), desc: this.desc,
          maxFlows: this.o.maxFlows ?? 1000000, nowNs: () => this.nowNs(),
        }, msg, version)];
      case 'OFPT_GET_CONFIG_REQUEST':
        // Fragments are handled normally (OFPC_FRAG_NORMAL): the only mode we have.
        return [{ version, xid: 0, type: 'OFPT_GET_CONFIG_REPLY', flags: 0, missSendLen: session.missSendLen }];
      case 'OFPT_SET_CONFIG':
        if ((msg.flags & 0x3) !== 0) throw new OpenFlowError('OFPSCFC_BAD_FLAGS', `fragment handling 0x${msg.flags.toString(16)}: only OFPC_FRAG_NORMAL is supported`);
        return [];
      case 'OFPT_PORT_MOD': return this.portMod(msg);
      case 'OFPT_TABLE_MOD':
        if (msg.tableId !== OFPTT_ALL && (msg.tableId > OFPTT_MAX || (this.isOpenflow() && msg.tableId >= tableCount((c) => this.o.sw.logicControl(c))))) {
          throw new OpenFlowError('OFPTMFC_BAD_TABLE', `no table ${msg.tableId}`);
        }
        // 1.3's table config bits are all deprecated (OFPTC_DEPRECATED_MASK, section 7.3.3): nothing to change.
        if ((msg.config & ~0x3) !== 0) throw new OpenFlowError('OFPTMFC_BAD_CONFIG', `table config 0x${msg.config.toString(16)}`);
        return [];
      case 'OFPT_QUEUE_GET_CONFIG_REQUEST':
        if (msg.port !== OFPP_ANY && !this.ports.has(msg.port)) throw new OpenFlowError('OFPQOFC_BAD_PORT', `no port ${msg.port}`);
        return [{ version, xid: 0, type: 'OFPT_QUEUE_GET_CONFIG_REPLY', port: msg.port, queues: [] }];
      case 'OFPT_EXPERIMENTER': throw unsupportedExperimenter(msg);
      default:
        throw new OpenFlowError('OFPBRC_BAD_TYPE', `${msg.type} is not a request the switch answers`);
    }
  }

  private applyLine(line: string): Message[] {
    const r = this.flows.applyOne(line);
    if (!r.ok) throw ofErrorOf(r.error);
    return [];
  }

  // PORT_MOD (section 7.3.4.3): the datapath has no administrative port
  // state to change, so a change of config bits is refused rather than
  // recorded and ignored; a PORT_MOD that changes nothing succeeds.
  private portMod(m: Extract<Message, { type: 'OFPT_PORT_MOD' }>): Message[] {
    const port = this.ports.descs().find((p) => p.portNo === m.portNo);
    if (port === undefined) throw new OpenFlowError('OFPPMFC_BAD_PORT', `no port ${m.portNo}`);
    if (m.hwAddr !== port.hwAddr) throw new OpenFlowError('OFPPMFC_BAD_HW_ADDR', `port ${m.portNo} has address 0x${port.hwAddr.toString(16)}`);
    if ((m.mask & ~OFPPC_ALL) !== 0) throw new OpenFlowError('OFPPMFC_BAD_CONFIG', `config mask 0x${m.mask.toString(16)}`);
    if ((m.config & m.mask) !== (port.config & m.mask)) {
      throw new OpenFlowError('OFPPMFC_EPERM', `port ${m.portNo}: this switch cannot change port config 0x${(m.config & m.mask).toString(16)}`);
    }
    return [];
  }
}
