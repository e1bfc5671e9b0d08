import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eventually, expectError, expectValidationError, PASSWORD, registerUser, restClient, startStack, type Rest, type Stack } from '@chirp/test-kit';

/**
 * The account routes of auth-api/v1 (profile, password, sign-out) as REST clients use them; deleting
 * the account is in account-deletion.test.ts. Sessions are checked again after 1 s here.
 */
const WITHIN_BOUND = { timeoutMs: 3000, intervalMs: 100 };

let stack: Stack;
let rest: Rest;

beforeAll(async () => {
  stack = await startStack({ SESSION_CHECK_SECONDS: '1' });
  rest = restClient(stack);
});
afterAll(() => stack?.stop());

describe('GET and PATCH /auth-api/v1/me', () => {
  test('when the owner reads and edits the profile, then the answers carry the e-mail and the bio', async () => {
    const ada = await registerUser(stack, { name: 'Ada' });
    const before = await rest('GET', '/auth-api/v1/me', { token: ada.token });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      id: ada.id,
      username: ada.username,
      name: 'Ada',
      bio: null,
      email: `${ada.username.toLowerCase()}@example.com`,
      createdAt: expect.any(String),
    });

    const edited = await rest('PATCH', '/auth-api/v1/me', { token: ada.token, body: { bio: 'Counts things.' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toEqual({ ...before.body, bio: 'Counts things.' });
    const renamed = await rest('PATCH', '/auth-api/v1/me', { token: ada.token, body: { name: 'Ada L.', bio: null } });
    expect(renamed.body).toMatchObject({ name: 'Ada L.', bio: null });
    expect((await rest('GET', '/auth-api/v1/me', { token: ada.token })).body).toEqual(renamed.body);
  });

  test('when the bio is over 160 characters, then it is a 400 naming the limit and nothing changes', async () => {
    const ada = await registerUser(stack);
    const refused = await rest('PATCH', '/auth-api/v1/me', { token: ada.token, body: { bio: 'x'.repeat(161) } });
    expectError(refused, 400, 'BAD_USER_INPUT', 'bio must be at most 160 printable characters');
    expect((await rest('GET', '/auth-api/v1/me', { token: ada.token })).body.bio).toBeNull();
  });

  test.each([
    ['an unknown field', { email: 'new@example.com' }, ['body', 'email'], 'extra_forbidden'],
    ['a name that is not a string', { name: 42 }, ['body', 'name'], 'string_type'],
  ])('when the body has %s, then it is a 422', async (_label, body, loc, type) => {
    const ada = await registerUser(stack);
    expectValidationError(await rest('PATCH', '/auth-api/v1/me', { token: ada.token, body }), loc, type);
  });

  test('when anonymous, then both are 401', async () => {
    expectError(await rest('GET', '/auth-api/v1/me'), 401, 'UNAUTHENTICATED');
    expectError(await rest('PATCH', '/auth-api/v1/me', { body: { bio: 'x' } }), 401, 'UNAUTHENTICATED');
  });
});

describe('POST /auth-api/v1/logout', () => {
  test('when a client signs out without a body, then that token is refused (401) within the bound, and another session goes on', async () => {
    const ada = await registerUser(stack);
    const other = await rest('POST', '/auth-api/v1/login', { body: { username: ada.username, password: PASSWORD } });
    const signedOut = await rest('POST', '/auth-api/v1/logout', { token: ada.token });
    expect(signedOut.status).toBe(200);
    expect(signedOut.body).toEqual({ message: 'Signed out' });
    await eventually(async () => expectError(await rest('GET', '/posts-api/v1/feed', { token: ada.token }), 401, 'UNAUTHENTICATED'), WITHIN_BOUND);
    expect((await rest('GET', '/posts-api/v1/feed', { token: other.body.token })).status).toBe(200);
  });

  test('when a client signs out of all sessions, then every token of the account is refused', async () => {
    const ada = await registerUser(stack);
    const other = await rest('POST', '/auth-api/v1/login', { body: { username: ada.username, password: PASSWORD } });
    expect((await rest('POST', '/auth-api/v1/logout', { token: ada.token, body: { allSessions: true } })).status).toBe(200);
    for (const token of [ada.token, other.body.token]) {
      await eventually(async () => expectError(await rest('GET', '/auth-api/v1/me', { token }), 401, 'UNAUTHENTICATED'), WITHIN_BOUND);
    }
  });

  test('when allSessions is not a boolean, then it is a 422 and the session stays', async () => {
    const ada = await registerUser(stack);
    expectValidationError(await rest('POST', '/auth-api/v1/logout', { token: ada.token, body: { allSessions: 'yes' } }), ['body', 'allSessions'], 'bool_type');
    expect((await rest('GET', '/auth-api/v1/me', { token: ada.token })).status).toBe(200);
  });
});

describe('POST /auth-api/v1/password', () => {
  test('when the current password is right, then the answer signs in with a fresh token and the old token is refused', async () => {
    const ada = await registerUser(stack);
    const changed = await rest('POST', '/auth-api/v1/password', { token: ada.token, body: { currentPassword: PASSWORD, newPassword: 'a new long passphrase' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({
      message: 'Password changed',
      token: expect.any(String),
      expiresAt: expect.any(String),
      user: { id: ada.id, username: ada.username, name: expect.any(String), createdAt: expect.any(String), email: `${ada.username.toLowerCase()}@example.com` },
    });
    expect((await rest('GET', '/auth-api/v1/me', { token: changed.body.token })).status).toBe(200);
    await eventually(async () => expectError(await rest('GET', '/auth-api/v1/me', { token: ada.token }), 401, 'UNAUTHENTICATED'), WITHIN_BOUND);
    expectError(await rest('POST', '/auth-api/v1/login', { body: { username: ada.username, password: PASSWORD } }), 401, 'UNAUTHENTICATED');
    expect((await rest('POST', '/auth-api/v1/login', { body: { username: ada.username, password: 'a new long passphrase' } })).status).toBe(200);
  });

  test('when the current password is wrong, then it is a 400 and the password stays', async () => {
    const ada = await registerUser(stack);
    const refused = await rest('POST', '/auth-api/v1/password', { token: ada.token, body: { currentPassword: 'wrong guess', newPassword: 'a new long passphrase' } });
    expectError(refused, 400, 'BAD_USER_INPUT', "currentPassword is not the account's password");
    expect((await rest('POST', '/auth-api/v1/login', { body: { username: ada.username, password: PASSWORD } })).status).toBe(200);
  });

  test.each([
    ['the new password missing', { currentPassword: PASSWORD }, ['body', 'newPassword'], 'missing'],
    ['a new password under 8 bytes', { currentPassword: PASSWORD, newPassword: 'short' }, ['body', 'newPassword'], 'string_too_short'],
  ])('when the body has %s, then it is a 422', async (_label, body, loc, type) => {
    const ada = await registerUser(stack);
    expectValidationError(await rest('POST', '/auth-api/v1/password', { token: ada.token, body }), loc, type);
  });
});
