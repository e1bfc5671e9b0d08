import type { ApolloServerPlugin } from '@apollo/server';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { GraphQLError } from 'graphql';
import { ErrorCode, PASSWORD_CHECKS, rateLimited, refusingRequest, fragmentsOf, rootFieldCounts } from '@chirp/platform';
import type { Authenticator, GatewayContext } from './auth-forwarding';
import type { RateLimitConfig } from './config';
import { HttpError } from './rest/http-errors';

/** Probes, metrics and the docs and GraphiQL pages are never limited: monitors and browsers fetch them freely. */
const UNLIMITED_PATHS = /^\/(health|ready|metrics|docs|openapi\.json|graphiql)(\/|$|\?)/;

/** What a limit says about one request, in the terms of the X-RateLimit-* headers. */
export interface RateLimitState {
  limited: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * Counts hits per key in fixed windows. In memory, so per gateway instance:
 * several instances behind a balancer each allow the limit.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts `times` hits at once (an operation with several login fields is several attempts). */
  hit(key: string, times = 1, now = Date.now()): RateLimitState {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (this.windows.size > 10_000) this.sweep(now);
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += times;
    return {
      limited: window.count > this.limit,
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.count),
      resetSeconds: Math.ceil((window.resetAt - now) / 1000),
    };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/**
 * RATE_LIMITED as every limit says it; the gateway's own refuses the whole
 * request (its status, 429, on /graphql too) with Retry-After.
 */
function gatewayRateLimited(state: RateLimitState, what: string): GraphQLError {
  return refusingRequest(rateLimited(what, { retryAfter: state.resetSeconds, limit: state.limit }), {
    'retry-after': String(state.resetSeconds),
  });
}

/**
 * login and register are limited per address whichever way they come (GraphQL
 * or the REST routes, which run the same operations), so password guessing and
 * sign-up floods meet one limit; changePassword and deleteAccount check a
 * password too, and count as logins. Every such field of the
 * operation counts, wherever it sits: in a fragment, an inline fragment, under
 * an alias. One that operationLimitsPlugin refuses (several sign-ins in one
 * operation) counts too: the client asked for those attempts.
 */
export function authRateLimitPlugin(config: RateLimitConfig): ApolloServerPlugin<GatewayContext> {
  const limiters = {
    login: new FixedWindowLimiter(config.loginsPerMinute, 60_000),
    register: new FixedWindowLimiter(config.registrationsPer30Minutes, 30 * 60_000),
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          const rootFields = rootFieldCounts(operation, fragmentsOf(document));
          const passwordChecks = PASSWORD_CHECKS.reduce((sum, name) => sum + (rootFields.get(name) ?? 0), 0);
          for (const [limiter, attempts, what] of [
            [limiters.login, passwordChecks, 'login attempts'],
            [limiters.register, rootFields.get('register') ?? 0, 'registrations'],
          ] as const) {
            if (!attempts) continue;
            const state = limiter.hit(contextValue.clientIp, attempts);
            if (state.limited) throw gatewayRateLimited(state, what);
          }
        },
      };
    },
  };
}

/** The general limit: per signed-in user, else per address, on every route but probes and docs. */
export async function registerGeneralRateLimit(app: FastifyInstance, config: RateLimitConfig, auth: Authenticator): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: config.perMinute,
    timeWindow: 60_000,
    allowList: (request) => UNLIMITED_PATHS.test(request.url),
    keyGenerator: (request) => {
      const viewer = auth.viewerOf(request);
      return viewer ? `user:${viewer.id}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new HttpError(ErrorCode.RATE_LIMITED, `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`),
  });
}
