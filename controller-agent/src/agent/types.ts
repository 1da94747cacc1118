// The contract between the OpenFlow session layer (sessions, channels,
// roles, async config: controller-manager.ts and its helpers) and the
// switch side that executes what controllers ask (bridge-agent.ts).
//
// What?  A ControllerManager owns every controller connection of one bridge.
// It answers the connection-level messages itself (HELLO, ECHO, ERROR,
// ROLE_REQUEST, GET/SET_ASYNC, BARRIER, FEATURES_REQUEST from features() and
// portDescs()) and enforces what the spec asks of a session (version
// negotiation, slave restrictions, per-session ordering, errors with the
// request's xid and first 64 bytes).  Every other message goes to the
// bridge's BridgeHandler, one at a time per session, in arrival order.  The
// handler pushes asynchronous events (PACKET_IN, FLOW_REMOVED, PORT_STATUS)
// through ControllerManager.sendAsync(); each session filters them by its
// role and async config and rate-limits packet-ins.
//
// Design.  The handler never sees sockets or versions it must negotiate:
// it gets decoded model messages (the version-independent codec model) and
// returns model replies, which the session stamps with its version and the
// request's xid when they carry none (xid 0 means "the request's").  A
// multipart reply longer than one message is split with REPLY_MORE by the
// session, so handle() may return one reply holding the whole list.  The
// one exception is the install path: handleFlowMods13Raw() gets a 1.3
// controller's FLOW_MODs undecoded, for a switch that decodes them itself,
// and hands back any it does not take to be decoded the usual way.
//
// Thread-safety: everything runs on the Node event loop.

import type { Logger } from '../log';
import type { ControllerCounts } from '../metrics/controller-counts';
import type { MessageOf, OfMessage, OpenFlowError, Port } from '../openflow';

export type Message = OfMessage;

/** What FEATURES_REPLY says about the switch (OpenFlow 1.3.5 section 7.3.1). */
export interface SwitchInfo {
  datapathId: bigint;
  nBuffers: number;
  nTables: number;
  /** 0 for the main connection (we open no auxiliary connections). */
  auxiliaryId: number;
  /** ofp_capabilities bits. */
  capabilities: number;
  /** 1.0 only: the ofp_action_type bitmap (default: every standard action). */
  actions10?: number;
}

export type SessionRole = 'OFPCR_ROLE_EQUAL' | 'OFPCR_ROLE_MASTER' | 'OFPCR_ROLE_SLAVE';

/** What the handler may know about the session a request came on. */
export interface SessionView {
  /** Unique for the manager's lifetime, e.g. 'br0#3'. */
  readonly id: string;
  /** The negotiated wire version (0x01 or 0x04). */
  readonly version: number;
  readonly role: SessionRole;
  /** The target or listener it came through: 'tcp:127.0.0.1:6653', 'ptcp:6653', 'unix:/run/mswitch/br0.mgmt'. */
  readonly target: string;
  /** miss_send_len of this session (last SET_CONFIG; OFPCML_DEFAULT 128 initially): GET_CONFIG_REPLY reports it. */
  readonly missSendLen: number;
}

export interface BridgeHandler {
  /** FEATURES_REPLY content (1.0 also needs ports: the session takes them from portDescs()). */
  features(): SwitchInfo;
  /** The ports as PORT_DESC and 1.0 FEATURES_REPLY list them. */
  portDescs(): Port[];
  /**
   * Every message the session layer does not answer itself: FLOW_MOD,
   * GROUP_MOD, METER_MOD, PORT_MOD, TABLE_MOD, PACKET_OUT, MULTIPART_REQUEST,
   * GET_CONFIG_REQUEST, SET_CONFIG (the session has already recorded its
   * miss_send_len), QUEUE_GET_CONFIG_REQUEST, EXPERIMENTER.  Slaves'
   * modifications never arrive (the session answers IS_SLAVE).  Replies are
   * sent in order; a reply with xid 0 gets the request's xid.  Throwing an
   * OpenFlowError (codec errors.ts) sends OFPT_ERROR with the request's xid
   * and first 64 bytes (filled in when the error has none); any other throw
   * is logged and answered with OFPBRC_EPERM.  The session handles its next
   * message only after the returned promise settles.
   */
  handle(session: SessionView, msg: Message): Promise<Message[]>;
  /**
   * Optional: several FLOW_MODs that arrived back to back, applied at once
   * (one control call instead of one per message: the install rate).  The
   * answer has one entry per message, in order: its replies, or the
   * OpenFlowError it gets.  Each message must mean exactly what handle()
   * would have made of it, one after the other.
   */
  handleFlowMods?(session: SessionView, msgs: Message[]): Promise<(Message[] | OpenFlowError)[]>;
  /**
   * Optional: OpenFlow 1.3 FLOW_MODs that arrived back to back, still
   * undecoded ('raws': whole messages, header included), applied by a
   * switch that decodes them itself (the install rate without the codec's
   * cost).  'results' has one entry per message it took, in order, as
   * handleFlowMods answers; 'taken' is the position of the first message it
   * left alone (raws.length when none), with which it stopped: the session
   * decodes that one and sends it the usual way (handleFlowMods or
   * handle()), which gives the exact OFPT_ERROR of a malformed message,
   * then goes on with the rest.  Never called for a slave's messages.
   */
  handleFlowMods13Raw?(session: SessionView, raws: Buffer[]): Promise<{ results: (Message[] | OpenFlowError)[]; taken: number }>;
  /**
   * Optional: several PACKET_OUTs the session found queued back to back,
   * answered one result per message in order, as handleFlowMods.
   */
  handlePacketOuts?(session: SessionView, msgs: Message[]): Promise<(Message[] | OpenFlowError)[]>;
  /**
   * The number of controller sessions in the connected (negotiated) state
   * changed to 'connected' (for fail modes).  Sessions from configured
   * targets and listeners count; the management socket's (ovs-ofctl) do not,
   * as Open vSwitch's service connections do not.
   */
  sessionsChanged(connected: number): void;
  /**
   * Optional: whether some connected session, management ones included,
   * speaks OpenFlow below 1.3 and so wants implicit table misses as
   * packet-ins (async-config.ts wantsImplicitMiss) changed to 'wanted'.
   */
  tableMissWanted?(wanted: boolean): void;
}

/** The asynchronous messages a bridge sends to its controllers, without version and xid. */
export type AsyncMessage =
  | Omit<MessageOf<'OFPT_PACKET_IN'>, 'version' | 'xid'>
  | Omit<MessageOf<'OFPT_FLOW_REMOVED'>, 'version' | 'xid'>
  | Omit<MessageOf<'OFPT_PORT_STATUS'>, 'version' | 'xid'>;

export interface SendAsyncOptions {
  /**
   * Cut a PACKET_IN's data to each session's miss_send_len (the packet-ins
   * miss_send_len governs: 1.0 table misses, 1.3 packets sent without an
   * output action).  'totalLen' is kept.  Default false: data as given.
   */
  missSendLen?: boolean;
  /**
   * The PACKET_IN is an implicit table miss (no flow matched; the logic
   * flagged it MSW_TO_CONTROLLER_TABLE_MISS): only sessions below OpenFlow
   * 1.3 get it (async-config.ts wantsImplicitMiss), then by the usual rules.
   */
  tableMiss?: boolean;
}

export interface TlsFiles {
  /** PEM file paths: our key and certificate, and the CA that signs the peers'. */
  key: string;
  cert: string;
  ca: string;
}

export interface ControllerManagerOptions {
  bridge: string;
  /** The run directory: the management socket is <rundir>/<bridge>.mgmt. */
  rundir: string;
  handler: BridgeHandler;
  log: Logger;
  /** Active targets: 'tcp:HOST[:PORT]', 'ssl:HOST[:PORT]' (port 6653 by default), 'unix:PATH'. */
  targets: string[];
  /** Passive listeners: 'ptcp:[PORT][:IP]', 'pssl:[PORT][:IP]', 'punix:PATH'. The mgmt socket is always opened. */
  listeners: string[];
  /** Versions we speak, e.g. [0x01, 0x04]. */
  protocols: number[];
  /** Idle time before an ECHO_REQUEST; as long again without any message closes. Default 5000. */
  inactivityProbeMs?: number;
  /** Reconnect backoff cap for active targets. Default 8000. */
  maxBackoffMs?: number;
  /** First reconnect delay, doubled after each failure up to maxBackoffMs. Default 1000. */
  minBackoffMs?: number;
  /** Packet-ins per second per session (burst: the same number). 0 or undefined: unlimited. */
  packetInRate?: number;
  /** Needed when a target or listener is ssl:/pssl:. */
  tls?: TlsFiles;
  /** Default false: open the <rundir>/<bridge>.mgmt socket. */
  noMgmtSocket?: boolean;
  /** Where controller sessions' connects, disconnects, packet-ins and echo round trips are counted (metrics). */
  counts?: ControllerCounts;
}

/** One session as status() reports it. */
export interface SessionStatus {
  id: string;
  target: string;
  /** 'active' for our connections to targets, 'passive' for accepted ones. */
  kind: 'active' | 'passive';
  connected: boolean;
  role: SessionRole;
  /** Negotiated version, 0 before negotiation. */
  version: number;
  /** ISO time the session reached its current state. */
  since: string;
  packetInSent: number;
  packetInDropped: number;
  /** Last echo round trip in ms, undefined before the first echo reply. */
  echoRttMs?: number;
}

/** Targets we are (re)connecting to, with their state, as status() reports them. */
export interface TargetStatus {
  target: string;
  state: 'connecting' | 'connected' | 'backoff' | 'stopped';
  /** Reason of the last disconnect or failed attempt. */
  lastError?: string;
  attempts: number;
}

export interface ManagerStatus {
  bridge: string;
  sessions: SessionStatus[];
  targets: TargetStatus[];
  listeners: string[];
}
