// OpenFlow 1.0's table misses on the switch side: the `openflow` logic's
// table-miss mode kept in step with the controllers, and the packet-ins it
// produces told apart from the others so that only 1.0 sessions get them.
//
// What?  TableMissMode.set(wanted) is called when the ControllerManager's
// count of connected sessions below OpenFlow 1.3 (async-config.ts
// wantsImplicitMiss) goes between zero and not (BridgeHandler
// tableMissWanted); it sends `table_miss controller|drop` to the logic
// (control-text.md).  ImplicitMissTags sits between the switch and the
// packet-in pump: it remembers which controller-queue entries the logic
// flagged MSW_TO_CONTROLLER_TABLE_MISS, and options() gives their PACKET_IN
// the SendAsyncOptions that route it (ControllerManager.sendAsync sends it
// to 1.0 sessions only).  packetOutTagged() does the same for the
// packet-ins of a PACKET_OUT whose output:TABLE misses, from the
// `table_miss=1` of their lines in the logic's packet_out reply.
//
// Design.  The pump (packet-io.ts) builds each PACKET_IN from one entry
// and hands the entry's data Buffer on as the message's data, so the tag
// is the Buffer's identity, kept in a WeakSet (no bookkeeping to expire).
// packetOut (packet-io.ts) returns the packet_in lines of its one
// packet_out call in reply order, so the reply, seen on its way, tags them
// by position; if the counts ever disagree, nothing is tagged (a miss then
// goes to every session, never silently nowhere).  Both are stand-ins
// for packet-io.ts carrying the flag onto its messages itself (its
// toPacketIn and parsePacketOutReply drop it today).
// A logic swapped in later starts in drop mode, so while the mode is
// wanted reconcile() (the bridge's tick) says it again; the logic treats a
// repeat of its current mode as a no-op.  Unbuffered packet-ins carry the
// whole packet whatever miss_send_len says, as Open vSwitch's do (a real
// ovs-vswitchd sent all 255 bytes to a 1.0 monitor with miss_send_len 128).
//
// Thread-safety: event-loop only.

import type { ControllerPacket, NativeSwitch } from '../datapath';
import type { Logger } from '../log';
import type { AsyncMessage, SendAsyncOptions } from './types';

type QueueReader = Pick<NativeSwitch, 'onControllerQueue' | 'readControllerQueue'>;
type PacketOutSwitch = Pick<NativeSwitch, 'logicControl' | 'sendFrames' | 'ports'>;

/**
 * Runs 'run' (a packet-io.ts packetOut on the switch it is given) on 'sw'
 * and pairs each packet-in it returns with the options that route it.
 */
export function packetOutTagged(sw: PacketOutSwitch, run: (sw: PacketOutSwitch) => AsyncMessage[]): { msg: AsyncMessage; opts: SendAsyncOptions }[] {
  const replies: string[] = [];
  const seen: PacketOutSwitch = {
    logicControl: (command) => {
      const reply = sw.logicControl(command);
      replies.push(reply);
      return reply;
    },
    sendFrames: (frames) => sw.sendFrames(frames),
    ports: () => sw.ports(),
  };
  const pins = run(seen);
  const lines = replies.join('\n').split('\n').filter((l) => /^packet_in\s/.test(l.trim()));
  const tagged = lines.length === pins.length;
  return pins.map((msg, i) => ({ msg, opts: tagged && /\stable_miss=1(\s|$)/.test(lines[i]) ? { tableMiss: true } : {} }));
}

export class ImplicitMissTags {
  private readonly misses = new WeakSet<Buffer>();

  /** 'sw' as the pump should read it: the same entries, the misses remembered. */
  reader(sw: QueueReader): QueueReader {
    return {
      onControllerQueue: (cb) => sw.onControllerQueue(cb),
      readControllerQueue: (max?: number): ControllerPacket[] => {
        const batch = sw.readControllerQueue(max);
        for (const p of batch) if (p.tableMiss === true) this.misses.add(p.data);
        return batch;
      },
    };
  }

  /** How to send 'm': an implicit miss's PACKET_IN is marked tableMiss. */
  options(m: AsyncMessage): SendAsyncOptions {
    return m.type === 'OFPT_PACKET_IN' && this.misses.has(m.data) ? { tableMiss: true } : {};
  }
}

export class TableMissMode {
  private wanted = false;
  private lastError: string | undefined;

  constructor(private readonly sw: Pick<NativeSwitch, 'logic' | 'logicControl'>, private readonly log: Logger, private readonly bridge: string) {}

  /** Whether table misses should go to the controller (some 1.0 session is connected). */
  set(wanted: boolean): void {
    if (wanted === this.wanted) return;
    this.wanted = wanted;
    this.log.info({ event: 'table-miss-mode', switch: this.bridge, toController: wanted },
      `${this.bridge}: table misses ${wanted ? 'go to OpenFlow 1.0 controllers' : 'drop (no OpenFlow 1.0 controller)'}`);
    this.apply();
  }

  /** Says the mode again while it is wanted (a logic swapped in since starts in drop mode). */
  reconcile(): void {
    if (this.wanted) this.apply();
  }

  private apply(): void {
    if (!/^openflow/.test(this.sw.logic())) return;
    const line = `table_miss ${this.wanted ? 'controller' : 'drop'}`;
    try {
      this.sw.logicControl(line);
      this.lastError = undefined;
    } catch (e) {
      const why = (e as Error).message;
      // Once per distinct failure: reconcile() repeats the call every tick.
      if (why !== this.lastError) {
        this.log.error({ event: 'table-miss-mode-error', switch: this.bridge, err: e }, `${this.bridge}: ${line}: ${why}`);
      }
      this.lastError = why;
    }
  }
}
