import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { EMAIL, ErrorCode, NAME, PASSWORD_BYTES, USERNAME } from '@chirp/platform';
import type { LoginMutation, LoginMutationVariables, RegisterMutation, RegisterMutationVariables } from './generated/operations';
import { operation, type GraphQLRunner } from './operation';
import { authResult, errorResponses } from './schemas';
import { REST_USER, restUser } from './shapes';

const REGISTER = operation<RegisterMutation, RegisterMutationVariables>(/* GraphQL */ `
  mutation Register($input: RegisterInput!) {
    register(input: $input) { token expiresAt user { ...RestUser email } }
  }
  ${REST_USER}
`);

const LOGIN = operation<LoginMutation, LoginMutationVariables>(/* GraphQL */ `
  mutation Login($input: LoginInput!) {
    login(input: $input) { token expiresAt user { ...RestUser email } }
  }
  ${REST_USER}
`);

/**
 * JSON Schema counts characters, and a password's bounds are bytes: the
 * schema checks the lower bound in bytes (`minBytes`, a keyword of the REST
 * validator), so a short password is a 422 as any malformed field is; a
 * password over the upper bound passes to the auth service, which answers it
 * with BAD_USER_INPUT (400), as it does over GraphQL.
 */
const registerBody = Type.Object(
  {
    username: Type.String({ minLength: USERNAME.minLength, maxLength: USERNAME.maxLength }),
    password: Type.String({
      minBytes: PASSWORD_BYTES.min,
      description: `${PASSWORD_BYTES.min}-${PASSWORD_BYTES.max} bytes in UTF-8.`,
    }),
    name: Type.String({ minLength: NAME.minLength, maxLength: NAME.maxLength }),
    email: Type.String({ minLength: EMAIL.minLength, maxLength: EMAIL.maxLength }),
  },
  { additionalProperties: false },
);

/** Any password is worth trying at login (the service compares it); the bound only keeps bodies small. */
const MAX_LOGIN_PASSWORD_LENGTH = 1024;

const loginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: EMAIL.maxLength }),
    password: Type.String({ minLength: 1, maxLength: MAX_LOGIN_PASSWORD_LENGTH }),
  },
  { additionalProperties: false },
);

/** auth-api/v1: register and login. */
export function authRoutes(graphql: GraphQLRunner) {
  return async (app: FastifyInstance) => {
    app.post<{ Body: Static<typeof registerBody> }>(
      '/register',
      {
        schema: {
          tags: ['Auth'],
          summary: 'Create an account',
          description:
            `Username ${USERNAME.minLength}-${USERNAME.maxLength} of [${USERNAME.characters}] (unique regardless of case), ` +
            `password ${PASSWORD_BYTES.min}-${PASSWORD_BYTES.max} bytes, name ${NAME.minLength}-${NAME.maxLength}, a valid e-mail.`,
          body: registerBody,
          response: {
            201: { description: 'Registered and signed in.', ...authResult },
            ...errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.CONFLICT, ErrorCode.RATE_LIMITED),
          },
        },
      },
      async (request, reply) => {
        const data = await graphql.run(request, REGISTER, { input: request.body });
        const { user, ...token } = data.register;
        return reply.code(201).send({ message: 'User registered', ...token, user: restUser(user) });
      },
    );

    app.post<{ Body: Static<typeof loginBody> }>(
      '/login',
      {
        schema: {
          tags: ['Auth'],
          summary: 'Sign in',
          description: '`username` may also be the e-mail address. An unknown user and a wrong password get the same 401.',
          body: loginBody,
          response: {
            200: { description: 'Signed in.', ...authResult },
            ...errorResponses(ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED),
          },
        },
      },
      async (request) => {
        const data = await graphql.run(request, LOGIN, { input: request.body });
        const { user, ...token } = data.login;
        return { message: 'Login successful', ...token, user: restUser(user) };
      },
    );
  };
}
