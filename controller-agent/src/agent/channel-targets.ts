// OpenFlow connection target strings, as Open vSwitch spells them
// (ovs-vsctl set-controller, ovs-ofctl): what to connect to or listen on.
//
// What?  Active targets `tcp:HOST[:PORT]`, `ssl:HOST[:PORT]`, `unix:PATH`;
// passive ones `ptcp:[PORT][:IP]`, `pssl:[PORT][:IP]`, `punix:PATH`.  The
// port defaults to 6653 (the IANA OpenFlow port); a passive target without
// an IP listens on every address.  An IPv6 host is written in brackets
// (`tcp:[::1]:6653`, `ptcp:6653:[::1]`), as Open vSwitch does.
//
// Design.  Parsing is strict: an unknown scheme, an empty host, a port
// outside 1..65535 (0 allowed for passive ones: an ephemeral port) or a
// missing path is an error that quotes the target and says what was
// expected, so a typo in a configuration fails at start, not at connect.
//
// Thread-safety: pure functions.

import { isIP } from 'node:net';

export const OFP_TCP_PORT = 6653;

export type ActiveTarget =
  | { kind: 'tcp' | 'ssl'; host: string; port: number; text: string }
  | { kind: 'unix'; path: string; text: string };

export type PassiveTarget =
  | { kind: 'ptcp' | 'pssl'; host: string | undefined; port: number; text: string }
  | { kind: 'punix'; path: string; text: string };

export class TargetError extends Error {
  readonly code = 'OPENFLOW_TARGET';

  constructor(readonly target: string, detail: string) {
    super(`OpenFlow target '${target}': ${detail}`);
    this.name = 'TargetError';
  }
}

/** Parses an active target ('tcp:10.0.0.1:6653'). */
export function parseActiveTarget(text: string): ActiveTarget {
  const [scheme, rest] = splitScheme(text);
  if (scheme === 'unix') return { kind: 'unix', path: requirePath(text, rest), text };
  if (scheme !== 'tcp' && scheme !== 'ssl') throw new TargetError(text, 'expected tcp:HOST[:PORT], ssl:HOST[:PORT] or unix:PATH');
  const { host, portText } = splitHost(text, rest);
  if (host === '') throw new TargetError(text, 'no host');
  return { kind: scheme, host, port: portText === undefined ? OFP_TCP_PORT : parsePort(text, portText, false), text };
}

/** Parses a passive target ('ptcp:6653', 'ptcp:6653:127.0.0.1', 'punix:/run/x.sock'). */
export function parsePassiveTarget(text: string): PassiveTarget {
  const [scheme, rest] = splitScheme(text);
  if (scheme === 'punix') return { kind: 'punix', path: requirePath(text, rest), text };
  if (scheme !== 'ptcp' && scheme !== 'pssl') throw new TargetError(text, 'expected ptcp:[PORT][:IP], pssl:[PORT][:IP] or punix:PATH');
  // ptcp:[PORT][:IP]: the port comes first, then everything after the first colon is the address.
  const colon = rest.indexOf(':');
  const portText = colon < 0 ? rest : rest.slice(0, colon);
  let host: string | undefined = colon < 0 ? undefined : rest.slice(colon + 1);
  if (host !== undefined) {
    if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
    if (isIP(host) === 0) throw new TargetError(text, `'${host}' is not an IP address`);
  }
  return { kind: scheme, host, port: portText === '' ? OFP_TCP_PORT : parsePort(text, portText, true), text };
}

/** True for the schemes parsePassiveTarget takes. */
export const isPassiveTarget = (text: string): boolean => /^p(tcp|ssl|unix):/.test(text);

function splitScheme(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new TargetError(text, 'no scheme (tcp:, ssl:, unix:, ptcp:, pssl:, punix:)');
  return [text.slice(0, colon), text.slice(colon + 1)];
}

function requirePath(text: string, path: string): string {
  if (path === '') throw new TargetError(text, 'no socket path');
  return path;
}

// HOST[:PORT] where HOST may be [v6]; a bare v6 address without brackets is ambiguous and refused.
function splitHost(text: string, rest: string): { host: string; portText: string | undefined } {
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new TargetError(text, "unclosed '[' in the host");
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new TargetError(text, `unexpected '${after}' after the host`);
    return { host: rest.slice(1, close), portText: after === '' ? undefined : after.slice(1) };
  }
  const parts = rest.split(':');
  if (parts.length > 2) throw new TargetError(text, 'an IPv6 host must be written in brackets: tcp:[::1]:6653');
  return { host: parts[0], portText: parts[1] };
}

function parsePort(text: string, portText: string, allowZero: boolean): number {
  const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= (allowZero ? 0 : 1) && port <= 65535)) throw new TargetError(text, `port '${portText}' is not ${allowZero ? 0 : 1}..65535`);
  return port;
}
