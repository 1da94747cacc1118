// Validates a configuration document against openapi/config-file.schema.yaml,
// whose values are $refs into the REST API's own schemas (openapi.yaml):
// the file and the API accept the same names, ranges and patterns, from
// one definition.
//
// What?  validateConfigDocument(doc) throws the first violation as a
// ConfigError naming the key as a path from the top
// ("switches[0].memif.interfaces[2].id") with a sentence a user can act on
// ("must be an integer in 0..4294967295, got -1"; "unknown key (allowed
// here: ...)").  Shape only: what needs the whole configuration (unique
// names, sockets, ports; workers of the switch) is checked by config.ts.
//
// Design.  One ajv instance (draft-07, strict off since OpenAPI 3.0
// schemas carry keywords JSON Schema does not know) compiles the config
// schema with the API document registered under the name its $refs use.
// Like the API: no coercion (a "4" is not a 4), no defaults, nothing
// removed.  Messages are made from the failing schema itself (its type,
// bounds, enum); a pattern gets the words in WHAT, keyed by the API
// schema object it belongs to, else the pattern itself.
//
// Thread-safety: the validator is compiled once, on first use.
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'fs';
import { join, dirname } from 'path';
import { parse } from 'yaml';

import { specPath } from './api/spec';
import { ConfigError, describe } from './config-check';

export const CONFIG_SCHEMA_FILE = 'config-file.schema.yaml';

type Schema = Record<string, unknown>;

interface Compiled {
  validate: ValidateFunction;
  what: Map<unknown, string>;
}

let compiled: Compiled | undefined;

// Readable names of the patterns the API's schemas use.
function whatTable(api: { components: { schemas: Record<string, Schema> } }): Map<unknown, string> {
  const s = api.components.schemas;
  const port = (s.PortCreate?.properties ?? {}) as Record<string, Schema>;
  const entries: [unknown, string][] = [
    [s.SwitchName, 'a bridge name (1..15 of A-Z a-z 0-9 _ . -, not starting with . _ or -)'],
    [s.LogicName, 'a logic name (1..64 of A-Z a-z 0-9 _ . -)'],
    [s.PortName, 'a port name (1..31 of A-Z a-z 0-9 _ . : -)'],
    [port.ifname, 'an interface name (1..15 characters, no / or space)'],
    [port.mac, 'a MAC address aa:bb:cc:dd:ee:ff'],
    [port.secret, '1..24 printable ASCII characters'],
  ];
  return new Map(entries.filter(([k]) => k !== undefined));
}

export function configSchemaPath(): string {
  return join(dirname(specPath()), CONFIG_SCHEMA_FILE);
}

function compile(): Compiled {
  const api = parse(readFileSync(specPath(), 'utf8')) as { components: { schemas: Record<string, Schema> } };
  const schema = parse(readFileSync(configSchemaPath(), 'utf8')) as Schema;
  const ajv = new Ajv({ strict: false, allErrors: false, verbose: true, coerceTypes: false, useDefaults: false, removeAdditional: false, validateFormats: false });
  ajv.addSchema(api as unknown as Schema, 'openapi.yaml');
  return { validate: ajv.compile(schema), what: whatTable(api) };
}

// "/switches/0/memif" -> "switches[0].memif"
export function keyOf(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function sentence(e: ErrorObject, what: Map<unknown, string>): string {
  const ps = (e.parentSchema ?? {}) as Schema;
  const got = `got ${describe(e.data)}`;
  const type = ps.type;
  if (type === 'integer' || type === 'number') {
    const range = ps.minimum !== undefined && ps.maximum !== undefined ? ` in ${String(ps.minimum)}..${String(ps.maximum)}` : '';
    return `must be ${type === 'integer' ? 'an integer' : 'a number'}${range}, ${got}`;
  }
  if (e.keyword === 'enum') return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}, ${got}`;
  if (type === 'boolean') return `must be true or false, ${got}`;
  if (e.keyword === 'type') return `must be ${type === 'array' ? 'an array' : type === 'object' ? 'an object' : `a ${String(type)}`}, ${got}`;
  if (type === 'string') {
    const w = what.get(ps);
    if (w !== undefined) return `must be ${w}, ${got}`;
    if (e.keyword === 'minLength' && ps.minLength === 1) return 'must not be empty';
    if (e.keyword === 'pattern') return `must match ${String(ps.pattern)}, ${got}`;
    return `${e.message ?? 'is invalid'}, ${got}`;
  }
  if (e.keyword === 'minItems') return `must list at least ${String(ps.minItems)}`;
  if (e.keyword === 'maxItems') return `must list at most ${String(ps.maxItems)}`;
  return e.message ?? 'is invalid';
}

// The ConfigError for ajv's first error.
function toConfigError(e: ErrorObject, what: Map<unknown, string>): ConfigError {
  if (e.keyword === 'additionalProperties') {
    const allowed = Object.keys(((e.parentSchema ?? {}) as Schema).properties ?? {});
    return new ConfigError(keyOf(e.instancePath, String(e.params.additionalProperty)), `unknown key (allowed here: ${allowed.join(', ')})`);
  }
  if (e.keyword === 'required') return new ConfigError(keyOf(e.instancePath, String(e.params.missingProperty)), 'is required');
  return new ConfigError(keyOf(e.instancePath) || '(document)', sentence(e, what));
}

/** Throws a ConfigError naming the first key of 'doc' the schema refuses. */
export function validateConfigDocument(doc: unknown): void {
  compiled ??= compile();
  if (!compiled.validate(doc)) throw toConfigError((compiled.validate.errors ?? [])[0], compiled.what);
}
