import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '@chirp/platform';

/** An answer other than success, in the original API's FastAPI shape: `{"detail": "...", "code": "..."}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const STATUS_BY_CODE: Record<string, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

/**
 * A GraphQL error as a REST answer. Codes outside the API's vocabulary (a
 * query the adapter got wrong, a subgraph down) are the server's fault: 500.
 */
export function httpErrorFromGraphQL(error: GraphQLFormattedError): HttpError {
  const code = typeof error.extensions?.code === 'string' ? error.extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
  const status = STATUS_BY_CODE[code];
  if (!status) return new HttpError(500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  const { retryAfter, limit } = error.extensions ?? {};
  const headers: Record<string, string> =
    code === ErrorCode.RATE_LIMITED && typeof retryAfter === 'number' && typeof limit === 'number'
      ? { 'retry-after': `${retryAfter}`, 'x-ratelimit-limit': `${limit}`, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': `${retryAfter}` }
      : {};
  return new HttpError(status, code, error.message, headers);
}

export const notFound = (what: string) => new HttpError(404, ErrorCode.NOT_FOUND, `${what} not found`);
export const unauthenticated = () => new HttpError(401, ErrorCode.UNAUTHENTICATED, 'Authentication required');
export const forbidden = (message: string) => new HttpError(403, ErrorCode.FORBIDDEN, message);
