// Fail modes: what a bridge does while none of its controllers is
// connected (DESIGN.md "Fail modes", issue 4 section 4).
//
// What?  `secure`: nothing changes; the flow tables keep their flows
// (which still time out) and forward by them alone.  `standalone`: once no
// controller has been connected for the fail window, the bridge behaves as
// an l2-learning switch; when a controller connects again it hands back to
// the flow tables, with every flow the controllers installed intact.
//
// Design.  Swapping the switch's logic to `l2-learning` would destroy the
// `openflow` logic instance and every flow in it, so standalone is done
// inside the flow tables instead, the way Open vSwitch's fail-open does
// it: one catch-all flow in table 0 at the highest priority (65535) whose
// only action is NORMAL (the logic's built-in l2-learning), tagged with
// the reserved cookie FALLBACK_COOKIE so it is recognisable in dumps and
// removed exactly (strict delete by table, priority, empty match and that
// cookie).  It overrides every other flow while it is there, as a learning
// switch would.  Unlike Open vSwitch's hidden fail-open flow, ours is an
// ordinary flow: ovs-ofctl dump-flows shows it while the bridge is in
// fallback.  If a flow already holds that exact slot (table 0, priority
// 65535, empty match) we leave it alone and say so in the log rather than
// replace a controller's flow.  Fail modes apply only to a bridge with
// controllers configured (targets or listeners): a bridge driven by the
// REST API alone is never changed behind its user's back.
//
// Being an ordinary flow, the fallback is also removed by an ordinary
// delete: a plain `ovs-ofctl del-flows br0` over the management socket, or
// the REST API's DELETE of every flow, would leave a bridge with no
// controller forwarding nothing.  So while the fallback is active the
// controller watches every batch of flow mods applied to the switch, by
// anyone (flows.ts onFlowsChanged), and puts the fallback back when a
// batch removed it (log event `fail-standalone-restored`).  A flow added
// into the same slot (table 0, priority 65535, empty match) replaces it
// as OpenFlow says; that is taken as the user's decision and the fallback
// ends (`fail-standalone-replaced`) rather than fight over the slot.
//
// Thread-safety: JS thread only.

import { emptyFilterFlow } from '../../../ovs-compat/src';
import type { SwitchFlows } from '../flows';
import type { Logger } from '../log';

export type FailMode = 'secure' | 'standalone';
export const FAIL_MODES: readonly FailMode[] = ['secure', 'standalone'];

/** "MSWSTAND" in ASCII: the cookie of the standalone fallback flow. */
export const FALLBACK_COOKIE = 0x4d53575354414e44n;
export const FALLBACK_PRIORITY = 65535;
const ALL_ONES = 0xffffffffffffffffn;

export interface FailModeOptions {
  bridge: string;
  mode: FailMode;
  /** How long without any connected controller before standalone takes over. */
  windowMs: number;
  /** False: no controller is configured and fail modes do not apply. */
  hasControllers: boolean;
  /** 'watch' (optional): how the controller hears of flow mods others applied. */
  flows: Pick<SwitchFlows, 'apply' | 'dump'> & Partial<Pick<SwitchFlows, 'watch'>>;
  log: Logger;
}

export class FailModeController {
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  /** True while this controller applies its own mods (the watch must not react to them). */
  private applying = false;
  private connected = 0;
  /** True while the fallback flow is installed. */
  fallback = false;

  constructor(private readonly o: FailModeOptions) {}

  /** Starts the window: at start no controller is connected yet. */
  start(): void {
    this.unwatch ??= this.o.flows.watch?.(() => this.flowsChanged());
    this.arm();
  }

  stop(): void {
    this.disarm();
    this.unwatch?.();
    this.unwatch = undefined;
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  sessionsChanged(connected: number): void {
    this.connected = connected;
    if (connected > 0) {
      this.disarm();
      if (this.fallback) this.leave();
    } else {
      this.arm();
    }
  }

  /**
   * Changes the mode and whether controllers are configured, at run time:
   * when standalone no longer applies the fallback flow goes and the window
   * stops; when it newly applies the window starts.
   */
  reconfigure(mode: FailMode, hasControllers: boolean): void {
    this.o.mode = mode;
    this.o.hasControllers = hasControllers;
    if (mode === 'standalone' && hasControllers) return this.arm();
    this.disarm();
    if (this.fallback) this.leave(`fail mode ${mode}${hasControllers ? '' : ' without controllers'}`);
  }

  private arm(): void {
    if (this.o.mode !== 'standalone' || !this.o.hasControllers || this.timer !== undefined || this.fallback || this.connected > 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.connected === 0) this.enter();
    }, this.o.windowMs);
    this.timer.unref();
  }

  private slotFlow(): ReturnType<typeof emptyFilterFlow> {
    const flow = emptyFilterFlow();
    flow.table = 0;
    flow.priority = FALLBACK_PRIORITY;
    return flow;
  }

  private enter(): void {
    const { bridge, log } = this.o;
    try {
      const holder = this.o.flows.dump({ flow: this.slotFlow(), strict: true });
      if (holder.length > 0 && holder[0].flow.cookie !== FALLBACK_COOKIE) {
        log.warn({ event: 'fail-standalone-blocked', switch: bridge },
          `${bridge}: no controller for ${this.o.windowMs} ms, but a flow already holds table 0 priority ${FALLBACK_PRIORITY} with an empty match: standalone fallback not installed`);
        return;
      }
      this.install();
      this.fallback = true;
      log.warn({ event: 'fail-standalone', switch: bridge, windowMs: this.o.windowMs },
        `${bridge}: no controller for ${this.o.windowMs} ms: standalone fallback, forwarding as a learning switch (NORMAL) until a controller connects`);
    } catch (e) {
      log.error({ event: 'fail-standalone-error', switch: bridge, err: e }, `${bridge}: cannot enter standalone fallback: ${(e as Error).message}`);
    }
  }

  private ownApply(mods: Parameters<SwitchFlows['apply']>[0]): ReturnType<SwitchFlows['apply']> {
    this.applying = true;
    try {
      return this.o.flows.apply(mods);
    } finally {
      this.applying = false;
    }
  }

  /** Adds the fallback flow (NORMAL at table 0, priority 65535, cookie FALLBACK_COOKIE). */
  private install(): void {
    const flow = this.slotFlow();
    flow.cookie = FALLBACK_COOKIE;
    flow.instructions = { apply: [{ type: 'output', port: 0xfffffffa }], clearActions: false };
    const [r] = this.ownApply([{ command: 'add', flow }]);
    if (!r.ok) throw new Error(`${r.error.type}.${r.error.code}: ${r.error.message}`);
  }

  /**
   * After someone else's flow mods: while in fallback, puts the fallback
   * flow back if they deleted it, or ends the fallback if they replaced it
   * (see the essay).  Costs one strict one-slot dump per batch, only while
   * the fallback is active.
   */
  private flowsChanged(): void {
    if (!this.fallback || this.applying) return;
    const { bridge, log } = this.o;
    try {
      const holder = this.o.flows.dump({ flow: this.slotFlow(), strict: true });
      if (holder.some((h) => h.flow.cookie === FALLBACK_COOKIE)) return;
      if (holder.length > 0) {
        this.fallback = false;
        log.warn({ event: 'fail-standalone-replaced', switch: bridge },
          `${bridge}: a flow mod replaced the standalone fallback flow (table 0, priority ${FALLBACK_PRIORITY}, empty match): fallback ended, the flow tables forward`);
        return;
      }
      this.install();
      log.warn({ event: 'fail-standalone-restored', switch: bridge },
        `${bridge}: a flow mod deleted the standalone fallback flow while no controller is connected: reinstalled (NORMAL at table 0 priority ${FALLBACK_PRIORITY})`);
    } catch (e) {
      log.error({ event: 'fail-standalone-error', switch: bridge, err: e }, `${bridge}: cannot restore the standalone fallback flow: ${(e as Error).message}`);
    }
  }

  private leave(why = 'a controller connected'): void {
    const { bridge, log } = this.o;
    try {
      const flow = this.slotFlow();
      flow.cookie = FALLBACK_COOKIE;
      flow.cookieMask = ALL_ONES;
      const [r] = this.ownApply([{ command: 'del', strict: true, flow }]);
      if (!r.ok) throw new Error(`${r.error.type}.${r.error.code}: ${r.error.message}`);
      this.fallback = false;
      log.info({ event: 'fail-handback', switch: bridge }, `${bridge}: ${why}: standalone fallback removed, the flow tables forward again`);
    } catch (e) {
      log.error({ event: 'fail-handback-error', switch: bridge, err: e }, `${bridge}: cannot leave standalone fallback: ${(e as Error).message}`);
    }
  }
}
