// The OpenAPI document (openapi/openapi.yaml), read once and shared by the
// server (routes, validation, /docs) and the tests.
import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { parse } from 'yaml';

export const SPEC_RELATIVE_PATH = join('openapi', 'openapi.yaml');

export interface OpenApiOperation {
  operationId: string;
  security?: Record<string, string[]>[];
  [key: string]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  security?: Record<string, string[]>[];
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  components: { schemas: Record<string, Record<string, unknown>>; [key: string]: unknown };
  'x-mswitch-error-codes': { code: string; status: number; message: string }[];
  [key: string]: unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

// Finds openapi/openapi.yaml above this module, whether it runs from
// controller-agent/src or from dist/.
export function specPath(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const p = join(dir, SPEC_RELATIVE_PATH);
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) throw new Error(`no ${SPEC_RELATIVE_PATH} above ${from}`);
  }
}

let cached: OpenApiDocument | undefined;

// A fresh deep copy each call: fastify-openapi-glue and @fastify/swagger
// may annotate the object they are given.
export function loadSpec(): OpenApiDocument {
  cached ??= parse(readFileSync(specPath(), 'utf8')) as OpenApiDocument;
  return structuredClone(cached);
}

// Every operation as [METHOD, fastify-style url, operation].
export function operations(doc: OpenApiDocument): [string, string, OpenApiOperation][] {
  const out: [string, string, OpenApiOperation][] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of HTTP_METHODS) {
      const op = item[m] as OpenApiOperation | undefined;
      if (op !== undefined) out.push([m.toUpperCase(), path.replace(/\{([^}]+)\}/g, ':$1'), op]);
    }
  }
  return out;
}

// The operations that need the bearer token over TCP: those whose
// security requirement (or the document's) is not empty.
export function protectedRoutes(doc: OpenApiDocument): Set<string> {
  const set = new Set<string>();
  for (const [method, url, op] of operations(doc)) {
    const req = op.security ?? doc.security ?? [];
    if (req.some((r) => Object.keys(r).length > 0)) set.add(`${method} ${url}`);
  }
  return set;
}
