import type { ApolloServer } from '@apollo/server';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { ErrorCode, SCHEMA_MISMATCH_STATUS, SWAGGER_UI_ASSETS } from '@chirp/platform';
import type { GatewayContext } from '../auth-forwarding';
import { authRoutes } from './auth-routes';
import { HttpError, httpErrorFromGraphQL } from './http-errors';
import { createGraphQLRunner } from './operation';
import { postsRoutes } from './posts-routes';
import { message } from './schemas';
import { usersRoutes } from './users-routes';
import { useStrictValidation, validationDetails } from './validation';

const SERVICES = [
  { prefix: '/auth-api', tag: 'Auth', hello: 'Hello from Auth Services', routes: authRoutes },
  { prefix: '/posts-api', tag: 'Posts', hello: 'Hello from Posts Services', routes: postsRoutes },
  { prefix: '/users-api', tag: 'Users', hello: 'Hello from User Services', routes: usersRoutes },
] as const;

/**
 * Turns a route pattern (`/posts/:id`) into a matcher for concrete paths,
 * exactly as the router matches them (no trailing slash), so that a 405 never
 * names the method that was just refused.
 */
function patternMatcher(pattern: string): RegExp {
  const source = pattern
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

function sendHttpError(reply: FastifyReply, error: HttpError) {
  if (error.code === ErrorCode.UNAUTHENTICATED) reply.header('www-authenticate', 'Bearer');
  return reply.code(error.status).headers(error.headers).send({ detail: error.message, code: error.code });
}

/**
 * Errors in the original API's FastAPI shapes. Set before any route is
 * registered, since fastify plugins (Apollo's among them) keep the error
 * handler that was in force when they were registered.
 */
export function useRestErrorShapes(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError | GraphQLError, request, reply) => {
    // A route's own refusals, and a bad token met before the route's operation ran.
    if (error instanceof GraphQLError) return sendHttpError(reply, httpErrorFromGraphQL(error.toJSON()));
    if (error instanceof HttpError) {
      // The rate limiter refuses /graphql requests before Apollo sees them: answer those as GraphQL would.
      if (request.url.startsWith('/graphql')) {
        return reply.code(error.status).headers(error.headers).send({ errors: [{ message: error.message, extensions: { code: error.code } }] });
      }
      return sendHttpError(reply, error);
    }
    if (error.validation) {
      return reply.code(SCHEMA_MISMATCH_STATUS).send({ detail: validationDetails(error.validation, error.validationContext ?? 'body') });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      const empty = error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
      return reply.code(SCHEMA_MISMATCH_STATUS).send({
        detail: [{ loc: ['body'], msg: empty ? 'Field required' : 'JSON decode error', type: empty ? 'missing' : 'json_invalid' }],
      });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendHttpError(reply, new HttpError(ErrorCode.BAD_REQUEST, error.message, { status: error.statusCode }));
    }
    request.log.error({ err: error }, 'unexpected error in a REST route');
    return sendHttpError(reply, new HttpError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error'));
  });
}

/**
 * The original REST API (auth-api/v1, posts-api/v1, users-api/v1) as thin
 * adapters over the graph, with FastAPI's error shapes, an OpenAPI 3.1
 * document at /openapi.json and Swagger UI at /docs.
 */
export async function registerRestApi(
  app: FastifyInstance,
  apollo: ApolloServer<GatewayContext>,
  contextFor: (request: FastifyRequest) => Promise<GatewayContext>,
): Promise<void> {
  const graphql = createGraphQLRunner(apollo, contextFor);
  useStrictValidation(app);

  const knownRoutes: { method: string; matcher: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) knownRoutes.push({ method, matcher: patternMatcher(route.url) });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Chirp REST API',
        version: '1.0.0',
        description: 'The original Chirp REST routes, answered through the GraphQL gateway. GraphQL itself is at /graphql.',
      },
      tags: [
        { name: 'Auth', description: 'Registration and login (auth-api/v1)' },
        { name: 'Posts', description: 'Posts and the home feed (posts-api/v1)' },
        { name: 'Comments', description: 'Comments on posts (posts-api/v1)' },
        { name: 'Likes', description: 'Likes on posts (posts-api/v1)' },
        { name: 'Bookmarks', description: 'Bookmarks of posts, seen by their owner only (posts-api/v1)' },
        { name: 'Users', description: 'Follows and user lists (users-api/v1)' },
      ],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    // Only the REST routes carry tags; /graphql, /health and the rest stay out of the document.
    transform: ({ schema, url }) => ({ schema: { ...schema, hide: !schema?.tags }, url }),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', baseDir: SWAGGER_UI_ASSETS });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...new Set(knownRoutes.filter((route) => route.matcher.test(path)).map((route) => route.method))];
    if (allowed.length > 0) {
      return sendHttpError(reply, new HttpError(ErrorCode.METHOD_NOT_ALLOWED, 'Method Not Allowed', { headers: { allow: allowed.join(', ') } }));
    }
    return sendHttpError(reply, new HttpError(ErrorCode.NOT_FOUND, 'Not Found'));
  });

  for (const service of SERVICES) {
    app.get(
      service.prefix,
      {
        schema: {
          tags: [service.tag],
          summary: 'Service greeting',
          response: { 200: message },
        },
      },
      async () => ({ message: service.hello }),
    );
    await app.register(service.routes(graphql), { prefix: `${service.prefix}/v1` });
  }
}
