// The agent as a library: the daemon, its configuration and logger, and
// the typed datapath.  Importing this module loads the native addon.
export * from './config';
export { ConfigError } from './config-check';
export { readConfigFile, parseConfigDocument } from './config-file';
export type { FileConfig, SwitchFileConfig, MemifFileConfig, MemifInterfaceFileConfig } from './config-file';
export { LIMITS, FABRIC_MODES } from './config-limits';
export { Daemon, PID_FILE_NAME } from './daemon';
export { createLogger, logLevelFromEnv, LOG_LEVELS } from './log';
export type { Logger, LogLevel } from './log';
export { acquirePidFile, releasePidFile, PidFileBusyError } from './pid-file';
export { packageVersion } from './version';
export * from './datapath';
