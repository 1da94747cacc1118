// The REST API's and CLI's form of a trace (the `openflow` logic's `trace`
// command, from-native.ts's TraceStep): JSON steps, and the text the CLI
// prints, shaped like ovs-appctl ofproto/trace's - each table's verdict
// with the flow it hit, then what leaves the switch (the frames as they
// leave), then a Final line naming the destinations.
//
// The logic names a hit flow by its id; the caller passes the dump, and
// the flow is shown in ovs-ofctl syntax.
import { formatFlow, PORT_NAMES } from '../../../ovs-compat/src';
import type { NativeFlowEntry, TraceStep } from '../../../ovs-compat/src';
import type { components } from './schema';

type Schemas = components['schemas'];

const portName = (p: number): string => PORT_NAMES.get(p) ?? String(p);

export function traceJson(steps: TraceStep[], flows: NativeFlowEntry[]): Schemas['Trace'] {
  const byId = new Map(flows.map((f) => [f.id, f]));
  const out: Schemas['TraceStep'][] = steps.map((s) => {
    switch (s.type) {
      case 'match': {
        const f = byId.get(s.id);
        return { type: s.type, table: s.table, priority: s.priority, ...(f !== undefined && { flow: formatFlow(f.flow) }) };
      }
      case 'miss': return { type: s.type, table: s.table };
      case 'output': return { type: s.type, port: portName(s.port), packet: s.frame.toString('hex') };
      case 'packet_in': return { type: s.type, table: s.table, reason: s.reason, cookie: `0x${s.cookie.toString(16)}`, packet: s.frame.toString('hex') };
      case 'drop': return { type: s.type };
    }
  });
  return { steps: out, text: traceText(out) };
}

function traceText(steps: Schemas['TraceStep'][]): string {
  const lines: string[] = [];
  const leaving: string[] = [];
  for (const s of steps) {
    const bytes = s.packet === undefined ? 0 : s.packet.length / 2;
    switch (s.type) {
      case 'match': lines.push(`table ${s.table}: ${s.flow ?? `priority=${s.priority} (flow since deleted)`}`); break;
      case 'miss': lines.push(`table ${s.table}: no match (table miss)`); break;
      case 'output':
        lines.push(`output ${s.port}: ${bytes} bytes ${s.packet}`);
        leaving.push(s.port!);
        break;
      case 'packet_in':
        lines.push(`packet-in reason=${s.reason} table=${s.table} cookie=${s.cookie}: ${bytes} bytes ${s.packet}`);
        leaving.push('CONTROLLER');
        break;
      case 'drop': break;
    }
  }
  lines.push(`Final: ${leaving.length === 0 ? 'drop' : leaving.join(',')}`);
  return `${lines.join('\n')}\n`;
}
