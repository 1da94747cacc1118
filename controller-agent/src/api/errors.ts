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
// ("body.workers", "params.name").  Flow errors add what the OpenFlow side
// knows: 'token' (the flow text at fault), 'failures' (each refused flow
// mod with its OpenFlow error) and 'applied' (how many were applied).

export const API_ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'the request does not match the API schema' },
  INVALID_JSON: { status: 400, message: 'the request body is not valid JSON' },
  INVALID_ARGUMENT: { status: 400, message: 'the datapath refused a value of the request' },
  UNKNOWN_LOGIC: { status: 400, message: 'no switching logic has that name' },
  LOGIC_CONFIG_REFUSED: { status: 400, message: 'the switching logic refused its configuration' },
  LOGIC_COMMAND_FAILED: { status: 400, message: 'the switching logic refused the command' },
  FLOW_SYNTAX: { status: 400, message: 'a flow is not valid ovs-ofctl flow syntax' },
  FLOW_REFUSED: { status: 400, message: 'the openflow logic refused a flow, group or meter mod (see failures)' },
  GROUP_SYNTAX: { status: 400, message: 'a group is not valid ovs-ofctl group syntax' },
  METER_SYNTAX: { status: 400, message: 'a meter is not valid ovs-ofctl meter syntax' },
  CONTROLLER_TARGET: { status: 400, message: 'a controller target or listener is not valid (see field)' },
  UNAUTHORIZED: { status: 401, message: 'a valid bearer token is required for this call over TCP' },
  TOKEN_NOT_CONFIGURED: { status: 403, message: 'no API token is configured, so mutating calls over TCP are refused' },
  ROUTE_NOT_FOUND: { status: 404, message: 'no such route' },
  SWITCH_NOT_FOUND: { status: 404, message: 'no switch has that name' },
  PORT_NOT_FOUND: { status: 404, message: 'the switch has no such port' },
  GROUP_NOT_FOUND: { status: 404, message: 'the switch has no such group' },
  METER_NOT_FOUND: { status: 404, message: 'the switch has no such meter' },
  SWITCH_EXISTS: { status: 409, message: 'a switch with that name already exists' },
  PORT_EXISTS: { status: 409, message: 'the memif id, port number or port name is already in use' },
  NOT_OPENFLOW: { status: 409, message: 'the switch runs a logic without flow tables (set its logic to openflow)' },
  FLOW_OVERLAP: { status: 409, message: 'a flow overlaps one of the same priority (check_overlap) (see failures)' },
  GROUP_EXISTS: { status: 409, message: 'a group with that id already exists' },
  METER_EXISTS: { status: 409, message: 'a meter with that id already exists' },
  LISTEN_FAILED: { status: 409, message: 'a listener could not be bound (the other changes were applied)' },
  BODY_TOO_LARGE: { status: 413, message: 'the request body is larger than 16 KiB' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'request bodies must be application/json' },
  DATAPATH_ERROR: { status: 500, message: 'the datapath failed' },
  INTERNAL_ERROR: { status: 500, message: 'internal error' },
  TABLE_FULL: { status: 507, message: 'a flow table is full (see failures)' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** One refused flow mod of a request, with the OpenFlow error it got. */
export interface FlowModFailure {
  index: number;
  type: string;
  code: string;
  typeNumber: number;
  codeNumber: number;
  message: string;
}

export interface ApiErrorDetails {
  token?: string;
  applied?: number;
  failures?: FlowModFailure[];
}

export interface ApiErrorBody extends ApiErrorDetails {
  statusCode: number;
  code: ApiErrorCode;
  message: string;
  field?: string;
}

export class ApiError extends Error {
  readonly statusCode: number;

  // 'message' replaces the registry's default with the specific reason
  // ("no switch named br9").
  constructor(readonly code: ApiErrorCode, message?: string, readonly field?: string, readonly details: ApiErrorDetails = {}) {
    super(message ?? API_ERRORS[code].message);
    this.name = 'ApiError';
    this.statusCode = API_ERRORS[code].status;
  }

  body(): ApiErrorBody {
    return { statusCode: this.statusCode, code: this.code, message: this.message, ...(this.field !== undefined && { field: this.field }), ...this.details };
  }
}

export const isApiErrorCode = (s: unknown): s is ApiErrorCode => typeof s === 'string' && Object.hasOwn(API_ERRORS, s);
