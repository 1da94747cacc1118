// OpenFlow 1.0's table misses on the switch side: the `openflow` logic's
// table-miss mode kept in step with the controllers.
//
// What?  TableMissMode.set(wanted) is called when the ControllerManager's
// count of connected sessions below OpenFlow 1.3 (async-config.ts
// wantsImplicitMiss) goes between zero and not (BridgeHandler
// tableMissWanted); it sends `table_miss controller|drop` to the logic
// (control-text.md).  The packet-ins such a miss produces carry their mark
// (MSW_TO_CONTROLLER_TABLE_MISS in the controller queue, `table_miss=1` in
// a packet_out reply) to packet-io.ts, which sends them with the option
// tableMiss; ControllerManager.sendAsync hands those to 1.0 sessions only.
//
// Design.  A logic swapped in later starts in drop mode, so while the mode
// is wanted reconcile() (the bridge's tick) says it again; the logic
// treats a repeat of its current mode as a no-op.  Unbuffered packet-ins
// carry the whole packet whatever miss_send_len says, as Open vSwitch's do
// (a real ovs-vswitchd sent all 255 bytes to a 1.0 monitor with
// miss_send_len 128).
//
// Thread-safety: event-loop only.

import type { NativeSwitch } from '../datapath';
import type { Logger } from '../log';

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
