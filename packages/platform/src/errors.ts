import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export interface ErrorKind {
  /**
   * The HTTP status of an answer with this code: of every REST answer, and of
   * a GraphQL answer when the error refuses the request as a whole
   * (`refusingRequest`). Raised inside a resolver, an error leaves a GraphQL
   * answer at 200: a subgraph answering 4xx would make the gateway see a
   * failed call instead of the error.
   */
  status: number;
  /** Whether a client may read the message as written; formatError puts INTERNAL_SERVER_ERROR in place of the others. */
  clientVisible: boolean;
  /**
   * Who gives the code. `api`: the services and the gateway, alike over
   * GraphQL and REST. `http`: the HTTP layer, before any operation runs; a
   * refusal of the HTTP server keeps its own 4xx (413 for a body over
   * BODY_LIMIT_BYTES, 415 for a media type it cannot read). `apollo`: Apollo
   * Server, for a document it cannot parse, validate or resolve, with the
   * status it gives; in a REST route one means the route's own document is
   * wrong, the server's fault: 500.
   */
  from: 'api' | 'http' | 'apollo';
  /** What it tells a client, for documents (the OpenAPI responses). */
  meaning: string;
}

/** Every code a client can meet (DESIGN "API behaviour", and the REST routes' FastAPI answers). */
export const ERRORS = {
  UNAUTHENTICATED: { status: 401, clientVisible: true, from: 'api', meaning: 'No valid bearer token' },
  FORBIDDEN: { status: 403, clientVisible: true, from: 'api', meaning: 'Not allowed for this user' },
  NOT_FOUND: { status: 404, clientVisible: true, from: 'api', meaning: 'No such resource' },
  BAD_USER_INPUT: { status: 400, clientVisible: true, from: 'api', meaning: 'The request breaks a rule of the API' },
  CONFLICT: { status: 409, clientVisible: true, from: 'api', meaning: 'Username or e-mail already taken' },
  RATE_LIMITED: { status: 429, clientVisible: true, from: 'api', meaning: 'Too many requests' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    clientVisible: true,
    from: 'api',
    meaning: 'A subgraph or a database cannot be reached right now; the same request may succeed later',
  },
  INTERNAL_SERVER_ERROR: { status: 500, clientVisible: false, from: 'api', meaning: 'The server failed' },
  BAD_REQUEST: { status: 400, clientVisible: true, from: 'http', meaning: 'The HTTP request cannot be read' },
  METHOD_NOT_ALLOWED: { status: 405, clientVisible: true, from: 'http', meaning: 'The path exists, not with this method' },
  GRAPHQL_PARSE_FAILED: { status: 400, clientVisible: true, from: 'apollo', meaning: 'The document is not GraphQL' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, clientVisible: true, from: 'apollo', meaning: 'The document does not fit the schema' },
  OPERATION_RESOLUTION_FAILURE: { status: 400, clientVisible: true, from: 'apollo', meaning: 'The document names no operation to run' },
  // 200, as Apollo Server answers them: a client's cue to send the whole document.
  PERSISTED_QUERY_NOT_FOUND: { status: 200, clientVisible: true, from: 'apollo', meaning: 'No document is stored under this hash' },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 200, clientVisible: true, from: 'apollo', meaning: 'Documents are not stored by hash' },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERRORS;
export const ErrorCode = Object.fromEntries(Object.keys(ERRORS).map((code) => [code, code])) as { [C in ErrorCode]: C };

/**
 * A REST answer that does not come from a code: a body, path or query that
 * does not match the route's schema, answered as FastAPI does, with `detail` a
 * list of `{loc, msg, type}`.
 */
export const SCHEMA_MISMATCH_STATUS = 422;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

export function isClientErrorCode(code: unknown): code is ErrorCode {
  return isErrorCode(code) && ERRORS[code].clientVisible;
}

function apiError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const unauthenticated = (message = 'Authentication required') => apiError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message: string) => apiError(ErrorCode.FORBIDDEN, message);
export const notFound = (message: string) => apiError(ErrorCode.NOT_FOUND, message);
/** `field` names the argument or input field at fault, so clients can point at it. */
export const badUserInput = (message: string, field?: string) =>
  apiError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
export const conflict = (message: string, field?: string) =>
  apiError(ErrorCode.CONFLICT, message, field ? { field } : {});
/**
 * Too many `what` ("login attempts"): `retryAfter` is the seconds until the
 * client may try again and `limit` what one window allows, from which the REST
 * adapter makes Retry-After and X-RateLimit-* headers.
 */
export const rateLimited = (what: string, retry: { retryAfter: number; limit: number }) =>
  apiError(ErrorCode.RATE_LIMITED, `Too many ${what}; retry in ${retry.retryAfter} s`, {
    retryAfter: retry.retryAfter,
    limit: retry.limit,
  });
export const serviceUnavailable = (message: string, extensions: Record<string, unknown> = {}, cause?: unknown) =>
  new GraphQLError(message, {
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, ...extensions },
    ...(cause instanceof Error ? { originalError: cause } : {}),
  });

/**
 * `error` refusing the request as a whole, before any resolver runs (a bad
 * token, an operation over a limit): the HTTP answer has its code's status,
 * and `headers`.
 */
export function refusingRequest(error: GraphQLError, headers?: Record<string, string>): GraphQLError {
  const code = error.extensions.code as ErrorCode;
  return new GraphQLError(error.message, {
    extensions: { ...error.extensions, http: { status: ERRORS[code].status, ...(headers ? { headers: new Map(Object.entries(headers)) } : {}) } },
    ...(error.originalError ? { originalError: error.originalError } : {}),
  });
}

/** A bad token or service credential: the whole answer is a 401. */
export const invalidToken = (message: string) => refusingRequest(unauthenticated(message));
/** An operation refused before any resolver runs (over a limit, nothing to run): the whole answer is a 400. */
export const refusedOperation = (message: string) => refusingRequest(badUserInput(message));

/** What the driver and mongoose throw while the database cannot be reached (as opposed to a bad command). */
const DATABASE_UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
]);

/**
 * The one place that decides what an error looks like to a client: codes a
 * client may see pass through, everything else becomes INTERNAL_SERVER_ERROR
 * without its message (which may name collections or hosts); the
 * observability plugin has logged it in full. Stack traces are added by Apollo
 * Server only when `includeStacktraceInErrorResponses` is on, which the
 * servers set in development only.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (DATABASE_UNREACHABLE.has((unwrapResolverError(error) as Error | undefined)?.name ?? '')) {
    return { ...formatted, message: 'The database is unavailable; try again shortly', extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
  }
  if (isClientErrorCode(formatted.extensions?.code)) {
    const { http: _http, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(formatted.extensions?.stacktrace ? { stacktrace: formatted.extensions.stacktrace } : {}) },
  };
}
