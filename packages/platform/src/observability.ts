import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ErrorCode, isClientErrorCode } from './errors';
import type { Logger } from './logger';

/** Every context carries these, so that resolvers and plugins log against the request. */
export interface RequestScope {
  requestId: string;
  log: Logger;
}

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id (so one id follows a request through every process), or makes one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTABLE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Operation names come from clients: past this many distinct ones, they are counted as "other". */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export type Metrics = ReturnType<typeof createMetrics>;

/** Prometheus metrics of one process, in a registry of its own (several processes share one test run). */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const seenOperations = new Set<string>();
  const operationLabel = (name: string | null | undefined): string => {
    if (!name || !OPERATION_NAME.test(name)) return 'anonymous';
    if (seenOperations.has(name)) return name;
    if (seenOperations.size >= MAX_OPERATION_NAMES) return 'other';
    seenOperations.add(name);
    return name;
  };

  return {
    registry,
    operationLabel,
    httpRequests: new Counter({
      name: 'chirp_http_requests_total',
      help: 'HTTP requests by route pattern, method and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'chirp_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern and method.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'chirp_graphql_operations_total',
      help: 'GraphQL operations by operation name and type.',
      labelNames: ['operation', 'type'],
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'chirp_graphql_operation_duration_seconds',
      help: 'GraphQL operation latency by operation name.',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    graphqlErrors: new Counter({
      name: 'chirp_graphql_errors_total',
      help: 'GraphQL errors by extensions.code.',
      labelNames: ['code'],
      registers: [registry],
    }),
    mongoDuration: new Histogram({
      name: 'chirp_mongodb_command_duration_seconds',
      help: 'MongoDB command latency by command name and outcome.',
      labelNames: ['command', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    streamEvents: new Counter({
      name: 'chirp_stream_events_total',
      help: 'Change-stream events handled, by stream.',
      labelNames: ['stream'],
      registers: [registry],
    }),
    streamLag: new Histogram({
      name: 'chirp_stream_lag_seconds',
      help: 'Delay from a write to the handling of its change-stream event, by stream.',
      labelNames: ['stream'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    streamLeaseHeld: new Gauge({
      name: 'chirp_stream_worker_lease_held',
      help: 'Whether this process holds the lease of a stream worker (1) or not (0).',
      labelNames: ['worker'],
      registers: [registry],
    }),
    streamRebuilds: new Counter({
      name: 'chirp_stream_worker_rebuilds_total',
      help: 'Rebuilds of what a stream worker derives, by worker and reason.',
      labelNames: ['worker', 'reason'],
      registers: [registry],
    }),
  };
}

/** Counts and times every HTTP request by its route pattern (never the raw URL, which holds ids). */
export function instrumentHttp(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: reply.statusCode });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}

/**
 * Per GraphQL request: counts and times the operation, counts errors by code,
 * and logs the unexpected ones (with the request id) before formatError hides them.
 */
export function observabilityPlugin<TContext extends BaseContext & RequestScope>(metrics: Metrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = typeof error.extensions?.code === 'string' ? error.extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
            const known = isClientErrorCode(code);
            metrics.graphqlErrors.inc({ code: known ? code : ErrorCode.INTERNAL_SERVER_ERROR });
            if (!known) contextValue.log.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
          }
        },
        async willSendResponse({ operationName, operation }) {
          const label = metrics.operationLabel(operationName);
          metrics.graphqlOperations.inc({ operation: label, type: operation?.operation ?? 'unknown' });
          metrics.graphqlDuration.observe({ operation: label }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
