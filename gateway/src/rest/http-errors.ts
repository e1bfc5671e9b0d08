import type { GraphQLFormattedError } from 'graphql';
import { ERRORS, ErrorCode, isErrorCode } from '@chirp/platform';

/**
 * An answer other than success, in the original API's FastAPI shape
 * (`{"detail": "...", "code": "..."}`), with its code's status; a refusal of
 * the HTTP server keeps the server's own status.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { headers?: Record<string, string>; status?: number } = {},
  ) {
    super(message);
    this.status = options.status ?? ERRORS[code].status;
    this.headers = options.headers ?? {};
  }
}

/**
 * A GraphQL error as a REST answer. Only the API's own codes pass as they are:
 * Apollo Server's mean the route ran a wrong document, and an unknown code or
 * one a client may not see is a failure; each is the server's fault, a 500.
 */
export function httpErrorFromGraphQL(error: GraphQLFormattedError): HttpError {
  const code = error.extensions?.code;
  if (!isErrorCode(code) || ERRORS[code].from !== 'api' || !ERRORS[code].clientVisible) {
    return new HttpError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  }
  const { retryAfter, limit } = error.extensions ?? {};
  const headers: Record<string, string> =
    code === ErrorCode.RATE_LIMITED && typeof retryAfter === 'number' && typeof limit === 'number'
      ? { 'retry-after': `${retryAfter}`, 'x-ratelimit-limit': `${limit}`, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': `${retryAfter}` }
      : {};
  return new HttpError(code, error.message, { headers });
}
