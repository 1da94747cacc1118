// The CLI verbs that talk to a running daemon through the REST API's unix
// socket, with Open vSwitch's habits (ovs-vsctl, ovs-ofctl):
//
//   list-br                              bridge names, one a line
//   add-br NAME [--workers N] [--batch N] [--mode M] [--logic L] [--logic-config C] [--may-exist]
//   del-br NAME [--if-exists]
//   list-ports BR [--long]               port names, one a line (--long: type, state, MTU, speed)
//   add-port BR memif id=N [port=P] [name=S] [worker=W] [secret=S] [--may-exist]
//   add-port BR IFNAME [type=afxdp|afpacket|tap|memif] [port=P] [name=S] [worker=W]
//                      [mac=M] [mtu=N] [up=true|false] [id=N] [secret=S] [--may-exist]
//                                        an existing interface (type detected:
//                                        afxdp if it can, else afpacket), a TAP
//                                        to create (type=tap), or a memif port
//                                        named IFNAME (type=memif id=N)
//   del-port BR PORT [--if-exists]       PORT is a number or a name
//   dump-ports BR                        counters, as ovs-ofctl dump-ports prints them
//   dump-ports-desc BR                   port descriptions, as ovs-ofctl (port-desc-verbs.ts)
//   set-logic BR NAME [CONFIG]           swap the switching logic live
//   show                                 bridges, ports and logics, as ovs-vsctl show
//   add-flow, add-flows, mod-flows, del-flows, dump-flows   as ovs-ofctl (flow-verbs.ts)
//   set-controller, get-controller, del-controller, set-fail-mode, get-fail-mode   as ovs-vsctl (controller-verbs.ts)
//
// Every verb takes --rundir DIR (default $MSWITCH_RUNDIR, else /run/mswitch)
// and --help.  Exit codes scripts can rely on:
//   0 done (also: --may-exist and it existed, --if-exists and it did not)
//   1 the daemon refused: its message is printed, with its error code
//   2 usage error: a wrong argument or option (a flow of an add-flows file
//     that does not parse), nothing was sent
//   3 the daemon is not running (no socket, or nobody listening on it)
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

import type { components } from '../api/schema';
import { FABRIC_MODES } from '../config-limits';
import { ApiCallError, ApiClient, DaemonNotRunning, apiSocketFor } from './client';
import { registerFlowVerbs } from './flow-verbs';
import { registerControllerVerbs } from './controller-verbs';
import { registerPortDescVerb } from './port-desc-verbs';
import { formatDumpPorts, formatPortList, formatShow } from './format';

type Schemas = components['schemas'];

export const EXIT = { ok: 0, daemonError: 1, usage: 2, notRunning: 3 } as const;

class UsageError extends Error {}

const integer = (text: string): number => {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError('must be a non-negative integer.');
  return Number.parseInt(text, 10);
};

const path = (...parts: string[]): string => `/${parts.map(encodeURIComponent).join('/')}`;

// add-port's "key=value" words for a memif port.
export function parseMemifArgs(words: string[]): Schemas['PortCreate'] {
  const out: Partial<Schemas['PortCreate']> & { type: 'memif' } = { type: 'memif' };
  const int = (k: string, v: string): number => {
    if (!/^\d{1,10}$/.test(v)) throw new UsageError(`${k}=${v}: ${k} must be a non-negative integer`);
    return Number(v);
  };
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`"${w}": expected key=value (id, port, name, worker, secret)`);
    const [k, v] = [w.slice(0, eq), w.slice(eq + 1)];
    switch (k) {
      case 'id': out.id = int(k, v); break;
      case 'port': out.port = int(k, v); break;
      case 'worker': out.worker = int(k, v); break;
      case 'name': out.name = v; break;
      case 'secret': out.secret = v; break;
      default: throw new UsageError(`"${w}": unknown key ${k} (id, port, name, worker, secret)`);
    }
  }
  if (out.id === undefined) throw new UsageError('a memif port needs id=N');
  return out as Schemas['PortCreate'];
}

// add-port's words for 'IFNAME [key=value...]' (everything but the legacy
// 'memif id=N' form).
export function parsePortArgs(ifname: string, words: string[]): Schemas['PortCreate'] {
  const kv = new Map<string, string>();
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`"${w}": expected key=value (type, port, name, worker, mac, mtu, up, id, secret)`);
    kv.set(w.slice(0, eq), w.slice(eq + 1));
  }
  const type = kv.get('type');
  if (type !== undefined && !['afxdp', 'afpacket', 'tap', 'memif'].includes(type)) {
    throw new UsageError(`type=${type}: unknown port type (afxdp, afpacket, tap, memif)`);
  }
  kv.delete('type');
  if (type === 'memif') {
    const rest = [...kv].map(([k, v]) => `${k}=${v}`);
    return parseMemifArgs(kv.has('name') ? rest : [...rest, `name=${ifname}`]);
  }
  const out: Schemas['PortCreate'] = { ifname, ...(type !== undefined && { type: type as Schemas['PortCreate']['type'] }) };
  const int = (k: string, v: string): number => {
    if (!/^\d{1,10}$/.test(v)) throw new UsageError(`${k}=${v}: ${k} must be a non-negative integer`);
    return Number(v);
  };
  for (const [k, v] of kv) {
    switch (k) {
      case 'port': out.port = int(k, v); break;
      case 'worker': out.worker = int(k, v); break;
      case 'mtu': out.mtu = int(k, v); break;
      case 'name': out.name = v; break;
      case 'mac': out.mac = v; break;
      case 'up':
        if (v !== 'true' && v !== 'false') throw new UsageError(`up=${v}: up must be true or false`);
        out.up = v === 'true';
        break;
      case 'id': case 'secret': throw new UsageError(`${k}= is an option of a memif port (add type=memif)`);
      default: throw new UsageError(`"${k}=${v}": unknown key ${k} (type, port, name, worker, mac, mtu, up)`);
    }
  }
  return out;
}

interface Common { rundir?: string }

// Runs one verb's body, printing what it returns to stdout, and maps every
// failure to its exit code.
async function run(verb: string, flags: Common, body: (api: ApiClient) => Promise<string | undefined>): Promise<number> {
  try {
    const text = await body(new ApiClient(apiSocketFor(flags.rundir)));
    if (text !== undefined && text !== '') process.stdout.write(text);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`mswitch ${verb}: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof DaemonNotRunning) {
      process.stderr.write(`mswitch ${verb}: ${e.message}\n`);
      return EXIT.notRunning;
    }
    if (e instanceof ApiCallError) {
      process.stderr.write(`mswitch ${verb}: ${e.message} (${e.code})\n`);
      return EXIT.daemonError;
    }
    process.stderr.write(`mswitch ${verb}: ${(e as Error).message}\n`);
    return EXIT.daemonError;
  }
}

// True when 'e' is the daemon's answer 'code'.
const is = (e: unknown, code: string): boolean => e instanceof ApiCallError && e.code === code;

const lines = (items: string[]): string => items.map((s) => `${s}\n`).join('');

export function registerDaemonVerbs(program: Command, setExit: (code: number) => void): void {
  // A new verb with the options every verb has; its usage errors exit 2.
  const verb = (nameAndArgs: string, description: string): Command =>
    program.command(nameAndArgs)
      .description(description)
      .option('--rundir <dir>', 'the daemon\'s run directory (default $MSWITCH_RUNDIR or /run/mswitch)')
      .showHelpAfterError()
      .exitOverride((err) => {
        throw err.exitCode === 0 ? err : new CommanderError(EXIT.usage, err.code, err.message);
      });

  verb('list-br', 'list the bridges (switches)')
    .action(async (flags: Common) => setExit(await run('list-br', flags, async (api) => {
      const r = await api.call<{ switches: Schemas['Switch'][] }>('GET', '/switches');
      return lines(r.switches.map((s) => s.name).sort());
    })));

  verb('add-br <name>', 'create a bridge; it listens for memif clients on <rundir>/<name>.memif')
    .option('--workers <n>', 'worker threads (1..16)', integer)
    .option('--batch <n>', 'frames per input batch (1..1024)', integer)
    .addOption(new Option('--mode <mode>', 'fabric algorithm').choices(FABRIC_MODES))
    .option('--logic <name>', 'switching logic (default l2-learning)')
    .option('--logic-config <config>', 'the logic\'s configuration string')
    .option('--may-exist', 'no error if the bridge exists')
    .action(async (name: string, flags: Common & { workers?: number; batch?: number; mode?: Schemas['FabricMode']; logic?: string; logicConfig?: string; mayExist?: boolean }) =>
      setExit(await run('add-br', flags, async (api) => {
        if (flags.mayExist) {
          try {
            await api.call('GET', path('switches', name));
            return undefined;
          } catch (e) {
            if (!is(e, 'SWITCH_NOT_FOUND') && !is(e, 'VALIDATION_FAILED')) throw e;
          }
        }
        const body: Schemas['SwitchCreate'] = {
          name,
          ...(flags.workers !== undefined && { workers: flags.workers }),
          ...(flags.batch !== undefined && { batchSize: flags.batch }),
          ...(flags.mode !== undefined && { mode: flags.mode }),
          ...(flags.logic !== undefined && { logic: flags.logic }),
          ...(flags.logicConfig !== undefined && { logicConfig: flags.logicConfig }),
        };
        await api.call('POST', '/switches', body);
        return undefined;
      })));

  verb('del-br <name>', 'delete a bridge, disconnecting its clients')
    .option('--if-exists', 'no error if there is no such bridge')
    .action(async (name: string, flags: Common & { ifExists?: boolean }) => setExit(await run('del-br', flags, async (api) => {
      try {
        await api.call('DELETE', path('switches', name));
      } catch (e) {
        if (!(flags.ifExists && is(e, 'SWITCH_NOT_FOUND'))) throw e;
      }
      return undefined;
    })));

  verb('list-ports <bridge>', 'list the ports of a bridge')
    .option('--long', 'one line per port: number, name, type, state, MTU and speed')
    .action(async (bridge: string, flags: Common & { long?: boolean }) => setExit(await run('list-ports', flags, async (api) => {
      const r = await api.call<{ ports: Schemas['Port'][] }>('GET', path('switches', bridge, 'ports'));
      return flags.long ? formatPortList(r.ports) : lines(r.ports.map((p) => p.name).sort());
    })));

  verb('add-port <bridge> <interface> [options...]',
    'add a port: IFNAME [type=afxdp|afpacket|tap] [port=P] [name=S] [worker=W] [mac=M mtu=N up=B (tap)], or memif id=N [port=P] [name=S] [worker=W] [secret=S]')
    .option('--may-exist', 'no error if the bridge has a port of that name already')
    .action(async (bridge: string, itf: string, words: string[], flags: Common & { mayExist?: boolean }) =>
      setExit(await run('add-port', flags, async (api) => {
        const legacyMemif = itf === 'memif' && !words.some((w) => w.startsWith('type='));
        const body = legacyMemif ? parseMemifArgs(words) : parsePortArgs(itf, words);
        if (flags.mayExist) {
          const r = await api.call<{ ports: Schemas['Port'][] }>('GET', path('switches', bridge, 'ports'));
          const name = body.name ?? (body.type === 'memif' ? `memif${body.id}` : body.ifname ?? bridge);
          if (r.ports.some((p) => p.name === name)) return undefined;
        }
        const p = await api.call<Schemas['Port']>('POST', path('switches', bridge, 'ports'), body);
        return `${p.port}\n`;
      })));

  verb('del-port <bridge> <port>', 'delete a port (by number or name)')
    .option('--if-exists', 'no error if the bridge has no such port')
    .action(async (bridge: string, port: string, flags: Common & { ifExists?: boolean }) => setExit(await run('del-port', flags, async (api) => {
      try {
        await api.call('DELETE', path('switches', bridge, 'ports', port));
      } catch (e) {
        if (!(flags.ifExists && is(e, 'PORT_NOT_FOUND'))) throw e;
      }
      return undefined;
    })));

  verb('dump-ports <bridge>', 'print each port\'s counters, as ovs-ofctl dump-ports does')
    .action(async (bridge: string, flags: Common) => setExit(await run('dump-ports', flags, async (api) => {
      const r = await api.call<{ ports: Schemas['Port'][] }>('GET', path('switches', bridge, 'ports'));
      return formatDumpPorts(r.ports);
    })));

  verb('set-logic <bridge> <logic> [config]', 'swap the bridge\'s switching logic live (see `mswitch logics`)')
    .action(async (bridge: string, logic: string, config: string | undefined, flags: Common) =>
      setExit(await run('set-logic', flags, async (api) => {
        await api.call('PUT', path('switches', bridge, 'logic'), { name: logic, ...(config !== undefined && { config }) });
        return undefined;
      })));

  const kit = { verb, run, setExit, usageError: (m: string) => new UsageError(m) };
  registerFlowVerbs(kit);
  registerPortDescVerb(kit);
  registerControllerVerbs(kit);

  verb('show', 'print the bridges, their logic and ports, as ovs-vsctl show does')
    .action(async (flags: Common) => setExit(await run('show', flags, async (api) => {
      const health = await api.call<Schemas['Health']>('GET', '/health');
      const { switches } = await api.call<{ switches: Schemas['Switch'][] }>('GET', '/switches');
      const withPorts = await Promise.all(switches.map(async (sw) => ({
        sw,
        ports: (await api.call<{ ports: Schemas['Port'][] }>('GET', path('switches', sw.name, 'ports'))).ports,
      })));
      return formatShow({ version: health.version, pid: health.pid, switches: withPorts });
    })));
}
