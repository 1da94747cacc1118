// Counts of what happens to a switch's flows that the native logic does
// not count itself: flow mods by command and result (counted where every
// flow mod passes, SwitchFlows.apply(), for the REST API and OpenFlow
// alike) and flow-removed events by reason (counted where the OpenFlow
// agent drains them).
//
// Design: the counts hang off the native switch object in a WeakMap, so
// they live and die with the switch, need no registration, and two
// SwitchFlows built for one switch (the REST API builds one per request)
// add to the same counts.  The metrics collector reads them at scrape
// time (openflow-families.ts).  Label values are small enums: the command
// (add, modify, modify_strict, delete, delete_strict), the result (ok or
// an OpenFlow error type, OFPET's 14 names), the removal reason (5 names).
//
// Thread-safety: JS thread only, like every control call.
export type FlowModLabel = 'add' | 'modify' | 'modify_strict' | 'delete' | 'delete_strict';

export interface FlowCounts {
  // "command result" -> count (e.g. "add ok", "add flow_mod_failed")
  readonly mods: Map<string, number>;
  // removal reason -> flow-removed events drained
  readonly removed: Map<string, number>;
}

const counts = new WeakMap<object, FlowCounts>();

// The counts of switch 'sw' (created empty on first use).
export function flowCounts(sw: object): FlowCounts {
  let c = counts.get(sw);
  if (c === undefined) counts.set(sw, (c = { mods: new Map(), removed: new Map() }));
  return c;
}

// The label of a flow mod's command as OpenFlow names it.
export function flowModLabel(command: 'add' | 'mod' | 'del', strict: boolean | undefined): FlowModLabel {
  if (command === 'add') return 'add';
  const base = command === 'mod' ? 'modify' : 'delete';
  return strict === true ? `${base}_strict` : base;
}

const bump = (m: Map<string, number>, key: string): void => {
  m.set(key, (m.get(key) ?? 0) + 1);
};

// One flow mod of 'sw' done ('result' 'ok') or refused with an OpenFlow error type.
export function countFlowMod(sw: object, command: FlowModLabel, result: string): void {
  bump(flowCounts(sw).mods, `${command} ${result}`);
}

// One flow-removed event of 'sw' drained, removed for 'reason'.
export function countFlowRemoved(sw: object, reason: string): void {
  bump(flowCounts(sw).removed, reason);
}
