// openapi/openapi.yaml against the code built from it: the error registry
// (errors.ts) and the generated types (schema.d.ts) must not drift from
// the document, and every operation has a handler.
import { expect } from 'chai';
import { readFileSync } from 'fs';
import { join } from 'path';

import { API_ERRORS } from '../../../controller-agent/src/api/errors';
import { ApiHandlers } from '../../../controller-agent/src/api/handlers';
import { loadSpec, operations, protectedRoutes } from '../../../controller-agent/src/api/spec';
import { repoRoot } from '../../support/paths';
import { spawnTracked, killAllTracked } from '../../support/processes';
import { makeTempDir, removeTempDir } from '../../support/tmp-dir';

describe('REST API: the OpenAPI document and the code', () => {
  const spec = loadSpec();
  let dir: string | undefined;
  afterEach(async () => {
    await killAllTracked();
    removeTempDir(dir);
    dir = undefined;
  });

  it('lists exactly the error registry\'s codes, statuses and messages', () => {
    const registry = Object.entries(API_ERRORS).map(([code, e]) => ({ code, status: e.status, message: e.message }));
    expect(spec['x-mswitch-error-codes']).to.deep.equal(registry);
    expect(spec.components.schemas.ErrorCode.enum).to.deep.equal(Object.keys(API_ERRORS));
  });

  it('documents every error response with the Error schema and a status the registry uses', () => {
    const statuses = new Set<number>(Object.values(API_ERRORS).map((e) => e.status));
    const responses = spec.components.responses as Record<string, { content: { 'application/json': { schema: { $ref: string } } } }>;
    for (const [method, url, op] of operations(spec)) {
      for (const [status, resp] of Object.entries(op.responses as Record<string, { $ref?: string }>)) {
        if (Number(status) < 400) continue;
        expect(statuses.has(Number(status)), `${method} ${url} ${status}`).to.equal(true);
        const name = (resp.$ref ?? '').split('/').pop() as string;
        expect(responses[name]?.content['application/json'].schema.$ref, `${method} ${url} ${status}`).to.equal('#/components/schemas/Error');
      }
    }
  });

  it('has a handler for every operationId, and the bearer token on every mutating operation', () => {
    const handlers = new ApiHandlers({} as never) as unknown as Record<string, unknown>;
    const guarded = protectedRoutes(spec);
    for (const [method, url, op] of operations(spec)) {
      expect(handlers[op.operationId], op.operationId).to.be.a('function');
      expect(guarded.has(`${method} ${url}`), `${method} ${url} guarded`).to.equal(method !== 'GET');
    }
  });

  it('bounds every string and array of every request body and parameter', () => {
    const seen: string[] = [];
    const resolve = (s: Record<string, unknown>): Record<string, unknown> => {
      const ref = s.$ref as string | undefined;
      return ref === undefined ? s : spec.components.schemas[ref.split('/').pop() as string];
    };
    const walk = (raw: Record<string, unknown>, at: string): void => {
      const s = resolve(raw);
      if (s.type === 'string' && s.enum === undefined) {
        expect(s.maxLength, `${at}: maxLength`).to.be.a('number');
        seen.push(at);
      }
      if (s.type === 'array') expect(s.maxItems, `${at}: maxItems`).to.be.a('number');
      if (s.type === 'object') {
        expect(s.additionalProperties, `${at}: additionalProperties`).to.equal(false);
        for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>)) walk(v, `${at}.${k}`);
      }
    };
    for (const [method, url, op] of operations(spec)) {
      const body = (op.requestBody as { content: Record<string, { schema: Record<string, unknown> }> } | undefined)?.content['application/json'].schema;
      if (body !== undefined) walk(body, `${method} ${url} body`);
    }
    for (const [name, p] of Object.entries(spec.components.parameters as Record<string, { schema: Record<string, unknown> }>)) walk(p.schema, `parameter ${name}`);
    expect(seen).to.include('POST /switches body.name');
  });

  it('has generated types (controller-agent/src/api/schema.d.ts) up to date: run `npm run api:types`', async function () {
    this.timeout(60_000);
    dir = makeTempDir();
    const out = join(dir, 'schema.d.ts');
    const bin = join(repoRoot(), 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    const p = spawnTracked(process.execPath, [bin, join(repoRoot(), 'openapi', 'openapi.yaml'), '-o', out], { cwd: repoRoot() });
    const status = await p.exited;
    expect(status.code, p.tail()).to.equal(0);
    const committed = readFileSync(join(repoRoot(), 'controller-agent', 'src', 'api', 'schema.d.ts'), 'utf8');
    expect(readFileSync(out, 'utf8') === committed, 'schema.d.ts differs from what openapi-typescript generates from openapi.yaml; run `npm run api:types`').to.equal(true);
  });
});
