// One bridge's OpenFlow side as the daemon runs it: the BridgeAgent (what
// the switch does) wired to a ControllerManager (the connections).
//
// What?  startBridgeOpenflow() builds both from the switch's configuration
// (agent/openflow-config.ts), starts the manager (management socket
// <rundir>/<bridge>.mgmt, listeners, controller targets) and the agent
// (packet-ins, flow timeouts, port status, fail mode); stop() undoes it.
// A bridge gets one when it runs the `openflow` logic or has controllers.
//
// Thread-safety: JS thread only.

import { ControllerManager } from './controller-manager';
import { BridgeAgent } from './bridge-agent';
import { hasControllers } from './openflow-config';
import type { OpenflowConfig } from './openflow-config';
import type { NativeSwitch } from '../datapath';
import type { Logger } from '../log';

export interface BridgeOpenflow {
  readonly agent: BridgeAgent;
  readonly manager: ControllerManager;
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
    async stop() {
      agent.stop();
      await manager.stop();
    },
  };
}
