import type { FastifyInstance } from 'fastify';
import type { GraphQLRunner } from './operation';
import { authResult, errorResponses } from './schemas';
import { restUser, USER_FIELDS, type GraphQLUser } from './shapes';

interface AuthPayload {
  token: string;
  expiresAt: string;
  user: GraphQLUser;
}

const REGISTER = `mutation Register($input: RegisterInput!) { register(input: $input) { token expiresAt user { ${USER_FIELDS} email } } }`;
const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { token expiresAt user { ${USER_FIELDS} email } } }`;

const credentials = (fields: Record<string, object>) => ({
  type: 'object',
  required: Object.keys(fields),
  additionalProperties: false,
  properties: fields,
});

/** auth-api/v1: register and login. */
export function authRoutes(graphql: GraphQLRunner) {
  return async (app: FastifyInstance) => {
    app.post<{ Body: { username: string; password: string; name: string; email: string } }>(
      '/register',
      {
        schema: {
          tags: ['Auth'],
          summary: 'Create an account',
          description: 'Username 3-30 of [A-Za-z0-9_] (unique regardless of case), password 8-72 bytes, name 1-50, a valid e-mail.',
          body: credentials({
            username: { type: 'string', minLength: 3, maxLength: 30 },
            password: { type: 'string', minLength: 8, maxLength: 72 },
            name: { type: 'string', minLength: 1, maxLength: 50 },
            email: { type: 'string', minLength: 3, maxLength: 254 },
          }),
          response: { 201: { description: 'Registered and signed in.', ...authResult }, ...errorResponses(400, 409, 429) },
        },
      },
      async (request, reply) => {
        const data = await graphql.run<{ register: AuthPayload }>(request, REGISTER, { input: request.body });
        const { user, ...token } = data.register;
        return reply.code(201).send({ message: 'User registered', ...token, user: restUser(user) });
      },
    );

    app.post<{ Body: { username: string; password: string } }>(
      '/login',
      {
        schema: {
          tags: ['Auth'],
          summary: 'Sign in',
          description: '`username` may also be the e-mail address. An unknown user and a wrong password get the same 401.',
          body: credentials({
            username: { type: 'string', minLength: 1, maxLength: 254 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          }),
          response: { 200: { description: 'Signed in.', ...authResult }, ...errorResponses(401, 429) },
        },
      },
      async (request) => {
        const data = await graphql.run<{ login: AuthPayload }>(request, LOGIN, { input: request.body });
        const { user, ...token } = data.login;
        return { message: 'Login successful', ...token, user: restUser(user) };
      },
    );
  };
}
