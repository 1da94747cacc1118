// `mswitch start`: build the configuration, start the daemon, run until a
// signal.  Returns the process exit code:
//   0  stopped cleanly on SIGINT/SIGTERM
//   1  the daemon could not start (another daemon holds the run directory,
//      the addon is missing, a socket cannot be bound, the state file is
//      from a newer mswitch...) or stopped with errors; the reason is
//      logged as a fatal JSON line
//   2  the configuration or a flag is wrong; the reason names the key or
//      flag, printed as a plain line
import { buildConfig } from './config';
import type { Config, ConfigOverrides } from './config';
import { ConfigError } from './config-check';
import { readConfigFile } from './config-file';
import { createLogger } from './log';
import type { Logger } from './log';

export interface StartFlags {
  config?: string;
  rundir?: string;
  workers?: number;
  batch?: number;
  mode?: string;
  logic?: string;
  memifPorts?: number;
  bridge?: string;
  apiListen?: string;
  controller?: string[];
  listen?: string[];
  failMode?: string;
  protocols?: string;
  datapathId?: string;
}

const usageError = (message: string): number => {
  process.stderr.write(`mswitch start: ${message}\n`);
  return 2;
};

export async function runStart(flags: StartFlags): Promise<number> {
  let log: Logger;
  let config: Config;
  try {
    log = createLogger();
    const overrides: ConfigOverrides = {
      rundir: flags.rundir,
      workers: flags.workers,
      batchSize: flags.batch,
      mode: flags.mode,
      logic: flags.logic,
      memifPorts: flags.memifPorts,
      bridge: flags.bridge,
      apiListen: flags.apiListen,
      openflow: {
        controllers: flags.controller, listeners: flags.listen, failMode: flags.failMode, protocols: flags.protocols, datapathId: flags.datapathId,
      },
    };
    config = buildConfig({ file: flags.config === undefined ? undefined : readConfigFile(flags.config), overrides });
  } catch (e) {
    if (e instanceof ConfigError || (e as Error).message.startsWith('MSWITCH_LOG_LEVEL')) return usageError((e as Error).message);
    throw e;
  }

  // Loaded here, not at the top: the daemon loads the native addon, which
  // `mswitch version` and `--help` must not need.
  let daemonModule: typeof import('./daemon');
  try {
    daemonModule = await import('./daemon');
  } catch (e) {
    log.fatal({ event: 'start-failed', err: e }, `cannot load the native datapath (is it built? npm run build:native): ${(e as Error).message}`);
    return 1;
  }
  // The state file, when there is one, replaces the configured switches
  // (state/state-store.ts); a corrupt one is kept aside and logged there.
  const { StateStore } = await import('./state/state-store');
  const store = new StateStore(config.statedir, log);
  let restored = false;
  try {
    const saved = store.load();
    if (saved !== undefined) {
      config = { ...config, switches: saved.switches.map((s) => s.config) };
      restored = true;
    }
  } catch (e) {
    log.fatal({ event: 'start-failed', err: e }, `cannot start: ${(e as Error).message}`);
    return 1;
  }
  const daemon = new daemonModule.Daemon(config, log);
  store.attach(daemon);
  daemon.useState(store, restored);
  const { apiService } = await import('./api/server');
  daemon.addService(apiService(config, log));
  try {
    await daemon.start();
  } catch (e) {
    log.fatal({ event: 'start-failed', err: e }, `cannot start: ${(e as Error).message}`);
    return 1;
  }
  return daemon.runUntilSignal();
}
