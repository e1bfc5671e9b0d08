import { describe, expect, test } from '@jest/globals';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import {
  ERRORS,
  ErrorCode,
  formatError,
  invalidToken,
  rateLimited,
  refusedOperation,
  refusingRequest,
  serviceUnavailable,
} from '../src/errors';

describe('the error table', () => {
  test('when Apollo Server names its error codes, then the table holds each, so every code a client meets has a row', () => {
    expect(Object.keys(ERRORS)).toEqual(expect.arrayContaining(Object.values(ApolloServerErrorCode)));
  });

  test.each([
    ['a bad token', invalidToken('Invalid token'), 401],
    ['an operation over a limit', refusedOperation('Query depth 11 exceeds the limit of 10'), 400],
    ['a rate limit', refusingRequest(rateLimited('login attempts', { retryAfter: 7, limit: 3 }), { 'retry-after': '7' }), 429],
    ['an unreachable service', refusingRequest(serviceUnavailable('The auth service is unavailable', { serviceName: 'auth' })), 503],
  ])('when %s refuses a whole request, then the HTTP answer has its code’s status from the table', (_case, error, status) => {
    expect(ERRORS[error.extensions.code as ErrorCode].status).toBe(status);
    expect(error.extensions.http).toMatchObject({ status });
  });

  test('when a refusal carries headers and a cause, then both stay with it', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.7:4001');
    const refused = refusingRequest(serviceUnavailable('The auth service is unavailable', {}, cause), { 'retry-after': '1' });
    expect(refused.originalError).toBe(cause);
    expect((refused.extensions.http as { headers: Map<string, string> }).headers.get('retry-after')).toBe('1');
  });

  test('when an error is raised inside a resolver, then it carries no HTTP status (the answer stays 200)', () => {
    expect(rateLimited('login attempts', { retryAfter: 7, limit: 3 }).extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: 7, limit: 3 });
  });
});

describe('formatError', () => {
  test('when the code is one a client may see, then the error passes as it is, without its HTTP details', () => {
    const formatted = formatError(invalidToken('Invalid token').toJSON(), invalidToken('Invalid token'));
    expect(formatted).toEqual({ message: 'Invalid token', extensions: { code: 'UNAUTHENTICATED' } });
  });

  test.each([
    ['the code INTERNAL_SERVER_ERROR', { code: ErrorCode.INTERNAL_SERVER_ERROR }],
    ['a code outside the table', { code: 'DOWNSTREAM_SERVICE_ERROR' }],
    ['no code', {}],
  ])('when the error has %s, then its message is hidden behind INTERNAL_SERVER_ERROR', (_case, extensions) => {
    const error = new GraphQLError('E11000 duplicate key error collection: chirp_auth.users', { extensions });
    expect(formatError(error.toJSON(), error)).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});

describe("Apollo Server's own refusals", () => {
  const answer = async (body: Record<string, unknown>, options: { persistedQueries?: false } = {}) => {
    const server = new ApolloServer({ typeDefs: 'type Query { hello: String }', ...options });
    await server.start();
    try {
      const response = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body },
        context: async () => ({}),
      });
      const text = response.body.kind === 'complete' ? response.body.string : '';
      return { status: response.status ?? 200, code: (JSON.parse(text) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code };
    } finally {
      await server.stop();
    }
  };
  const unknownHash = { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } };

  test.each([
    ['a document that does not parse', { query: '{' }, {}, ErrorCode.GRAPHQL_PARSE_FAILED],
    ['a document that does not fit the schema', { query: '{ nope }' }, {}, ErrorCode.GRAPHQL_VALIDATION_FAILED],
    ['an operation name the document lacks', { query: 'query A { hello }', operationName: 'B' }, {}, ErrorCode.OPERATION_RESOLUTION_FAILURE],
    ['a request without a document', { variables: {} }, {}, ErrorCode.BAD_REQUEST],
    ['a hash of a document never stored', { extensions: unknownHash }, {}, ErrorCode.PERSISTED_QUERY_NOT_FOUND],
    ['a hash where documents are not stored', { extensions: unknownHash }, { persistedQueries: false as const }, ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED],
  ])('when Apollo Server refuses %s, then it answers the status the table gives its code', async (_case, body, options, expected) => {
    expect(await answer(body, options)).toEqual({ code: expected, status: ERRORS[expected].status });
  });
});
