// One bridge's OpenFlow side as the daemon runs it: the BridgeAgent (what
// the switch does) wired to a ControllerManager (the connections).
//
// What?  startBridgeOpenflow() builds both from the switch's configuration
// (agent/openflow-config.ts), starts the manager (management socket
// <rundir>/<bridge>.mgmt, listeners, controller targets) and the agent
// (packet-ins, flow timeouts, port status, fail mode); stop() undoes it.
// A bridge gets one when it runs the `openflow` logic or has controllers.
// reconfigureBridgeOpenflow() applies a new configuration to a running
// bridge (REST set-controller, set-fail-mode): the manager changes only
// what differs, the fail mode follows, and the side is started or stopped
// when the bridge starts or stops wanting one.
//
// Thread-safety: JS thread only.

import { isPassiveTarget, parseActiveTarget, parsePassiveTarget, TargetError } from './channel-targets';
import { ControllerManager } from './controller-manager';
import { BridgeAgent } from './bridge-agent';
import { hasControllers } from './openflow-config';
import type { OpenflowConfig } from './openflow-config';
import type { NativeSwitch } from '../datapath';
import type { Logger } from '../log';
import { controllerCounts } from '../metrics/controller-counts';

export interface BridgeOpenflow {
  readonly agent: BridgeAgent;
  readonly manager: ControllerManager;
  /** Applies the controllers, listeners, protocols and fail mode of 'c' (datapath id, probe and window stay). */
  reconfigure(c: OpenflowConfig): Promise<void>;
  stop(): Promise<void>;
}

/** Whether switch 'logic' with 'c' gets an OpenFlow side. */
export const wantsOpenflow = (logic: string, c: OpenflowConfig | undefined): c is OpenflowConfig =>
  c !== undefined && (/^openflow/.test(logic) || hasControllers(c));

/** The per-table flow limit of an `openflow` logic config string (`max_flows=N`). */
function maxFlowsOf(logicConfig: string | undefined): number | undefined {
  const m = /(?:^|[\s,])max_flows=(\d+)/.exec(logicConfig ?? '');
  return m === null ? undefined : Number(m[1]);
}

export async function startBridgeOpenflow(
  bridge: string, sw: NativeSwitch, c: OpenflowConfig, rundir: string, log: Logger, logicConfig?: string,
): Promise<BridgeOpenflow> {
  const agent = new BridgeAgent({
    bridge, sw, log, failMode: c.failMode, failWindowMs: c.failWindowMs, hasControllers: hasControllers(c),
    ...(c.datapathId !== undefined && { datapathId: c.datapathId }),
    ...(maxFlowsOf(logicConfig) !== undefined && { maxFlows: maxFlowsOf(logicConfig) }),
  });
  const manager = new ControllerManager({
    bridge, rundir, handler: agent, log, targets: c.controllers, listeners: c.listeners, protocols: c.protocols,
    inactivityProbeMs: c.inactivityProbeMs, ...(c.tls !== undefined && { tls: c.tls }),
    counts: controllerCounts(sw),
  });
  agent.attach(manager);
  agent.start();
  try {
    await manager.start();
  } catch (e) {
    agent.stop();
    throw e;
  }
  log.info({
    event: 'openflow-started', switch: bridge, datapathId: `0x${agent.datapathId.toString(16).padStart(16, '0')}`, failMode: c.failMode,
    controllers: c.controllers, listeners: c.listeners, mgmt: manager.mgmtPath,
  }, `${bridge}: OpenFlow datapath id ${agent.datapathId.toString(16).padStart(16, '0')}, fail mode ${c.failMode}, controllers ${c.controllers.join(' ') || 'none'}, listeners ${c.listeners.join(' ') || 'none'}, ovs-ofctl on ${manager.mgmtPath}`);
  return {
    agent,
    manager,
    async reconfigure(next: OpenflowConfig) {
      try {
        await manager.reconfigure({ targets: next.controllers, listeners: next.listeners, protocols: next.protocols });
      } finally {
        agent.setFailMode(next.failMode, manager.config.targets.length + manager.config.listeners.length > 0);
      }
    },
    async stop() {
      agent.stop();
      await manager.stop();
    },
  };
}

/**
 * Gives bridge 'bridge' (running logic 'logic') the OpenFlow side 'c'
 * asks for: 'current' reconfigured, stopped (it no longer wants one) or a
 * new one started.  Returns the side it now has.  Throws with the
 * configuration unchanged when 'c' is wrong (a TargetError names the
 * target); a listener that cannot bind rejects after the rest is applied.
 */
export async function reconfigureBridgeOpenflow(
  current: BridgeOpenflow | undefined, bridge: string, sw: NativeSwitch, logic: string, c: OpenflowConfig, rundir: string, log: Logger, logicConfig?: string,
): Promise<BridgeOpenflow | undefined> {
  if (!wantsOpenflow(logic, c)) {
    if (current === undefined) return undefined;
    // Closed as removed (their reason logged and counted) before the side stops.
    await current.reconfigure(c);
    await current.stop();
    log.info({ event: 'openflow-stopped', switch: bridge }, `${bridge}: no controller left: OpenFlow side stopped`);
    return undefined;
  }
  if (current === undefined) return startBridgeOpenflow(bridge, sw, c, rundir, log, logicConfig);
  await current.reconfigure(c);
  return current;
}

/** Throws a TargetError naming the first target or listener of 'c' that is wrong (TLS needs: the manager checks). */
export function checkOpenflowTargets(c: OpenflowConfig): void {
  for (const t of c.controllers) {
    if (isPassiveTarget(t)) throw new TargetError(t, 'is a listener, not a controller target');
    parseActiveTarget(t);
  }
  for (const t of c.listeners) {
    if (!isPassiveTarget(t)) throw new TargetError(t, 'is not a listener (ptcp:[PORT][:IP], pssl:[PORT][:IP] or punix:PATH)');
    parsePassiveTarget(t);
  }
}
