import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import bcrypt from 'bcryptjs';
import {
  PASSWORD,
  registerUser,
  uniqueUsername,
  type TestUser,
  errorCodes,
  type GraphQLResponse,
  startStack,
  type Stack,
} from '@chirp/test-kit';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const USER_FIELDS = 'id username name email createdAt';
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { token expiresAt user { ${USER_FIELDS} } } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { token user { id email } } }`;

type PublicUser = { id: string; username: string; name: string; email: string | null; createdAt: string };
type RegisterData = { register: { token: string; expiresAt: string; user: PublicUser } };

function validInput(overrides: Record<string, string> = {}) {
  const username = overrides.username ?? uniqueUsername('auth');
  return { username, password: PASSWORD, name: 'Ada Lovelace', email: `${username.toLowerCase()}@example.com`, ...overrides };
}

const register = (input: Record<string, string>) => stack.graphql<RegisterData>(REGISTER, { input });
const login = (username: string, password: string) =>
  stack.graphql<{ login: { token: string; user: { id: string } } }>(LOGIN, { input: { username, password } });
const me = (token?: string) => stack.graphql<{ me: PublicUser | null }>(`{ me { ${USER_FIELDS} } }`, {}, token ? { token } : {});
const usersCollection = () => stack.auth.connection.collection('users');

/** The one error of a rejected registration, with nothing in `data`. */
function expectSingleError(response: GraphQLResponse, code: string, field?: string): void {
  expect(response.data ?? null).toBeNull();
  expect(errorCodes(response)).toEqual([code]);
  if (field) expect(response.errors?.[0]?.extensions?.field).toBe(field);
}

describe('register', () => {
  test('when the input is valid, then it returns a token, a future expiry and the user, whose me shows the email', async () => {
    const input = validInput({ name: 'Grace Hopper' });
    const response = await register(input);
    expect(response.errors).toBeUndefined();
    const { token, expiresAt, user } = response.data!.register;
    expect(token.split('.')).toHaveLength(3);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect(user).toMatchObject({ username: input.username, name: 'Grace Hopper', email: input.email });
    expect(user.id).toMatch(/^[0-9a-f]{24}$/);
    expect(Number.isNaN(Date.parse(user.createdAt))).toBe(false);
    expect((await me(token)).data?.me).toEqual({ ...user, email: input.email });
  });

  test.each([
    ['3 characters', 'abc'],
    ['30 characters', 'A_1'.repeat(10)],
  ])('when the username has %s of [A-Za-z0-9_], then it is accepted', async (_label, username) => {
    const response = await register(validInput({ username }));
    expect(response.errors).toBeUndefined();
    expect(response.data?.register.user.username).toBe(username);
  });

  test.each([
    ['2 characters', 'ab'],
    ['31 characters', 'a'.repeat(31)],
    ['a space', 'ada lovelace'],
    ['a hyphen', 'ada-lovelace'],
    ['a non-ASCII letter', 'adélaïde'],
    ['nothing', ''],
  ])('when the username has %s, then it is BAD_USER_INPUT on field username', async (_label, username) => {
    expectSingleError(await register(validInput({ username })), 'BAD_USER_INPUT', 'username');
  });

  test('when the password is 72 bytes of multibyte characters, then it is accepted and works for login', async () => {
    const password = 'é'.repeat(36);
    const input = validInput({ password });
    expect((await register(input)).errors).toBeUndefined();
    expect((await login(input.username, password)).errors).toBeUndefined();
  });

  test.each([
    ['7 bytes', 'seven77'],
    ['73 bytes though 37 characters', `${'é'.repeat(36)}x`],
    ['73 ASCII bytes', 'x'.repeat(73)],
  ])('when the password is %s, then it is BAD_USER_INPUT on field password', async (_label, password) => {
    expectSingleError(await register(validInput({ password })), 'BAD_USER_INPUT', 'password');
  });

  test.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['51 characters', 'n'.repeat(51)],
  ])('when the name is %s, then it is BAD_USER_INPUT on field name', async (_label, name) => {
    expectSingleError(await register(validInput({ name })), 'BAD_USER_INPUT', 'name');
  });

  test.each(['not-an-email', 'a@', '@example.com', 'two@@example.com'])(
    'when the email is %p, then it is BAD_USER_INPUT on field email',
    async (email) => {
      expectSingleError(await register(validInput({ email })), 'BAD_USER_INPUT', 'email');
    },
  );

  test('when a registration is rejected, then nothing is written', async () => {
    const before = await usersCollection().countDocuments();
    const responses = await Promise.all([
      register(validInput({ username: 'x' })),
      register(validInput({ password: 'short' })),
      register(validInput({ name: '' })),
      register(validInput({ email: 'nope' })),
    ]);
    expect(responses.flatMap(errorCodes)).toEqual(Array(4).fill('BAD_USER_INPUT'));
    expect(await usersCollection().countDocuments()).toBe(before);
  });

  test('when the username is taken in another case, then it is CONFLICT on username and nothing is written', async () => {
    const taken = await registerUser(stack);
    const before = await usersCollection().countDocuments();
    expectSingleError(await register(validInput({ username: taken.username.toUpperCase() })), 'CONFLICT', 'username');
    expect(await usersCollection().countDocuments()).toBe(before);
  });

  test('when the email is taken in another case, then it is CONFLICT on email and nothing is written', async () => {
    const taken = await registerUser(stack);
    const before = await usersCollection().countDocuments();
    const email = `${taken.username.toLowerCase()}@EXAMPLE.com`.toUpperCase();
    expectSingleError(await register(validInput({ email })), 'CONFLICT', 'email');
    expect(await usersCollection().countDocuments()).toBe(before);
  });

  test('when 10 registrations of one username race, then exactly one succeeds, the rest are CONFLICT, and one user is stored', async () => {
    const username = uniqueUsername('race');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        register(validInput({ username: i % 2 ? username.toUpperCase() : username, email: `race${i}_${username}@example.com` })),
      ),
    );
    expect(responses.filter((response) => response.data?.register).length).toBe(1);
    expect(responses.flatMap(errorCodes).sort()).toEqual(Array(9).fill('CONFLICT'));
    expect(await usersCollection().countDocuments({ usernameKey: username.toLowerCase() })).toBe(1);
  });

  test('when a user is stored, then the document holds a bcrypt hash of the password and never the password', async () => {
    const user = await registerUser(stack);
    const doc = await usersCollection().findOne({ usernameKey: user.username.toLowerCase() });
    expect(doc?.passwordHash).toMatch(/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/);
    expect(await bcrypt.compare(PASSWORD, doc!.passwordHash)).toBe(true);
    expect(JSON.stringify(doc)).not.toContain(PASSWORD);
  });
});

describe('login', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await registerUser(stack);
  });

  test.each([
    ['the username', (u: TestUser) => u.username],
    ['the username in another case', (u: TestUser) => u.username.toUpperCase()],
    ['the email', (u: TestUser) => `${u.username.toLowerCase()}@example.com`],
    ['the email in another case', (u: TestUser) => `${u.username.toUpperCase()}@EXAMPLE.COM`],
    ['the email between spaces', (u: TestUser) => `  ${u.username.toLowerCase()}@example.com `],
  ])('when logging in with %s, then the token is that user, who sees their own email', async (_label, loginName) => {
    const response = await login(loginName(user), PASSWORD);
    expect(response.errors).toBeUndefined();
    expect(response.data?.login.user).toEqual({ id: user.id, email: `${user.username.toLowerCase()}@example.com` });
    expect((await me(response.data!.login.token)).data?.me?.id).toBe(user.id);
  });

  test('when the password is wrong or the user unknown, then both are UNAUTHENTICATED with the same message', async () => {
    const wrongPassword = await login(user.username, `${PASSWORD}!`);
    const unknownUser = await login(uniqueUsername('ghost'), PASSWORD);
    const unknownEmail = await login('ghost@example.com', PASSWORD);
    for (const response of [wrongPassword, unknownUser, unknownEmail]) {
      expect(response.data ?? null).toBeNull();
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    }
    expect(unknownUser.errors?.[0]?.message).toBe(wrongPassword.errors?.[0]?.message);
    expect(unknownEmail.errors?.[0]?.message).toBe(wrongPassword.errors?.[0]?.message);
  });
});

describe('queries', () => {
  let ada: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    [ada, bob] = await Promise.all([registerUser(stack), registerUser(stack)]);
  });

  const userById = (id: string, token?: string) =>
    stack.graphql<{ user: PublicUser | null }>(`query ($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`, { id }, token ? { token } : {});
  const userByUsername = (username: string, token?: string) =>
    stack.graphql<{ userByUsername: PublicUser | null }>(
      `query ($username: String!) { userByUsername(username: $username) { ${USER_FIELDS} } }`,
      { username },
      token ? { token } : {},
    );

  test('when anonymous, then me is null', async () => {
    const response = await me();
    expect(response.errors).toBeUndefined();
    expect(response.data?.me).toBeNull();
  });

  test('when looking a user up by id, then it is found, with the email only for the user themself', async () => {
    const asSelf = await userById(ada.id, ada.token);
    expect(asSelf.data?.user).toMatchObject({ id: ada.id, username: ada.username, email: `${ada.username.toLowerCase()}@example.com` });
    expect((await userById(ada.id, bob.token)).data?.user).toMatchObject({ id: ada.id, username: ada.username, email: null });
    expect((await userById(ada.id)).data?.user).toMatchObject({ id: ada.id, username: ada.username, email: null });
  });

  test('when looking a user up by username in another case, then it is found, with the email hidden from others', async () => {
    const response = await userByUsername(ada.username.toUpperCase());
    expect(response.data?.userByUsername).toMatchObject({ id: ada.id, username: ada.username, email: null });
    expect((await userByUsername(ada.username.toLowerCase(), bob.token)).data?.userByUsername).toMatchObject({ id: ada.id, email: null });
  });

  test('when the id or username matches nobody, then the answer is null without errors', async () => {
    const byId = await userById('0123456789abcdef01234567');
    const byName = await userByUsername('nobody_here_at_all');
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.user).toBeNull();
    expect(byName.errors).toBeUndefined();
    expect(byName.data?.userByUsername).toBeNull();
  });

  test.each(['not-an-id', '0123456789abcdef0123456', '0123456789abcdef0123456g'])(
    'when the id is malformed (%p), then it is BAD_USER_INPUT',
    async (id) => {
      const response = await userById(id);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.data?.user ?? null).toBeNull();
    },
  );
});
