// The agent's logger: pino, one JSON object per line on stderr.
//
// The level comes from $MSWITCH_LOG_LEVEL (fatal, error, warn, info, debug,
// trace or silent; default info).  Writes are synchronous so that the last
// lines before an exit (a refused start, a shutdown) are never lost, and so
// that a test reading the daemon's stderr sees each line as it happens.
// Switch events (ports up and down, refused clients) are logged from the
// JS thread only, never from the packet path.
import pino from 'pino';

export type Logger = pino.Logger;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

// Reads the level from 'env' (default process.env); an unknown name is an
// error that says which names are valid, not a silent fall-back.
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = env.MSWITCH_LOG_LEVEL;
  if (raw === undefined || raw === '') return DEFAULT_LOG_LEVEL;
  const level = raw.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`MSWITCH_LOG_LEVEL: unknown level "${raw}" (one of ${LOG_LEVELS.join(', ')})`);
  }
  return level as LogLevel;
}

export interface LoggerOptions {
  level?: LogLevel;                      // default: from the environment
  destination?: pino.DestinationStream;  // default: stderr, synchronous
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? logLevelFromEnv();
  const destination = opts.destination ?? pino.destination({ fd: 2, sync: true });
  return pino({ name: 'mswitch', level, base: { pid: process.pid } }, destination);
}
