import http from 'node:http';
import https from 'node:https';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/**
 * Open sockets to one subgraph (one host and port) at most: a burst of calls
 * queues for a socket instead of opening connections without bound. A queued
 * call's time counts against the subgraph timeout like the rest of it.
 */
export const MAX_SOCKETS_PER_SUBGRAPH = 64;

/**
 * Idle sockets stay open for the next call (no TCP handshake per subgraph
 * call), and close after 30 s, well before a fastify subgraph's own 72 s, so
 * a reused socket is never one the subgraph is closing.
 */
const AGENT_OPTIONS = { keepAlive: true, timeout: 30_000, maxSockets: MAX_SOCKETS_PER_SUBGRAPH };
const agents = { 'http:': new http.Agent(AGENT_OPTIONS), 'https:': new https.Agent(AGENT_OPTIONS) };

/**
 * The gateway's subgraph calls over node:http with keep-alive agents. Global
 * fetch (undici) streamed each small JSON body through WHATWG streams in
 * several socket writes, a quarter of the gateway's CPU under load (see
 * docs/BENCHMARKS.md); here headers and body leave in one write. It answers
 * only what RemoteGraphQLDataSource reads of a response.
 */
export const createSubgraphFetcher = (timeoutMs: number): Fetcher => (url, init = {}) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      { method: init.method ?? 'POST', headers: init.headers as http.OutgoingHttpHeaders, agent: agents[target.protocol as keyof typeof agents] },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          const header = (name: string) => [response.headers[name.toLowerCase()] ?? []].flat().join(', ') || null;
          resolve({
            url,
            status,
            statusText: response.statusMessage ?? '',
            ok: status >= 200 && status < 300,
            headers: { get: header },
            text: async () => body,
            json: async () => JSON.parse(body),
          } as never);
        });
      },
    );
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer from ${target.host} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(init.body as string | undefined);
  });
