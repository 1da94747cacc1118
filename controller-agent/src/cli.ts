// The `mswitch` command line.
//
//   mswitch start [--config FILE] [--rundir DIR] [--workers N] [--batch N]
//                 [--mode mswitch|vale] [--logic NAME] [--memif-ports N]
//                 [--bridge NAME]          run the switch daemon
//                 [--api-listen HOST:PORT|none]
//   mswitch logics                         list the built-in switching logics
//   mswitch version                        print the version
//   mswitch demo [--bridge NAME] [--rundir DIR] [--count N]
//                                          (root) two namespaces on veths through
//                                          br0, pinging; removed on exit (cli/demo.ts)
//   mswitch list-br | add-br | del-br | list-ports | add-port | del-port |
//           dump-ports | set-logic | show | add-flow | add-flows | mod-flows |
//           del-flows | dump-flows           talk to the running daemon through
//                                          the REST API's unix socket
//                                          (cli/verbs.ts: exit codes 0..3)
//
// Exit codes, the same for every verb: 0 done, 1 the daemon (or start)
// failed, 2 usage (unknown verb or option, bad argument, bad
// configuration), 3 the daemon is not running.
//
// bin/mswitch calls main(); the addon is loaded only by the verbs that
// need it.
import { Command, InvalidArgumentError, Option } from 'commander';

import { registerDaemonVerbs } from './cli/verbs';
import { FABRIC_MODES } from './config-limits';
import { runStart } from './start-command';
import type { StartFlags } from './start-command';
import { packageVersion } from './version';

const integer = (text: string): number => {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError('must be a non-negative integer.');
  return Number.parseInt(text, 10);
};

// A repeatable option's values, in order.
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

// Builds the program; 'setExit' receives each command's exit code.
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('mswitch')
    .description('mswitch: an OpenFlow SDN software switch on the mSwitch fabric')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .allowExcessArguments(false)
    // Before any verb is added: verbs inherit it, so a parse error of any
    // verb reaches main() as an exception instead of exiting on the spot.
    .exitOverride();

  program.command('start')
    .description('run the switch daemon (default: switch br0, l2-learning, memif socket <rundir>/br0.memif)')
    .option('--config <file>', 'JSON configuration file')
    .option('--rundir <dir>', 'run directory for sockets and the pid file (default $MSWITCH_RUNDIR or /run/mswitch)')
    .option('--workers <n>', 'worker threads per switch (1..16)', integer)
    .option('--batch <n>', 'frames per input batch (1..1024)', integer)
    .addOption(new Option('--mode <mode>', 'fabric algorithm').choices(FABRIC_MODES))
    .option('--logic <name>', 'switching logic (see `mswitch logics`)')
    .option('--memif-ports <n>', 'pre-create memif interfaces with ids 0..n-1', integer)
    .option('--bridge <name>', 'name of the switch (default br0)')
    .option('--api-listen <host:port>', 'REST API TCP address, or none (default 127.0.0.1:8080; the unix socket <rundir>/mswitch.sock is always on)')
    .option('--controller <target>', 'OpenFlow controller to connect to, tcp:HOST[:PORT] or ssl:HOST[:PORT] (repeatable; implies --logic openflow)', collect)
    .option('--listen <target>', 'OpenFlow listener, ptcp:[PORT][:IP] or pssl:[PORT][:IP] (repeatable)', collect)
    .option('--fail-mode <mode>', 'without a controller: standalone (learning switch after the fail window, the default) or secure (flows only)')
    .option('--protocols <list>', 'OpenFlow versions, e.g. OpenFlow10,OpenFlow13 (the default)')
    .option('--datapath-id <hex>', 'datapath id, up to 16 hex digits (default: from the bridge address)')
    .action(async (flags: StartFlags) => setExit(await runStart(flags)));

  program.command('logics')
    .description('list the built-in switching logics')
    .action(async () => {
      const { logics } = await import('./datapath');
      for (const name of logics()) process.stdout.write(`${name}\n`);
      setExit(0);
    });

  registerDaemonVerbs(program, setExit);

  program.command('demo')
    .description('(root) create two network namespaces on veths attached to br0 and ping across; everything is removed on exit')
    .option('--bridge <name>', 'the bridge to attach to (default br0)')
    .option('--rundir <dir>', 'a running daemon\'s run directory (default $MSWITCH_RUNDIR or /run/mswitch); without a daemon the demo runs its own switch')
    .option('--count <n>', 'pings each way (default 3)', integer)
    .action(async (flags: { bridge?: string; rundir?: string; count?: number }) => {
      const { runDemo } = await import('./cli/demo');
      setExit(await runDemo(flags));
    });

  program.command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`mswitch ${packageVersion()}\n`);
      setExit(0);
    });

  return program;
}

// Runs the command line 'argv' (as process.argv: node, script, args...)
// and resolves the exit code.
export async function main(argv: string[] = process.argv): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => { code = c; });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { exitCode?: number; code?: string; message?: string };
    // Commander already printed it: --help and --version exit 0, every
    // parse error (unknown verb or option, bad or missing argument) is a
    // usage error, 2, as the verbs and `start`'s own checks say.
    if (typeof err.exitCode === 'number') return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`mswitch: ${err.message ?? String(e)}\n`);
    return 1;
  }
  return code;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e: unknown) => {
    process.stderr.write(`mswitch: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
