// The CLI's controller verbs, as ovs-vsctl has them, through the REST
// API's /switches/{name}/controllers and /fail-mode:
//
//   set-controller BR TARGET...   replaces the bridge's controllers: tcp:,
//                                 ssl:, unix: targets are dialled, ptcp:,
//                                 pssl:, punix: ones are listeners
//   get-controller BR             one target a line, each followed by its
//                                 live connection state:
//                                   tcp:127.0.0.1:6653
//                                       is_connected: true
//                                       role: master
//                                       version: OpenFlow13
//   del-controller BR             removes every target and listener
//   set-fail-mode BR secure|standalone
//   get-fail-mode BR              prints the mode
//
// Exit codes as verbs.ts says: a target the daemon refuses is exit 1 with
// its message (CONTROLLER_TARGET names it); a wrong argument is exit 2.
import type { components } from '../api/schema';
import type { VerbKit } from './flow-verbs';

type Controllers = components['schemas']['Controllers'];

const controllersPath = (bridge: string): string => `/switches/${encodeURIComponent(bridge)}/controllers`;
const PASSIVE = /^p(tcp|ssl|unix):/;

/** get-controller's text: each target and listener with the state of its connections. */
export function formatControllers(c: Controllers): string {
  const lines: string[] = [];
  for (const target of [...c.targets, ...c.listeners]) {
    lines.push(target);
    const sessions = c.sessions.filter((s) => s.target === target);
    const connected = sessions.filter((s) => s.connected);
    lines.push(`    is_connected: ${connected.length > 0}`);
    for (const s of connected) {
      lines.push(`    role: ${s.role}`);
      lines.push(`    version: ${s.version}`);
      if (s.echoRttMs !== undefined) lines.push(`    echo_rtt_ms: ${s.echoRttMs}`);
    }
    const dial = c.connections.find((x) => x.target === target);
    if (dial !== undefined && connected.length === 0 && dial.lastError !== undefined) lines.push(`    last_error: "${dial.lastError}"`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

export function registerControllerVerbs(kit: VerbKit): void {
  const { verb, run, setExit } = kit;
  type Common = { rundir?: string };

  verb('set-controller <bridge> <targets...>', 'set the bridge\'s OpenFlow controllers, replacing the old ones: tcp:HOST[:PORT], ssl:..., unix:PATH to dial; ptcp:[PORT][:IP], pssl:..., punix:PATH to listen')
    .action(async (bridge: string, targets: string[], flags: Common) => setExit(await run('set-controller', flags, async (api) => {
      for (const t of targets) {
        if (!/^(p?(tcp|ssl|unix)):/.test(t)) throw kit.usageError(`${t}: expected tcp:, ssl:, unix:, ptcp:, pssl: or punix:`);
      }
      await api.call('PUT', controllersPath(bridge), { targets: targets.filter((t) => !PASSIVE.test(t)), listeners: targets.filter((t) => PASSIVE.test(t)) });
      return undefined;
    })));

  verb('get-controller <bridge>', 'print the bridge\'s controllers and listeners, each with its connection state')
    .action(async (bridge: string, flags: Common) => setExit(await run('get-controller', flags, async (api) =>
      formatControllers(await api.call<Controllers>('GET', controllersPath(bridge))))));

  verb('del-controller <bridge>', 'remove every controller and listener of the bridge, closing their connections')
    .action(async (bridge: string, flags: Common) => setExit(await run('del-controller', flags, async (api) => {
      await api.call('DELETE', controllersPath(bridge));
      return undefined;
    })));

  verb('set-fail-mode <bridge> <mode>', 'what the bridge does without a controller: secure (keep forwarding by the flows) or standalone (fall back to learning)')
    .action(async (bridge: string, mode: string, flags: Common) => setExit(await run('set-fail-mode', flags, async (api) => {
      if (mode !== 'secure' && mode !== 'standalone') throw kit.usageError(`${mode}: the fail mode is secure or standalone`);
      await api.call('PUT', `/switches/${encodeURIComponent(bridge)}/fail-mode`, { failMode: mode });
      return undefined;
    })));

  verb('get-fail-mode <bridge>', 'print the bridge\'s fail mode')
    .action(async (bridge: string, flags: Common) => setExit(await run('get-fail-mode', flags, async (api) =>
      `${(await api.call<Controllers>('GET', controllersPath(bridge))).failMode}\n`)));
}
