import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  PASSWORD,
  uniqueUsername,
  expectError,
  expectValidationError,
  restClient,
  type Rest,
  startStack,
  type Stack,
} from '@chirp/test-kit';

let stack: Stack;
let rest: Rest;

const registration = (overrides: Record<string, unknown> = {}) => {
  const username = uniqueUsername('rest');
  return { username, password: PASSWORD, name: `Name of ${username}`, email: `${username.toLowerCase()}@example.com`, ...overrides };
};
const register = (body: unknown) => rest('POST', '/auth-api/v1/register', { body });
const login = (body: unknown) => rest('POST', '/auth-api/v1/login', { body });
const storedUsers = (filter: Record<string, unknown>) => stack.auth.connection.collection('users').countDocuments(filter);

beforeAll(async () => {
  stack = await startStack();
  rest = restClient(stack);
});

afterAll(() => stack?.stop());

describe('hello roots', () => {
  test.each([
    ['/auth-api', 'Hello from Auth Services'],
    ['/posts-api', 'Hello from Posts Services'],
    ['/users-api', 'Hello from User Services'],
  ])('when GET %s, then 200 with its greeting', async (path, message) => {
    const response = await rest('GET', path);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ message });
  });
});

describe('POST /auth-api/v1/register', () => {
  test('when the registration is valid, then 201 with a token, its expiry and the user with their email', async () => {
    const input = registration();
    const response = await register(input);
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      message: 'User registered',
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expiresAt: expect.any(String),
      user: { id: expect.stringMatching(/^[0-9a-f]{24}$/), username: input.username, name: input.name, createdAt: expect.any(String), email: input.email },
    });
    expect(Date.parse(response.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(Number.isNaN(Date.parse(response.body.user.createdAt))).toBe(false);
  });

  test('when the username is taken (in another case), then 409 CONFLICT and no second account', async () => {
    const first = registration();
    expect((await register(first)).status).toBe(201);
    const again = registration({ username: first.username.toUpperCase() });
    expectError(await register(again), 409, 'CONFLICT');
    expect(await storedUsers({ email: again.email })).toBe(0);
  });

  test.each([
    ['a password too long in bytes (19 emoji: 19 characters, 76 bytes)', { password: '😀'.repeat(19) }],
    ['a malformed e-mail', { email: 'not-an-email' }],
    ['a username with a forbidden character', { username: 'bad-name' }],
  ])('when the registration has %s, then 400 BAD_USER_INPUT and nothing stored', async (_case, overrides) => {
    const input = registration(overrides);
    expectError(await register(input), 400, 'BAD_USER_INPUT');
    expect(await storedUsers({ name: input.name })).toBe(0);
  });
});

describe('passwords are counted in bytes, as the auth service counts them', () => {
  test('when the password is 4 emoji (4 characters, 16 bytes), then the account is created and signs in with it', async () => {
    const input = registration({ password: '😀'.repeat(4) });
    expect((await register(input)).status).toBe(201);
    expect((await login({ username: input.username, password: input.password })).status).toBe(200);
  });

  test('when the password is 4 characters and 7 bytes, then 422 string_too_short at [body, password]', async () => {
    expectValidationError(await register(registration({ password: 'ééé1' })), ['body', 'password'], 'string_too_short');
  });

  test.each([
    ['73 ASCII characters', 'x'.repeat(73)],
    ['37 characters and 73 bytes', `${'é'.repeat(36)}x`],
  ])('when the password is %s, then 400 BAD_USER_INPUT from the service, whatever the characters', async (_case, password) => {
    const input = registration({ password });
    expectError(await register(input), 400, 'BAD_USER_INPUT', 'password must be 8-72 bytes long');
    expect(await storedUsers({ name: input.name })).toBe(0);
  });
});

describe('POST /auth-api/v1/login', () => {
  let account: ReturnType<typeof registration>;
  beforeAll(async () => {
    account = registration();
    expect((await register(account)).status).toBe(201);
  });

  test.each(['username', 'email'] as const)('when signing in by %s with the right password, then 200 with a token and the user with their email', async (by) => {
    const response = await login({ username: account[by], password: PASSWORD });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ message: 'Login successful', token: expect.any(String), expiresAt: expect.any(String), user: { username: account.username, email: account.email } });
    const feed = await rest('GET', '/posts-api/v1/feed', { token: response.body.token });
    expect(feed.status).toBe(200);
  });

  test.each([
    ['a wrong password', () => ({ username: account.username, password: `${PASSWORD}!` })],
    ['an unknown user', () => ({ username: uniqueUsername('nobody'), password: PASSWORD })],
  ])('when signing in with %s, then 401 UNAUTHENTICATED with WWW-Authenticate: Bearer', async (_case, body) => {
    expectError(await login(body()), 401, 'UNAUTHENTICATED');
  });
});

describe('422 validation errors', () => {
  test('when a field is missing, then 422 with loc [body, password] and type missing', async () => {
    const { password: _password, ...input } = registration();
    expectValidationError(await register(input), ['body', 'password'], 'missing');
  });

  test('when an unknown field is sent, then 422 extra_forbidden at its loc', async () => {
    expectValidationError(await register(registration({ isAdmin: true })), ['body', 'isAdmin'], 'extra_forbidden');
  });

  test('when the username is a number, then 422 string_type (no coercion)', async () => {
    expectValidationError(await register(registration({ username: 5 })), ['body', 'username'], 'string_type');
  });

  test('when the username is longer than 30 characters, then 422 string_too_long', async () => {
    expectValidationError(await register(registration({ username: 'a'.repeat(31) })), ['body', 'username'], 'string_too_long');
  });

  test('when the password is shorter than 8 characters, then 422 string_too_short', async () => {
    expectValidationError(await register(registration({ password: 'short' })), ['body', 'password'], 'string_too_short');
  });

  test('when the body is malformed JSON, then 422 json_invalid at [body]', async () => {
    const response = await rest('POST', '/auth-api/v1/register', { rawBody: '{"username": "x",' });
    expectValidationError(response, ['body'], 'json_invalid');
  });

  test('when the body is empty, then 422 (never 500)', async () => {
    const response = await rest('POST', '/auth-api/v1/login', { rawBody: '' });
    expectValidationError(response, ['body'], 'missing');
  });

  test('when the username is an object ({"$gt": ""}) on register, then 422 and nothing is stored', async () => {
    const input = registration({ username: { $gt: '' } });
    expectValidationError(await register(input), ['body', 'username'], 'string_type');
    expect(await storedUsers({ email: input.email })).toBe(0);
  });

  test('when the username is an object ({"$gt": ""}) on login, then 422 and no token', async () => {
    const response = await login({ username: { $gt: '' }, password: PASSWORD });
    expectValidationError(response, ['body', 'username'], 'string_type');
    expect(response.body.token).toBeUndefined();
  });

  test('when the body is a JSON array, then 422 (never 500)', async () => {
    expectValidationError(await register([registration()]), ['body'], 'dict_type');
  });
});
