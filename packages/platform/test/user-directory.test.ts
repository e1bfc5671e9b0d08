import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createUserDirectory } from '../src/user-directory';

/** A stand-in for the auth subgraph's `_entities`: knows the ids in `existing`, counts the questions, answers after `delayMs`. */
const existing = new Set(['aaaaaaaaaaaaaaaaaaaaaaaa']);
const asked: string[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const id = JSON.parse(body).variables.representations[0].id as string;
      asked.push(id);
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ data: { _entities: [existing.has(id) ? { id } : null] } }));
      }, 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('the user directory', () => {
  test('when many ask at once about one account, then auth is asked once, and not again while the account is known', async () => {
    const directory = createUserDirectory({ serviceName: 'auth', url, signCredential: null });
    asked.length = 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => directory.exists('aaaaaaaaaaaaaaaaaaaaaaaa', 'request')));
    expect(answers).toEqual(Array(20).fill(true));
    expect(await directory.exists('aaaaaaaaaaaaaaaaaaaaaaaa', 'request')).toBe(true);
    expect(asked).toEqual(['aaaaaaaaaaaaaaaaaaaaaaaa']);
  });

  test('when an account does not exist, then that answer is not kept: the next question asks auth again', async () => {
    const directory = createUserDirectory({ serviceName: 'auth', url, signCredential: null });
    asked.length = 0;
    expect(await directory.exists('bbbbbbbbbbbbbbbbbbbbbbbb', 'request')).toBe(false);
    existing.add('bbbbbbbbbbbbbbbbbbbbbbbb');
    expect(await directory.exists('bbbbbbbbbbbbbbbbbbbbbbbb', 'request')).toBe(true);
    expect(asked).toEqual(['bbbbbbbbbbbbbbbbbbbbbbbb', 'bbbbbbbbbbbbbbbbbbbbbbbb']);
  });
});
