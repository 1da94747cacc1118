// Builds the REST API as a fastify instance, from openapi/openapi.yaml.
//
// Design: the spec is the single source of truth.  fastify-openapi-glue
// turns each operation into a route whose body/params schemas come from
// the spec and whose handler is the ApiHandlers method of the same
// operationId; @fastify/swagger (static mode) serves the very same document
// at /docs (UI), /docs/json and /docs/yaml.  Validation is strict: ajv with
// removeAdditional off (an unknown field is an error naming it, never
// silently dropped), no type coercion (a "4" is not a 4), bodies capped at
// BODY_LIMIT bytes.
//
// Every error leaves through one error handler that answers with a
// registry code (errors.ts).  One instance serves one transport:
// 'unix' (the socket's file mode is the access control) or 'tcp', where
// the operations the spec marks with the bearerAuth requirement need the
// token, checked in onRequest, before the body is even read.  Each
// request is logged at debug when it completes.
import { createHash, timingSafeEqual } from 'crypto';

import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

import type { Daemon } from '../daemon';
import type { Logger } from '../log';
import { ApiError } from './errors';
import { ApiHandlers } from './handlers';
import { loadSpec, protectedRoutes } from './spec';

export const BODY_LIMIT = 16 * 1024;

export type ApiTransport = 'unix' | 'tcp';

export interface ApiAppOptions {
  daemon: Daemon;
  log: Logger;
  transport: ApiTransport;
  token?: string;          // tcp: the bearer token; unset refuses mutating calls
  // Extra routes mounted beside the spec's (the metrics route).
  plugins?: ((app: FastifyInstance, daemon: Daemon) => void | Promise<void>)[];
}

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

// "body" + "/ports/0/id" -> "body.ports[0].id"
function fieldOf(context: string, instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`));
  return `${context}${parts.join('')}${extra === undefined ? '' : `.${extra}`}`;
}

function validationError(errors: AjvError[], context: string): ApiError {
  const e = errors[0];
  if (e.keyword === 'additionalProperties') {
    const field = fieldOf(context, e.instancePath, String(e.params.additionalProperty));
    return new ApiError('VALIDATION_FAILED', `${field}: unknown field`, field);
  }
  if (e.keyword === 'required') {
    const field = fieldOf(context, e.instancePath, String(e.params.missingProperty));
    return new ApiError('VALIDATION_FAILED', `${field}: is required`, field);
  }
  const field = fieldOf(context, e.instancePath);
  const allowed = e.keyword === 'enum' ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
  return new ApiError('VALIDATION_FAILED', `${field}: ${e.message ?? 'is invalid'}${allowed}`, field);
}

// Any error a route or fastify raised, as an ApiError.
function toApiError(err: FastifyError & { validation?: AjvError[]; validationContext?: string }): ApiError {
  if (err instanceof ApiError) return err;
  if (err.validation !== undefined) return validationError(err.validation, err.validationContext ?? 'body');
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('BODY_TOO_LARGE', `the request body is larger than ${BODY_LIMIT} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('INVALID_JSON', 'the request body is empty but its content type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('INVALID_JSON', `the request body is not valid JSON: ${err.message}`);
    default:
      if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/.test(err.message))) {
        return new ApiError('INVALID_JSON', `the request body is not valid JSON: ${err.message}`);
      }
      return new ApiError('INTERNAL_ERROR', `internal error: ${err.message}`);
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

// Compares the request's bearer token with 'token' in constant time (both
// hashed first, so lengths leak nothing either).
function checkBearer(req: FastifyRequest, token: string | undefined): void {
  if (token === undefined) throw new ApiError('TOKEN_NOT_CONFIGURED', 'mutating calls over TCP need a token, and none is configured (set MSWITCH_API_TOKEN or api.token, or use the unix socket)');
  const m = /^Bearer ([\x21-\x7e]{1,1024})$/.exec(req.headers.authorization ?? '');
  if (m === null) throw new ApiError('UNAUTHORIZED', 'this call needs the header Authorization: Bearer <token>');
  if (!timingSafeEqual(digest(m[1]), digest(token))) throw new ApiError('UNAUTHORIZED', 'the bearer token is wrong');
}

export async function buildApiApp(opts: ApiAppOptions): Promise<FastifyInstance> {
  const spec = loadSpec();
  const app = Fastify({
    loggerInstance: opts.log.child({ component: 'api', transport: opts.transport }) as FastifyBaseLogger,
    // Requests are logged once, at debug, by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    schemaErrorFormatter: (errors, dataVar) => validationError(errors as AjvError[], dataVar),
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const e = toApiError(err);
    if (e.statusCode >= 500) req.log.error({ err }, `${req.method} ${req.url}: ${err.message}`);
    void reply.code(e.statusCode).send(e.body());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(new ApiError('ROUTE_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`).body());
  });

  if (opts.transport === 'tcp') {
    const guarded = protectedRoutes(spec);
    app.addHook('onRequest', async (req) => {
      if (guarded.has(`${req.method} ${req.routeOptions.url}`)) checkBearer(req, opts.token);
    });
  }
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug(
      { event: 'api-request', method: req.method, url: req.url, route: req.routeOptions.url, status: reply.statusCode, ms: reply.elapsedTime },
      `${req.method} ${req.url} ${reply.statusCode}`);
  });

  await app.register(swagger, { mode: 'static', specification: { document: loadSpec() as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(openapiGlue, { specification: spec, serviceHandlers: new ApiHandlers(opts.daemon) });
  for (const plugin of opts.plugins ?? []) await plugin(app, opts.daemon);
  await app.ready();
  return app;
}
