import { describe, expect, test } from '@jest/globals';
import { ErrorCode } from '@chirp/platform';
import { HttpError, httpErrorFromGraphQL } from '../src/rest/http-errors';

const answer = (error: HttpError) => ({ status: error.status, code: error.code, detail: error.message, headers: error.headers });

describe('GraphQL errors as REST answers', () => {
  test.each([
    [ErrorCode.UNAUTHENTICATED, 401],
    [ErrorCode.FORBIDDEN, 403],
    [ErrorCode.NOT_FOUND, 404],
    [ErrorCode.BAD_USER_INPUT, 400],
    [ErrorCode.CONFLICT, 409],
    [ErrorCode.RATE_LIMITED, 429],
    [ErrorCode.SERVICE_UNAVAILABLE, 503],
  ])('when the operation fails with %s, then the answer is %i with the code and the message', (code, status) => {
    expect(answer(httpErrorFromGraphQL({ message: 'what went wrong', extensions: { code } }))).toEqual({
      status,
      code,
      detail: 'what went wrong',
      headers: {},
    });
  });

  test.each([
    ['INTERNAL_SERVER_ERROR', { code: ErrorCode.INTERNAL_SERVER_ERROR }],
    ...[ErrorCode.GRAPHQL_PARSE_FAILED, ErrorCode.GRAPHQL_VALIDATION_FAILED, ErrorCode.OPERATION_RESOLUTION_FAILURE, ErrorCode.BAD_REQUEST].map(
      (code) => [`${code} (the route's own document is wrong)`, { code }] as const,
    ),
    ['a code outside the table', { code: 'DOWNSTREAM_SERVICE_ERROR' }],
    ['no code', {}],
  ])('when the operation fails with %s, then the answer is 500 without the message', (_case, extensions) => {
    expect(answer(httpErrorFromGraphQL({ message: 'Cannot query field "nope" on type "Post".', extensions }))).toEqual({
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      detail: 'Internal server error',
      headers: {},
    });
  });

  test('when a rate limit says when to retry, then the answer carries Retry-After and the X-RateLimit headers', () => {
    const error = httpErrorFromGraphQL({
      message: 'Too many login attempts; retry in 42 s',
      extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: 42, limit: 5 },
    });
    expect(error.headers).toEqual({ 'retry-after': '42', 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '42' });
  });
});

describe('HttpError', () => {
  test('when the HTTP server refused the request with a status of its own (413), then that status stays', () => {
    expect(answer(new HttpError(ErrorCode.BAD_REQUEST, 'Request body is too large', { status: 413 }))).toMatchObject({
      status: 413,
      code: 'BAD_REQUEST',
    });
  });
});
