// A switch's OpenFlow configuration: its controllers, listeners, fail mode,
// protocols and datapath id, from the config file and the command line.
//
// What?  parseOpenflowKeys() checks the OpenFlow keys of one entry of the
// config file's `switches` (config-file.ts calls it, so every error names
// its key, e.g. switches[0].failMode); buildOpenflowConfig() merges them
// with the `mswitch start` flags (--controller, --listen, --fail-mode,
// --protocols, --datapath-id) into what the daemon runs.
//
//   "controllers": ["tcp:127.0.0.1:6653"]   active targets (tcp:, ssl:, unix:)
//   "listeners":   ["ptcp:6653"]             passive listeners (ptcp:, pssl:, punix:)
//   "failMode":    "standalone" | "secure"   default standalone, as Open vSwitch
//   "protocols":   ["OpenFlow10", "OpenFlow13"]   default both
//   "datapathId":  "0000020000000001"        16 hex digits; default from the bridge address
//   "inactivityProbeMs": 5000                echo after this much silence
//   "failWindowMs": 15000                    standalone fallback after this long without a controller
//   "tls": { "key": "/etc/mswitch/switch.key", "cert": "/etc/mswitch/switch.crt", "ca": "/etc/mswitch/ca.crt" }
//                                            PEM files for ssl: and pssl: (mutual TLS: the CA signs the peers);
//                                            relative paths are taken from the daemon's working directory
//
// Design.  Targets are checked for their scheme here; the session layer
// parses them fully when the daemon starts (controller-manager.ts), which
// also fails the start with the target named.  An ssl:/pssl: target
// without `tls`, and a `tls` file that cannot be read, are refused here,
// naming the key, rather than when the first connection is tried.  Flags replace the file's
// lists for every switch, like the other switch-level flags.
//
// Thread-safety: pure functions.

import { accessSync, constants as fsConstants } from 'fs';
import { resolve as resolvePath } from 'path';

import { ConfigError, checkArray, checkEnum, checkInt, checkObject, checkString } from '../config-check';
import type { JsonObject } from '../config-check';
import { OFP_VERSION_1_0, OFP_VERSION_1_3 } from '../openflow';
import { FAIL_MODES } from './fail-mode';
import type { FailMode } from './fail-mode';
import type { TlsFiles } from './types';

export const OPENFLOW_SWITCH_KEYS = ['controllers', 'listeners', 'failMode', 'protocols', 'datapathId', 'inactivityProbeMs', 'failWindowMs', 'tls'] as const;
const TLS_KEYS = ['key', 'cert', 'ca'] as const;

const PROTOCOLS: Readonly<Record<string, number>> = { OpenFlow10: OFP_VERSION_1_0, OpenFlow13: OFP_VERSION_1_3 };
const ACTIVE = /^(tcp|ssl):[^\s]+$|^unix:\/[^\s]*$/;
const PASSIVE = /^(ptcp|pssl):[^\s]*$|^punix:\/[^\s]*$/;

export interface OpenflowFileConfig {
  controllers?: string[];
  listeners?: string[];
  failMode?: FailMode;
  protocols?: string[];
  datapathId?: string;
  inactivityProbeMs?: number;
  failWindowMs?: number;
  tls?: TlsFiles;
}

export interface OpenflowConfig {
  controllers: string[];
  listeners: string[];
  failMode: FailMode;
  /** Wire versions, e.g. [0x01, 0x04]. */
  protocols: number[];
  datapathId?: bigint;
  inactivityProbeMs: number;
  failWindowMs: number;
  /** Key, certificate and CA for ssl: and pssl: (absolute paths). */
  tls?: TlsFiles;
}

export interface OpenflowOverrides {
  controllers?: string[];
  listeners?: string[];
  failMode?: string;
  protocols?: string;
  datapathId?: string;
}

export const OPENFLOW_DEFAULTS = { failMode: 'standalone' as FailMode, inactivityProbeMs: 5000, failWindowMs: 15000 };

const target = (re: RegExp, what: string) => (v: unknown, k: string): string => checkString(v, k, { pattern: re, what });

function checkList(v: unknown, k: string, each: (x: unknown, k: string) => string): string[] {
  return checkArray(v, k).map((x, i) => each(x, `${k}[${i}]`));
}

function checkDatapathId(v: unknown, k: string): string {
  return checkString(v, k, { pattern: /^(0x)?[0-9a-fA-F]{1,16}$/, what: 'a datapath id of up to 16 hex digits' });
}

function checkProtocol(v: unknown, k: string): string {
  return checkEnum(v, k, Object.keys(PROTOCOLS));
}

const TLS_WHAT: Record<(typeof TLS_KEYS)[number], string> = { key: 'private key', cert: 'certificate', ca: 'CA certificate' };

// The `tls` object: three readable PEM files, made absolute.
function checkTls(v: unknown, k: string): TlsFiles {
  const o = checkObject(v, k, TLS_KEYS);
  const file = (name: (typeof TLS_KEYS)[number]): string => {
    if (o[name] === undefined) throw new ConfigError(`${k}.${name}`, `is required: the path of the ${TLS_WHAT[name]} PEM file`);
    const path = resolvePath(checkString(o[name], `${k}.${name}`, { nonEmpty: true }));
    try {
      accessSync(path, fsConstants.R_OK);
    } catch (e) {
      throw new ConfigError(`${k}.${name}`, `cannot read the ${TLS_WHAT[name]} ${path}: ${(e as Error).message}`);
    }
    return path;
  };
  return { key: file('key'), cert: file('cert'), ca: file('ca') };
}

const isTlsTarget = (t: string): boolean => /^p?ssl:/.test(t);

/** The OpenFlow keys of switch entry 'o' at 'path' (switches[i]). */
export function parseOpenflowKeys(o: JsonObject, path: string): OpenflowFileConfig {
  const out: OpenflowFileConfig = {};
  const at = (key: string): string => `${path}.${key}`;
  if (o.controllers !== undefined) out.controllers = checkList(o.controllers, at('controllers'), target(ACTIVE, 'a controller target tcp:HOST[:PORT], ssl:HOST[:PORT] or unix:PATH'));
  if (o.listeners !== undefined) out.listeners = checkList(o.listeners, at('listeners'), target(PASSIVE, 'a listener ptcp:[PORT][:IP], pssl:[PORT][:IP] or punix:PATH'));
  if (o.failMode !== undefined) out.failMode = checkEnum(o.failMode, at('failMode'), FAIL_MODES);
  if (o.protocols !== undefined) {
    out.protocols = checkList(o.protocols, at('protocols'), checkProtocol);
    if (out.protocols.length === 0) throw new ConfigError(at('protocols'), 'must name at least one of OpenFlow10, OpenFlow13');
  }
  if (o.datapathId !== undefined) out.datapathId = checkDatapathId(o.datapathId, at('datapathId'));
  if (o.inactivityProbeMs !== undefined) out.inactivityProbeMs = checkInt(o.inactivityProbeMs, at('inactivityProbeMs'), 100, 3_600_000);
  if (o.failWindowMs !== undefined) out.failWindowMs = checkInt(o.failWindowMs, at('failWindowMs'), 100, 3_600_000);
  if (o.tls !== undefined) out.tls = checkTls(o.tls, at('tls'));
  const needsTls = [...out.controllers ?? [], ...out.listeners ?? []].find(isTlsTarget);
  if (needsTls !== undefined && out.tls === undefined) {
    throw new ConfigError(at('tls'), `is required by ${needsTls}: { "key", "cert", "ca" } PEM file paths`);
  }
  return out;
}

/** The switch's OpenFlow configuration: flags over the file over the defaults. */
export function buildOpenflowConfig(file: OpenflowFileConfig, o: OpenflowOverrides = {}): OpenflowConfig {
  const controllers = o.controllers !== undefined ? checkList(o.controllers, '--controller', target(ACTIVE, 'a controller target tcp:HOST[:PORT], ssl:HOST[:PORT] or unix:PATH')) : file.controllers ?? [];
  const listeners = o.listeners !== undefined ? checkList(o.listeners, '--listen', target(PASSIVE, 'a listener ptcp:[PORT][:IP], pssl:[PORT][:IP] or punix:PATH')) : file.listeners ?? [];
  const failMode = o.failMode !== undefined ? checkEnum(o.failMode, '--fail-mode', FAIL_MODES) : file.failMode ?? OPENFLOW_DEFAULTS.failMode;
  const protocolNames = o.protocols !== undefined
    ? o.protocols.split(',').map((p, i) => checkProtocol(p.trim(), `--protocols[${i}]`))
    : file.protocols ?? ['OpenFlow10', 'OpenFlow13'];
  const needsTls = [...o.controllers ?? [], ...o.listeners ?? []].find(isTlsTarget);
  if (needsTls !== undefined && file.tls === undefined) {
    throw new ConfigError(o.controllers?.includes(needsTls) ? '--controller' : '--listen', `${needsTls} needs the switch's "tls" { key, cert, ca } in the config file`);
  }
  const dpid = o.datapathId !== undefined ? checkDatapathId(o.datapathId, '--datapath-id') : file.datapathId;
  return {
    controllers,
    listeners,
    failMode,
    protocols: [...new Set(protocolNames.map((p) => PROTOCOLS[p]))].sort(),
    ...(dpid !== undefined && { datapathId: BigInt(dpid.startsWith('0x') ? dpid : `0x${dpid}`) }),
    inactivityProbeMs: file.inactivityProbeMs ?? OPENFLOW_DEFAULTS.inactivityProbeMs,
    failWindowMs: file.failWindowMs ?? OPENFLOW_DEFAULTS.failWindowMs,
    ...(file.tls !== undefined && { tls: { ...file.tls } }),
  };
}

/** Whether the switch speaks OpenFlow to anyone but ovs-ofctl (what makes fail modes apply). */
export const hasControllers = (c: OpenflowConfig): boolean => c.controllers.length > 0 || c.listeners.length > 0;
