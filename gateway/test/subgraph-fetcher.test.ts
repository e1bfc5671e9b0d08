import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from '@jest/globals';
import { createSubgraphFetcher, MAX_SOCKETS_PER_SUBGRAPH } from '../src/subgraph-fetcher';

const subgraphFetcher = createSubgraphFetcher(4000);

describe('subgraphFetcher', () => {
  test('when more calls go to one subgraph at once than its socket cap, then the rest queue for a socket instead of opening connections', async () => {
    // The server holds every request until the cap's worth are waiting at once, so no socket is free before then.
    let connections = 0;
    const held: http.ServerResponse[] = [];
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (held.length >= MAX_SOCKETS_PER_SUBGRAPH) return response.end('{}');
        held.push(response);
        if (held.length === MAX_SOCKETS_PER_SUBGRAPH) for (const waiting of held) waiting.end('{}');
      });
    });
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    try {
      const calls = MAX_SOCKETS_PER_SUBGRAPH + 36;
      const responses = await Promise.all(
        Array.from({ length: calls }, () => subgraphFetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array.from({ length: calls }, () => 200));
      expect(connections).toBe(MAX_SOCKETS_PER_SUBGRAPH);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
