// Checks for configuration values, shared by the config file reader and
// the command-line overrides.
//
// Every check names the key it looks at, as a path into the document
// ("switches[0].memif.interfaces[2].id") or as the command-line flag
// ("--workers"), so a user can find the mistake without reading our code.
// A check either returns the value with its proper type or throws a
// ConfigError; nothing is coerced silently (a "4" is not a 4).

export class ConfigError extends Error {
  // 'key' is where the bad value is: a document path or a flag.
  // 'source' is the file it came from, when it came from one.
  constructor(readonly key: string, readonly detail: string, readonly source?: string) {
    super(`${source ? `${source}: ` : ''}${key}: ${detail}`);
    this.name = 'ConfigError';
  }
}

export type JsonObject = { [key: string]: unknown };

/** A bad value as an error message names it: its JSON for a string, its kind for an object or array. */
export const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
};

// A plain object whose keys are all in 'allowed'; the first unknown key is
// reported by its full path.
export function checkObject(value: unknown, key: string, allowed: readonly string[]): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(key, `must be an object, got ${describe(value)}`);
  }
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) {
      const where = key === '' ? k : `${key}.${k}`;
      throw new ConfigError(where, `unknown key (allowed here: ${allowed.join(', ')})`);
    }
  }
  return value as JsonObject;
}

export function checkArray(value: unknown, key: string): unknown[] {
  if (!Array.isArray(value)) throw new ConfigError(key, `must be an array, got ${describe(value)}`);
  return value;
}

export function checkInt(value: unknown, key: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(key, `must be an integer in ${min}..${max}, got ${describe(value)}`);
  }
  return value;
}

export function checkBool(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(key, `must be true or false, got ${describe(value)}`);
  return value;
}

export function checkString(value: unknown, key: string, opts: { nonEmpty?: boolean; pattern?: RegExp; what?: string } = {}): string {
  if (typeof value !== 'string') throw new ConfigError(key, `must be a string, got ${describe(value)}`);
  if (opts.nonEmpty && value === '') throw new ConfigError(key, 'must not be empty');
  if (opts.pattern && !opts.pattern.test(value)) {
    throw new ConfigError(key, `must be ${opts.what ?? `a string matching ${opts.pattern}`}, got ${describe(value)}`);
  }
  return value;
}

export function checkEnum<T extends string>(value: unknown, key: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(key, `must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

// Parses a decimal integer given on the command line (commander hands us
// strings); range checks are left to the config checks so that the limits
// live in one place.
export function parseIntArg(text: string, flag: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new ConfigError(flag, `must be an integer, got ${JSON.stringify(text)}`);
  return Number.parseInt(text, 10);
}
