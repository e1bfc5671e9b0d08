import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The error vocabulary of the whole API (DESIGN "API behaviour"). */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A subgraph or a database cannot be reached right now; the same request may succeed later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

function apiError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const unauthenticated = (message = 'Authentication required') => apiError(ErrorCode.UNAUTHENTICATED, message);
/**
 * A bad token, refused before any resolver runs: the whole HTTP answer is a
 * 401. (Inside a resolver, a 401 would make the gateway see a failed subgraph
 * call instead of the error.)
 */
export const invalidToken = (message: string) =>
  apiError(ErrorCode.UNAUTHENTICATED, message, { http: { status: 401 } });
export const forbidden = (message: string) => apiError(ErrorCode.FORBIDDEN, message);
export const notFound = (message: string) => apiError(ErrorCode.NOT_FOUND, message);
/** `field` names the argument or input field at fault, so clients can point at it. */
export const badUserInput = (message: string, field?: string) =>
  apiError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
/** An operation refused before any resolver runs (over a limit): the whole HTTP answer is a 400. */
export const refusedOperation = (message: string) =>
  apiError(ErrorCode.BAD_USER_INPUT, message, { http: { status: 400 } });
export const conflict = (message: string, field?: string) =>
  apiError(ErrorCode.CONFLICT, message, field ? { field } : {});
/**
 * Too many `what` ("login attempts"): `retryAfter` is the seconds until the
 * client may try again and `limit` what one window allows, from which the REST
 * adapter makes Retry-After and X-RateLimit-* headers. `extensions` adds to
 * them: the gateway's own limits add an HTTP 429, which a subgraph must not
 * (as with `invalidToken`, the gateway would see a failed call, not the error).
 */
export const rateLimited = (what: string, retry: { retryAfter: number; limit: number }, extensions: Record<string, unknown> = {}) =>
  apiError(ErrorCode.RATE_LIMITED, `Too many ${what}; retry in ${retry.retryAfter} s`, {
    retryAfter: retry.retryAfter,
    limit: retry.limit,
    ...extensions,
  });
export const serviceUnavailable = (message: string, extensions: Record<string, unknown> = {}, cause?: unknown) =>
  new GraphQLError(message, {
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, ...extensions },
    ...(cause instanceof Error ? { originalError: cause } : {}),
  });

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
 * Codes a client may see as they are: ours, and those Apollo Server gives for
 * requests it cannot parse or validate. Anything else is an internal failure.
 */
const CLIENT_VISIBLE_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

export function isClientErrorCode(code: unknown): code is string {
  return typeof code === 'string' && CLIENT_VISIBLE_CODES.has(code);
}

/**
 * The one place that decides what an error looks like to a client: known
 * codes pass through, everything else becomes INTERNAL_SERVER_ERROR without
 * its message (which may name collections or hosts); the observability plugin
 * has logged it in full. Stack traces are added by Apollo Server only when
 * `includeStacktraceInErrorResponses` is on, which the servers set in development only.
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
