// The REST API's one registry of error codes.
//
// Every error the API answers with is an ApiError built from a code listed
// here: its HTTP status and default message live in this table only.  The
// OpenAPI document lists the same codes (components.schemas.ErrorCode and
// x-mswitch-error-codes); test/controller-agent/api/errors.test.ts keeps
// the two in sync, in the manner of fastify's lib/errors.js and its test.
//
// The body of an error response is always
//   { statusCode, code, message, field? }
// where 'field' names the request field at fault when there is one
// ("body.workers", "params.name").

export const API_ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'the request does not match the API schema' },
  INVALID_JSON: { status: 400, message: 'the request body is not valid JSON' },
  INVALID_ARGUMENT: { status: 400, message: 'the datapath refused a value of the request' },
  UNKNOWN_LOGIC: { status: 400, message: 'no switching logic has that name' },
  LOGIC_CONFIG_REFUSED: { status: 400, message: 'the switching logic refused its configuration' },
  LOGIC_COMMAND_FAILED: { status: 400, message: 'the switching logic refused the command' },
  UNAUTHORIZED: { status: 401, message: 'a valid bearer token is required for this call over TCP' },
  TOKEN_NOT_CONFIGURED: { status: 403, message: 'no API token is configured, so mutating calls over TCP are refused' },
  ROUTE_NOT_FOUND: { status: 404, message: 'no such route' },
  SWITCH_NOT_FOUND: { status: 404, message: 'no switch has that name' },
  PORT_NOT_FOUND: { status: 404, message: 'the switch has no such port' },
  SWITCH_EXISTS: { status: 409, message: 'a switch with that name already exists' },
  PORT_EXISTS: { status: 409, message: 'the memif id, port number or port name is already in use' },
  BODY_TOO_LARGE: { status: 413, message: 'the request body is larger than 16 KiB' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'request bodies must be application/json' },
  DATAPATH_ERROR: { status: 500, message: 'the datapath failed' },
  INTERNAL_ERROR: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export interface ApiErrorBody {
  statusCode: number;
  code: ApiErrorCode;
  message: string;
  field?: string;
}

export class ApiError extends Error {
  readonly statusCode: number;

  // 'message' replaces the registry's default with the specific reason
  // ("no switch named br9").
  constructor(readonly code: ApiErrorCode, message?: string, readonly field?: string) {
    super(message ?? API_ERRORS[code].message);
    this.name = 'ApiError';
    this.statusCode = API_ERRORS[code].status;
  }

  body(): ApiErrorBody {
    return { statusCode: this.statusCode, code: this.code, message: this.message, ...(this.field !== undefined && { field: this.field }) };
  }
}

export const isApiErrorCode = (s: unknown): s is ApiErrorCode => typeof s === 'string' && Object.hasOwn(API_ERRORS, s);
