// The CLI's flow verbs, as ovs-ofctl spells them, through the REST API's
// flows resource (api/flow-handlers.ts):
//
//   add-flow BR FLOW                 one flow in ovs-ofctl syntax
//   add-flows BR FILE                one flow a line (# comments, blank lines); FILE - is stdin
//   mod-flows BR FLOW [--strict]     the flows FLOW selects get its actions
//   del-flows BR [FLOW] [--strict]   no FLOW deletes every flow
//   dump-flows BR [FLOW] [--strict]  printed exactly as ovs-ofctl dump-flows prints
//   add-group BR GROUP, mod-group BR GROUP, del-groups BR [group_id=G], dump-groups BR [group_id=G]
//   add-meter BR METER, mod-meter BR METER, del-meters BR [meter=M], dump-meters BR [meter=M]
//   trace BR in_port=N HEX           the flows a frame would hit, as ovs-appctl ofproto/trace
//   trace BR 'in_port=1,tcp,...'     the same for the frame the description names (packet-builder.ts)
//
// add-flows reads the whole file first, so a syntax error names its line
// and nothing is sent; then it sends the flows in requests under the API's
// body limit, with a progress line on a terminal.  A flow the switch
// refuses is reported with its line and OpenFlow error; the others are
// still added (each flow is its own flow mod, as in OpenFlow), and the
// exit code is 1.  Exit codes as verbs.ts says.
import { readFileSync } from 'fs';

import type { Command } from 'commander';

import { buildPacket, FlowSyntaxError, parseFlows, parseGroupFilter, parseMeterFilter } from '../../../ovs-compat/src';
import type { components } from '../api/schema';
import { ApiCallError } from './client';
import type { ApiClient } from './client';

type Schemas = components['schemas'];

/** What verbs.ts gives each flow verb: its Command factory and runner. */
export interface VerbKit {
  verb(nameAndArgs: string, description: string): Command;
  run(verb: string, flags: { rundir?: string }, body: (api: ApiClient) => Promise<string | undefined>): Promise<number>;
  setExit(code: number): void;
  usageError(message: string): Error;
}

const flowsPath = (bridge: string, query: Record<string, string | undefined> = {}): string => {
  const q = Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${encodeURIComponent(v!)}`);
  return `/switches/${encodeURIComponent(bridge)}/flows${q.length > 0 ? `?${q.join('&')}` : ''}`;
};

/** Requests of at most this many flows and bytes (the API takes 16 KiB bodies, 1000 flows). */
export const CHUNK_FLOWS = 500;
export const CHUNK_BYTES = 12 * 1024;

/** The lines of an add-flows file that hold flows, with their 1-based line numbers. */
export function flowLines(text: string): { line: number; flow: string }[] {
  const out: { line: number; flow: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const flow = raw.trim();
    if (flow !== '' && !flow.startsWith('#')) out.push({ line: i + 1, flow });
  });
  return out;
}

/** Cuts 'items' into request bodies within CHUNK_FLOWS and CHUNK_BYTES. */
export function chunks<T extends { flow: string }>(items: T[]): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const it of items) {
    const n = Buffer.byteLength(JSON.stringify(it.flow)) + 1;
    if (cur.length > 0 && (cur.length >= CHUNK_FLOWS || bytes + n > CHUNK_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(it);
    bytes += n;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file === '-' ? 'standard input' : file}: ${(e as Error).message}`);
  }
}

/** The refused flows of an add-flows chunk, each with its file line; rethrows anything else. */
function refusals(e: unknown, lines: { line: number }[]): string[] {
  if (!(e instanceof ApiCallError) || e.failures === undefined) throw e;
  return e.failures.map((f) => `line ${lines[f.index].line}: ${f.type}.${f.code}: ${f.message}`);
}

export function registerFlowVerbs(kit: VerbKit): void {
  const { verb, run, setExit } = kit;
  type Common = { rundir?: string };

  verb('add-flow <bridge> <flow>', 'add a flow in ovs-ofctl syntax (priority=10,in_port=1,actions=output:2)')
    .action(async (bridge: string, flow: string, flags: Common) => setExit(await run('add-flow', flags, async (api) => {
      await api.call<Schemas['FlowsApplied']>('POST', flowsPath(bridge), { flow });
      return undefined;
    })));

  verb('add-flows <bridge> <file>', 'add the flows of FILE, one a line (- reads standard input)')
    .action(async (bridge: string, file: string, flags: Common) => setExit(await run('add-flows', flags, async (api) => {
      const text = readInput(file);
      try {
        parseFlows(text);   // every syntax error before anything is sent, with its line
      } catch (e) {
        if (e instanceof FlowSyntaxError) throw kit.usageError(`${file}: ${e.message}`);
        throw e;
      }
      const parts = chunks(flowLines(text));
      const total = parts.reduce((n, p) => n + p.length, 0);
      const progress = process.stderr.isTTY === true && parts.length > 1;
      const refused: string[] = [];
      let sent = 0;
      for (const part of parts) {
        try {
          await api.call<Schemas['FlowsApplied']>('POST', flowsPath(bridge), { flows: part.map((p) => p.flow) });
        } catch (e) {
          refused.push(...refusals(e, part));
        }
        sent += part.length;
        if (progress) process.stderr.write(`\radd-flows: ${sent}/${total} flows (${Math.floor((100 * sent) / total)}%)`);
      }
      if (progress) process.stderr.write('\n');
      if (refused.length > 0) {
        throw new ApiCallError(400, 'FLOW_REFUSED', `${refused.length} of ${total} flows refused (the others were added):\n${refused.join('\n')}`);
      }
      return undefined;
    })));

  verb('mod-flows <bridge> <flow>', 'give the flows FLOW selects the actions of FLOW')
    .option('--strict', 'only the flow with exactly this match and priority')
    .action(async (bridge: string, flow: string, flags: Common & { strict?: boolean }) => setExit(await run('mod-flows', flags, async (api) => {
      await api.call<Schemas['FlowsApplied']>('PATCH', flowsPath(bridge), { flow, ...(flags.strict && { strict: true }) });
      return undefined;
    })));

  verb('del-flows <bridge> [flow]', 'delete the flows FLOW selects (every flow without FLOW)')
    .option('--strict', 'only the flow with exactly this match and priority')
    .action(async (bridge: string, flow: string | undefined, flags: Common & { strict?: boolean }) => setExit(await run('del-flows', flags, async (api) => {
      await api.call('DELETE', flowsPath(bridge, { match: flow, strict: flags.strict ? 'true' : undefined }));
      return undefined;
    })));

  verb('dump-flows <bridge> [flow]', 'print the flows FLOW selects (every flow without FLOW), as ovs-ofctl dump-flows does')
    .option('--strict', 'only the flow with exactly this match and priority')
    .action(async (bridge: string, flow: string | undefined, flags: Common & { strict?: boolean }) => setExit(await run('dump-flows', flags, async (api) =>
      api.call<string>('GET', flowsPath(bridge, { match: flow, strict: flags.strict ? 'true' : undefined, format: 'text' })))));

  const groupsPath = (bridge: string, query = ''): string => `/switches/${encodeURIComponent(bridge)}/groups${query}`;
  // del-groups / dump-groups take `group_id=G` (or nothing: every group).
  const groupQuery = (text: string | undefined): string => {
    let id: number | 'all';
    try {
      id = parseGroupFilter(text);
    } catch (e) {
      throw kit.usageError((e as Error).message);
    }
    return id === 'all' ? '' : `?group_id=${id}`;
  };

  verb('add-group <bridge> <group>', 'add a group (group_id=1,type=all,bucket=output:1,bucket=output:2)')
    .action(async (bridge: string, group: string, flags: Common) => setExit(await run('add-group', flags, async (api) => {
      await api.call('POST', groupsPath(bridge), { group });
      return undefined;
    })));

  verb('mod-group <bridge> <group>', 'replace the type and buckets of a group')
    .action(async (bridge: string, group: string, flags: Common) => setExit(await run('mod-group', flags, async (api) => {
      await api.call('PATCH', groupsPath(bridge), { group });
      return undefined;
    })));

  verb('del-groups <bridge> [group]', 'delete group_id=G, or every group; their flows go with them')
    .action(async (bridge: string, group: string | undefined, flags: Common) => setExit(await run('del-groups', flags, async (api) => {
      await api.call('DELETE', groupsPath(bridge, groupQuery(group)));
      return undefined;
    })));

  verb('dump-groups <bridge> [group]', 'print group_id=G, or every group, as ovs-ofctl dump-groups does')
    .action(async (bridge: string, group: string | undefined, flags: Common) => setExit(await run('dump-groups', flags, async (api) => {
      const q = groupQuery(group);
      return api.call<string>('GET', groupsPath(bridge, `${q === '' ? '?' : `${q}&`}format=text`));
    })));

  const metersPath = (bridge: string, query = ''): string => `/switches/${encodeURIComponent(bridge)}/meters${query}`;
  // del-meters / dump-meters take `meter=M` (or nothing: every meter).
  const meterQuery = (text: string | undefined): string => {
    let id: number | 'all';
    try {
      id = parseMeterFilter(text);
    } catch (e) {
      throw kit.usageError((e as Error).message);
    }
    return id === 'all' ? '' : `?meter_id=${id}`;
  };

  verb('add-meter <bridge> <meter>', 'add a meter (meter=1,kbps,band=type=drop,rate=1000)')
    .action(async (bridge: string, meter: string, flags: Common) => setExit(await run('add-meter', flags, async (api) => {
      await api.call('POST', metersPath(bridge), { meter });
      return undefined;
    })));

  verb('mod-meter <bridge> <meter>', 'replace the flags and bands of a meter')
    .action(async (bridge: string, meter: string, flags: Common) => setExit(await run('mod-meter', flags, async (api) => {
      await api.call('PATCH', metersPath(bridge), { meter });
      return undefined;
    })));

  verb('del-meters <bridge> [meter]', 'delete meter=M, or every meter; their flows go with them')
    .action(async (bridge: string, meter: string | undefined, flags: Common) => setExit(await run('del-meters', flags, async (api) => {
      await api.call('DELETE', metersPath(bridge, meterQuery(meter)));
      return undefined;
    })));

  verb('dump-meters <bridge> [meter]', 'print meter=M, or every meter, as ovs-ofctl dump-meters does')
    .action(async (bridge: string, meter: string | undefined, flags: Common) => setExit(await run('dump-meters', flags, async (api) => {
      const q = meterQuery(meter);
      return api.call<string>('GET', metersPath(bridge, `${q === '' ? '?' : `${q}&`}format=text`));
    })));

  verb('trace <bridge> <flow> [packet]', "show which flows a packet arriving on in_port=N would hit, and what would leave; changes nothing. "
    + "FLOW describes the packet in ovs-ofctl match syntax (in_port=1,tcp,nw_dst=10.0.0.2,tp_dst=80), or is in_port=N followed by the frame in hex")
    .action(async (bridge: string, flow: string, packet: string | undefined, flags: Common) => setExit(await run('trace', flags, async (api) => {
      const { inPort, hex, header } = packet === undefined ? described(flow) : inPortAndHex(flow, packet);
      const t = await api.call<Schemas['Trace']>('POST', `/switches/${encodeURIComponent(bridge)}/trace`, { inPort, packet: hex });
      return `${header}${t.text}`;
    })));

  // The frame a description names (ovs-compat/src/packet-builder.ts), headed as ofproto/trace heads its output.
  function described(description: string): { inPort: number; hex: string; header: string } {
    let built: ReturnType<typeof buildPacket>;
    try {
      built = buildPacket(description);
    } catch (e) {
      if (e instanceof FlowSyntaxError) throw kit.usageError(`${e.message} (in '${e.token}')`);
      throw e;
    }
    const hex = built.frame.toString('hex');
    return { inPort: built.inPort, hex, header: `Flow: ${description}\nPacket: ${built.frame.length} bytes ${hex}\n\n` };
  }

  function inPortAndHex(inPort: string, packet: string): { inPort: number; hex: string; header: string } {
    const m = /^(?:in_port=)?(\d{1,4})$/.exec(inPort);
    if (!m) throw kit.usageError(`${inPort}: expected in_port=N before the hex frame`);
    const hex = packet.replace(/^0x/i, '').replace(/[\s:]/g, '');
    if (!/^([0-9a-f]{2})+$/i.test(hex)) throw kit.usageError('the packet must be hex digits, two a byte');
    return { inPort: Number(m[1]), hex, header: '' };
  }
}
