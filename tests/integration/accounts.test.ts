import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  errorCodes,
  eventually,
  graphqlClient,
  PASSWORD,
  registerUser,
  startStack,
  type GraphQLClient,
  type Stack,
  type TestUser,
} from '@chirp/test-kit';

/**
 * The account as its owner lives with it (profile, sessions, password) through GraphQL; deletion has
 * tests of its own (account-deletion.test.ts). Sessions are checked again after 2 s here
 * (SESSION_CHECK_SECONDS), so that a sign-out's bound is met within the test's patience.
 */
const SESSION_CHECK_SECONDS = 2;
/** The bound, plus time for a request to go round: a refused token must be refused by then. */
const WITHIN_BOUND = { timeoutMs: SESSION_CHECK_SECONDS * 1000 + 2000, intervalMs: 100 };

const ME = '{ me { id name bio email } }';
const LOGIN = 'mutation ($input: LoginInput!) { login(input: $input) { token user { id } } }';
const LOGOUT = 'mutation ($all: Boolean) { logout(allSessions: $all) }';
const UPDATE_PROFILE = 'mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { id name bio } }';
const CHANGE_PASSWORD = 'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { token expiresAt user { id email } } }';

let stack: Stack;
/** Every process a token reaches, each of which must refuse an ended session on its own. */
let endpoints: [string, GraphQLClient][];

beforeAll(async () => {
  stack = await startStack({ SESSION_CHECK_SECONDS: String(SESSION_CHECK_SECONDS) });
  endpoints = [
    ['the gateway', stack.graphql],
    ...(['auth', 'users', 'posts'] as const).map((name): [string, GraphQLClient] => [`the ${name} subgraph`, graphqlClient(`${stack[name].url}/graphql`)]),
  ];
});
afterAll(() => stack?.stop());

async function login(user: TestUser, password = PASSWORD): Promise<string> {
  const response = await stack.graphql<{ login: { token: string } }>(LOGIN, { input: { username: user.username, password } });
  expect(response.errors).toBeUndefined();
  return response.data!.login.token;
}

/** A token's fate at every process: `true` where it is still believed. */
async function believedAt(token: string): Promise<Record<string, boolean>> {
  const answers: Record<string, boolean> = {};
  for (const [name, graphql] of endpoints) {
    const response = await graphql('{ __typename }', {}, { token });
    if (response.status === 200) answers[name] = true;
    else {
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      answers[name] = false;
    }
  }
  return answers;
}

const everywhere = (believed: boolean) => ({
  'the gateway': believed,
  'the auth subgraph': believed,
  'the users subgraph': believed,
  'the posts subgraph': believed,
});

describe('profile', () => {
  test('when the owner sets a name and a bio, then everyone sees them, and the owner alone the e-mail', async () => {
    const [ada, ben] = [await registerUser(stack), await registerUser(stack)];
    const updated = await stack.graphql(UPDATE_PROFILE, { input: { name: '  Ada L.  ', bio: 'Counts things.\nWrites notes.' } }, { token: ada.token });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateProfile).toEqual({ id: ada.id, name: 'Ada L.', bio: 'Counts things.\nWrites notes.' });

    const seenByBen = await stack.graphql('query ($id: ID!) { user(id: $id) { name bio email } }', { id: ada.id }, { token: ben.token });
    expect(seenByBen.data!.user).toEqual({ name: 'Ada L.', bio: 'Counts things.\nWrites notes.', email: null });
    const own = await stack.graphql(ME, {}, { token: ada.token });
    expect(own.data!.me).toMatchObject({ name: 'Ada L.', bio: 'Counts things.\nWrites notes.', email: `${ada.username.toLowerCase()}@example.com` });
  });

  test('when a field is left out, then it stays; when the bio is null or empty, then it is removed', async () => {
    const ada = await registerUser(stack, { name: 'Ada' });
    await stack.graphql(UPDATE_PROFILE, { input: { bio: 'first' } }, { token: ada.token });
    const nameOnly = await stack.graphql(UPDATE_PROFILE, { input: { name: 'Ada B.' } }, { token: ada.token });
    expect(nameOnly.data!.updateProfile).toMatchObject({ name: 'Ada B.', bio: 'first' });
    const emptied = await stack.graphql(UPDATE_PROFILE, { input: { bio: '   ' } }, { token: ada.token });
    expect(emptied.data!.updateProfile).toMatchObject({ name: 'Ada B.', bio: null });
    await stack.graphql(UPDATE_PROFILE, { input: { bio: 'again' } }, { token: ada.token });
    const nulled = await stack.graphql(UPDATE_PROFILE, { input: { bio: null } }, { token: ada.token });
    expect(nulled.data!.updateProfile).toMatchObject({ bio: null });
  });

  test.each([
    ['a bio of 161 characters', { bio: 'x'.repeat(161) }, 'bio'],
    ['a bio with a control character', { bio: 'tab\there' }, 'bio'],
    ['an empty name', { name: '   ' }, 'name'],
    ['a name of 51 characters', { name: 'n'.repeat(51) }, 'name'],
    ['a null name', { name: null, bio: 'kept out' }, 'name'],
  ])('when the change has %s, then it is BAD_USER_INPUT naming the field and nothing changes', async (_label, input, field) => {
    const ada = await registerUser(stack, { name: 'Ada' });
    await stack.graphql(UPDATE_PROFILE, { input: { bio: 'before' } }, { token: ada.token });
    const refused = await stack.graphql(UPDATE_PROFILE, { input }, { token: ada.token });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.extensions).toMatchObject({ field });
    expect((await stack.graphql(ME, {}, { token: ada.token })).data!.me).toMatchObject({ name: 'Ada', bio: 'before' });
  });

  test('when anonymous, then updateProfile is UNAUTHENTICATED', async () => {
    expect(errorCodes(await stack.graphql(UPDATE_PROFILE, { input: { bio: 'x' } }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('sessions', () => {
  test('when a user signs out, then that token is refused everywhere within the bound, and their other session goes on', async () => {
    const ada = await registerUser(stack);
    const phone = await login(ada);
    expect(await believedAt(ada.token)).toEqual(everywhere(true));

    const signedOut = await stack.graphql(LOGOUT, {}, { token: ada.token });
    expect(signedOut.data).toEqual({ logout: true });
    await eventually(async () => expect(await believedAt(ada.token)).toEqual(everywhere(false)), WITHIN_BOUND);
    expect(await believedAt(phone)).toEqual(everywhere(true));
    expect((await stack.graphql(ME, {}, { token: phone })).data!.me.id).toBe(ada.id);
  });

  test('when a user signs out of every session, then each of their tokens is refused everywhere, and only theirs', async () => {
    const [ada, ben] = [await registerUser(stack), await registerUser(stack)];
    const tokens = [ada.token, await login(ada), await login(ada)];
    for (const token of tokens) await believedAt(token);
    expect((await stack.graphql(LOGOUT, { all: true }, { token: tokens[1] })).data).toEqual({ logout: true });
    for (const token of tokens) await eventually(async () => expect(await believedAt(token)).toEqual(everywhere(false)), WITHIN_BOUND);
    expect(await believedAt(ben.token)).toEqual(everywhere(true));
  });

  test('when a token of an ended session signs out again, then it is UNAUTHENTICATED (401)', async () => {
    const ada = await registerUser(stack);
    await stack.graphql(LOGOUT, {}, { token: ada.token });
    await eventually(async () => {
      const again = await stack.graphql(LOGOUT, {}, { token: ada.token });
      expect(again.status).toBe(401);
      expect(errorCodes(again)).toEqual(['UNAUTHENTICATED']);
    }, WITHIN_BOUND);
  });

  test("when a session has ended while the gateway's answer is still fresh, then the subgraphs follow the gateway: never a subgraph failure", async () => {
    // A gateway that reuses its answers for 30 s, beside subgraphs whose own answers are 2 s old at most.
    const gateway = graphqlClient(`${(await stack.gatewayWith({ SESSION_CHECK_SECONDS: '30' })).url}/graphql`);
    const ada = await registerUser(stack);
    const everySubgraph = '{ me { id followersCount bookmarks { edges { node { id } } } feed { edges { node { id } } } } }';
    expect((await gateway(everySubgraph, {}, { token: ada.token })).errors).toBeUndefined();
    // Signed out at auth directly, then long enough for every subgraph's own answer to be stale.
    await graphqlClient(`${stack.auth.url}/graphql`)(LOGOUT, {}, { token: ada.token });
    await new Promise((resolve) => setTimeout(resolve, SESSION_CHECK_SECONDS * 1000 + 500));
    const meanwhile = await gateway(everySubgraph, {}, { token: ada.token });
    expect([meanwhile.status, meanwhile.errors]).toEqual([200, undefined]);
  });

  test('when a gateway serves the sign-out, then it refuses the ended sessions at once, however the field was hidden', async () => {
    // Its answers would otherwise hold for 30 s.
    const gateway = graphqlClient(`${(await stack.gatewayWith({ SESSION_CHECK_SECONDS: '30' })).url}/graphql`);
    const shapes = [
      'mutation { logout }',
      'mutation { bye: logout(allSessions: false) }',
      'mutation { ...Out } fragment Out on Mutation { logout }',
      'mutation ($all: Boolean = true) { ... on Mutation { logout(allSessions: $all) } }',
    ];
    for (const shape of shapes) {
      const ada = await registerUser(stack);
      expect((await gateway('{ me { id } }', {}, { token: ada.token })).status).toBe(200);
      expect((await gateway(shape, {}, { token: ada.token })).errors).toBeUndefined();
      const after = await gateway('{ me { id } }', {}, { token: ada.token });
      expect([after.status, errorCodes(after)]).toEqual([401, ['UNAUTHENTICATED']]);
    }
  });

  test('when anonymous, then logout is UNAUTHENTICATED', async () => {
    expect(errorCodes(await stack.graphql(LOGOUT, {}))).toEqual(['UNAUTHENTICATED']);
  });

  test('when every login opens a session, then the auth database holds one per login and none after signing out of all', async () => {
    const ada = await registerUser(stack);
    await login(ada);
    await login(ada);
    const sessions = stack.auth.connection.collection('sessions');
    expect(await sessions.countDocuments({ userId: ada.id })).toBe(3);
    await stack.graphql(LOGOUT, { all: true }, { token: ada.token });
    expect(await sessions.countDocuments({ userId: ada.id })).toBe(0);
  });
});

describe('changing the password', () => {
  test('when the current password is right, then the caller is signed in with a fresh token, every other session ends, and only the new password works', async () => {
    const ada = await registerUser(stack);
    const laptop = await login(ada);
    const changed = await stack.graphql(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword: 'a new long passphrase' } }, { token: ada.token });
    expect(changed.errors).toBeUndefined();
    const fresh = changed.data!.changePassword.token as string;
    expect(changed.data!.changePassword.user).toEqual({ id: ada.id, email: `${ada.username.toLowerCase()}@example.com` });
    expect(new Date(changed.data!.changePassword.expiresAt).getTime()).toBeGreaterThan(Date.now());

    expect(await believedAt(fresh)).toEqual(everywhere(true));
    await eventually(async () => expect(await believedAt(laptop)).toEqual(everywhere(false)), WITHIN_BOUND);
    await eventually(async () => expect(await believedAt(ada.token)).toEqual(everywhere(false)), WITHIN_BOUND);
    expect(await believedAt(fresh)).toEqual(everywhere(true));

    const withOld = await stack.graphql(LOGIN, { input: { username: ada.username, password: PASSWORD } });
    expect(errorCodes(withOld)).toEqual(['UNAUTHENTICATED']);
    await login(ada, 'a new long passphrase');
  });

  test.each([
    ['the current password is wrong', { currentPassword: 'not the password', newPassword: 'a new long passphrase' }, 'currentPassword'],
    ['the new password is too short', { currentPassword: PASSWORD, newPassword: 'short' }, 'newPassword'],
    ['the new password is over 72 bytes', { currentPassword: PASSWORD, newPassword: 'é'.repeat(37) }, 'newPassword'],
  ])('when %s, then it is BAD_USER_INPUT naming the field, and the password and sessions stay', async (_label, input, field) => {
    const ada = await registerUser(stack);
    const refused = await stack.graphql(CHANGE_PASSWORD, { input }, { token: ada.token });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.extensions).toMatchObject({ field });
    await login(ada);
    expect(await believedAt(ada.token)).toEqual(everywhere(true));
  });

  test('when anonymous, then changePassword is UNAUTHENTICATED', async () => {
    const refused = await stack.graphql(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword: 'a new long passphrase' } });
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
  });

  test('when two changes race with the same current password, then one wins and the other is refused: the account has one password', async () => {
    const ada = await registerUser(stack);
    const other = await login(ada);
    const answers = await Promise.all(
      [ada.token, other].map((token, i) =>
        stack.graphql(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword: `new passphrase ${i}` } }, { token }),
      ),
    );
    const won = answers.map((answer) => answer.errors === undefined);
    expect(won.filter(Boolean)).toHaveLength(1);
    const loser = answers[won.indexOf(false)]!;
    // Refused by the hash having changed under it, by the password no longer being the current one, or by its session having ended.
    expect(errorCodes(loser)).toEqual([expect.stringMatching(/^(CONFLICT|BAD_USER_INPUT|UNAUTHENTICATED)$/)]);
    await login(ada, `new passphrase ${won.indexOf(true)}`);
  });
});

describe('the limits on password guessing', () => {
  test('when changePassword and deleteAccount are aliased or spread from fragments, then the operation is refused before auth is asked', async () => {
    const ada = await registerUser(stack);
    // Each shape holds the right password once: had any field run, the password or the account would be gone.
    const right = JSON.stringify(PASSWORD);
    const shapes = [
      `mutation { a: changePassword(input: { currentPassword: "x", newPassword: "new long passphrase" }) { token } b: changePassword(input: { currentPassword: ${right}, newPassword: "new long passphrase" }) { token } }`,
      `mutation { ...A ... on Mutation { b: deleteAccount(password: "guess") } } fragment A on Mutation { deleteAccount(password: ${right}) }`,
      `mutation ($p: String = ${right}) { deleteAccount(password: $p) login(input: { username: "u", password: "v" }) { token } }`,
    ];
    for (const shape of shapes) {
      const refused = await stack.graphql(shape, {}, { token: ada.token });
      expect(refused.status).toBe(400);
      expect(refused.errors![0]!.message).toMatch(/^Operation has 2 fields that take a password/);
    }
    expect(await stack.auth.connection.collection('users').countDocuments({ usernameKey: ada.username.toLowerCase() })).toBe(1);
    await login(ada);
  });

  test('when wrong passwords are tried through changePassword and deleteAccount, then they count as logins from the address', async () => {
    const gateway = await stack.gatewayWith({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGINS_PER_MINUTE: '2' });
    const graphql = graphqlClient(`${gateway.url}/graphql`);
    const ada = await registerUser(stack);
    const wrongChange = await graphql(CHANGE_PASSWORD, { input: { currentPassword: 'guess 1', newPassword: 'a new long passphrase' } }, { token: ada.token });
    expect(errorCodes(wrongChange)).toEqual(['BAD_USER_INPUT']);
    const wrongDelete = await graphql('mutation { deleteAccount(password: "guess 2") }', {}, { token: ada.token });
    expect(errorCodes(wrongDelete)).toEqual(['BAD_USER_INPUT']);
    const third = await graphql('mutation { deleteAccount(password: "guess 3") }', {}, { token: ada.token });
    expect(third.status).toBe(429);
    expect(errorCodes(third)).toEqual(['RATE_LIMITED']);
  });
});
