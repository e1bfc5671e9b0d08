import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BIO, EMAIL, ErrorCode, NAME, PASSWORD_BYTES, USERNAME, unauthenticated } from '@chirp/platform';
import type {
  ChangePasswordMutation,
  ChangePasswordMutationVariables,
  DeleteAccountMutation,
  DeleteAccountMutationVariables,
  LoginMutation,
  LoginMutationVariables,
  LogoutMutation,
  LogoutMutationVariables,
  ProfileQuery,
  ProfileQueryVariables,
  RegisterMutation,
  RegisterMutationVariables,
  UpdateProfileMutation,
  UpdateProfileMutationVariables,
} from './generated/operations';
import { operation, type GraphQLRunner } from './operation';
import { authResult, bearer, errorResponses, message, oneOfTypes, profile } from './schemas';
import { REST_PROFILE, REST_USER, restProfile, restUser } from './shapes';

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

const PROFILE = operation<ProfileQuery, ProfileQueryVariables>(/* GraphQL */ `
  query Profile {
    me { ...RestProfile }
  }
  ${REST_PROFILE}
`);

const UPDATE_PROFILE = operation<UpdateProfileMutation, UpdateProfileMutationVariables>(/* GraphQL */ `
  mutation UpdateProfile($input: UpdateProfileInput!) {
    updateProfile(input: $input) { ...RestProfile }
  }
  ${REST_PROFILE}
`);

const CHANGE_PASSWORD = operation<ChangePasswordMutation, ChangePasswordMutationVariables>(/* GraphQL */ `
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) { token expiresAt user { ...RestUser email } }
  }
  ${REST_USER}
`);

const LOGOUT = operation<LogoutMutation, LogoutMutationVariables>(/* GraphQL */ `
  mutation Logout($allSessions: Boolean) {
    logout(allSessions: $allSessions)
  }
`);

const DELETE_ACCOUNT = operation<DeleteAccountMutation, DeleteAccountMutationVariables>(/* GraphQL */ `
  mutation DeleteAccount($password: String!) {
    deleteAccount(password: $password)
  }
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

/** A password to confirm, like login's: any is worth comparing, the bound only keeps bodies small. */
const currentPassword = Type.String({ minLength: 1, maxLength: MAX_LOGIN_PASSWORD_LENGTH });

/** Bounds in characters once trimmed, which the auth service checks (a 400); the schema only caps the size. */
const profileBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: NAME.minLength, maxLength: NAME.maxLength * 2, description: `${NAME.minLength}-${NAME.maxLength} characters.` })),
    bio: Type.Optional(
      oneOfTypes<string | null>(['string', 'null'], { maxLength: BIO.maxLength * 2, description: `Up to ${BIO.maxLength} characters; null or "" removes it.` }),
    ),
  },
  { additionalProperties: false },
);

const passwordBody = Type.Object(
  {
    currentPassword,
    newPassword: Type.String({ minBytes: PASSWORD_BYTES.min, description: `${PASSWORD_BYTES.min}-${PASSWORD_BYTES.max} bytes in UTF-8.` }),
  },
  { additionalProperties: false },
);

const logoutBody = Type.Object(
  { allSessions: Type.Optional(Type.Boolean({ default: false, description: 'Sign out of every session of the account, not only this one.' })) },
  { additionalProperties: false },
);

const deleteAccountBody = Type.Object({ password: currentPassword }, { additionalProperties: false });

/** auth-api/v1: register and login, the signed-in account (profile, password, sign-out, deletion). */
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

    app.get(
      '/me',
      {
        schema: {
          tags: ['Auth'],
          summary: 'The signed-in account',
          security: bearer,
          response: { 200: { description: 'The account, with its e-mail and bio.', ...profile }, ...errorResponses(ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED) },
        },
      },
      async (request) => {
        const data = await graphql.run(request, PROFILE, {});
        if (!data.me) throw unauthenticated();
        return restProfile(data.me);
      },
    );

    app.patch<{ Body: Static<typeof profileBody> }>(
      '/me',
      {
        schema: {
          tags: ['Auth'],
          summary: 'Edit the profile',
          description: `Name ${NAME.minLength}-${NAME.maxLength} characters, bio up to ${BIO.maxLength}; a field left out stays as it is.`,
          security: bearer,
          body: profileBody,
          response: {
            200: { description: 'The account as changed.', ...profile },
            ...errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED),
          },
        },
      },
      async (request) => {
        const data = await graphql.run(request, UPDATE_PROFILE, { input: request.body });
        return restProfile(data.updateProfile);
      },
    );

    app.post<{ Body: Static<typeof passwordBody> }>(
      '/password',
      {
        schema: {
          tags: ['Auth'],
          summary: 'Change the password',
          description:
            'Every session of the account ends, this one too; the answer carries the token of a new session. ' +
            'A wrong current password is a 400; the login limits apply.',
          security: bearer,
          body: passwordBody,
          response: {
            200: { description: 'Changed; signed in again.', ...authResult },
            ...errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.CONFLICT, ErrorCode.RATE_LIMITED),
          },
        },
      },
      async (request) => {
        const data = await graphql.run(request, CHANGE_PASSWORD, { input: request.body });
        const { user, ...token } = data.changePassword;
        return { message: 'Password changed', ...token, user: restUser(user) };
      },
    );

    app.post<{ Body: Static<typeof logoutBody> }>(
      '/logout',
      {
        schema: {
          tags: ['Auth'],
          summary: 'Sign out',
          description: 'Ends this session, or every session with `allSessions`; their tokens are refused within SESSION_CHECK_SECONDS (30 s by default).',
          security: bearer,
          body: logoutBody,
          response: { 200: { description: 'Signed out.', ...message }, ...errorResponses(ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED) },
        },
        // The body is optional, as in most APIs' sign-out: none means this session only.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) => {
        await graphql.run(request, LOGOUT, { allSessions: request.body.allSessions });
        return { message: 'Signed out' };
      },
    );

    app.delete<{ Body: Static<typeof deleteAccountBody> }>(
      '/me',
      {
        schema: {
          tags: ['Auth'],
          summary: 'Delete the account',
          description:
            'The password confirms it. The account, its sessions, follows, posts, comments, likes and bookmarks are removed ' +
            '(the account at once, the rest within seconds); its username and e-mail are free again.',
          security: bearer,
          body: deleteAccountBody,
          response: {
            200: { description: 'Deleted.', ...message },
            ...errorResponses(ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED),
          },
        },
      },
      async (request) => {
        await graphql.run(request, DELETE_ACCOUNT, { password: request.body.password });
        return { message: 'Account deleted' };
      },
    );
  };
}
