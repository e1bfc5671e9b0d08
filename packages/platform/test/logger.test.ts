import { stripVTControlCharacters } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import type { LogFormat } from '../src/config';
import { buildHttpApp, requestScope } from '../src/http-server';
import { createLogger } from '../src/logger';

const REQUEST_ID = 'log-test-7f3a';

/**
 * The HTTP shell of every process, logging into memory: one request that
 * succeeds and one whose resolver fails unexpectedly, both with REQUEST_ID.
 */
async function logsOfTwoRequests(logFormat: LogFormat): Promise<string[]> {
  let written = '';
  const logger = createLogger('auth-subgraph', { logLevel: 'info', logFormat }, { write: (chunk: string) => void (written += chunk) });
  const { app } = await buildHttpApp({
    service: 'auth-subgraph',
    logger,
    createApollo: (plugins) =>
      new ApolloServer({
        typeDefs: 'type Query { ok: Boolean }',
        resolvers: { Query: { ok: () => { throw new Error('the database fell over'); } } },
        plugins,
      }),
    context: async (request) => requestScope(request),
    checkReady: async () => undefined,
  });
  const headers = { 'x-request-id': REQUEST_ID };
  await app.inject({ method: 'GET', url: '/health', headers });
  await app.inject({ method: 'POST', url: '/graphql', headers: { ...headers, 'content-type': 'application/json' }, payload: { query: '{ ok }' } });
  await app.close();
  return written.split('\n').filter((line) => line !== '');
}

describe('logs', () => {
  test('when the format is pretty, then a request is one line with the service, level, method, path, status, time and request id, and no JSON', async () => {
    const lines = (await logsOfTwoRequests('pretty')).map(stripVTControlCharacters);
    const health = lines.filter((line) => line.includes('/health'));
    expect(health).toHaveLength(1);
    expect(health[0]).toMatch(new RegExp(`^auth-subgraph +\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO: GET /health 200 \\d+\\.\\d ms req=${REQUEST_ID}$`));
    for (const line of lines) expect(line).not.toMatch(/^\{|"\w+":/);
  });

  test('when the format is pretty, then an unexpected error names its request id and shows its stack below', async () => {
    const lines = (await logsOfTwoRequests('pretty')).map(stripVTControlCharacters);
    const error = lines.findIndex((line) => line.includes('ERROR'));
    expect(lines[error]).toMatch(new RegExp(`^auth-subgraph .* ERROR: unexpected error error=the database fell over path=ok req=${REQUEST_ID}$`));
    expect(lines[error + 1]).toMatch(/^ +Error: the database fell over$/);
  });

  test('when the format is json, then every line parses, and the request and its error carry the request id', async () => {
    const records = (await logsOfTwoRequests('json')).map((line) => JSON.parse(line) as { name: string; requestId?: string; msg: string; level: number });
    expect(records.every((record) => record.name === 'auth-subgraph')).toBe(true);
    const ofRequests = records.filter((record) => record.requestId === REQUEST_ID).map((record) => record.msg);
    expect(ofRequests).toEqual(expect.arrayContaining(['incoming request', 'request completed', 'unexpected error']));
    expect(records.find((record) => record.msg === 'unexpected error')).toMatchObject({ level: 50, err: { message: 'the database fell over' } });
  });
});
