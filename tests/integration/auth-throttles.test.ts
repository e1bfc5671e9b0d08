import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import bcrypt from 'bcryptjs';
import { subgraph as authSubgraph } from '@chirp/auth-subgraph';
import { createThrottleRepository } from '@chirp/auth-subgraph/repositories/throttle-repository';
import { createSessionRepository } from '@chirp/auth-subgraph/repositories/session-repository';
import { createUserRepository } from '@chirp/auth-subgraph/repositories/user-repository';
import { createAccountService } from '@chirp/auth-subgraph/services/account-service';
import { createAuthThrottles, type ThrottleLimits } from '@chirp/auth-subgraph/services/auth-throttles';
import { connectDatabase, startSubgraph, type RunningSubgraph } from '@chirp/subgraph-kit';
import {
  PASSWORD,
  registerUser,
  uniqueUsername,
  type TestUser,
  errorCodes,
  graphqlClient,
  type GraphQLClient,
  type GraphQLResponse,
  testKeys,
  restClient,
  startStack,
  type Stack,
  mongoUri,
  testDbName,
} from '@chirp/test-kit';

/** Failures an account may have per window in this file's stack. */
const FAILURES = 3;
const WRONG = 'not the password';
const LOGIN = 'mutation ($input: LoginInput!) { login(input: $input) { token user { id } } }';
const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { user { id } } }';
const INVALID_LOGIN = 'Invalid username or password';
const LOCKED = /^Too many failed password attempts for this account; retry in \d+ s$/;

let stack: Stack;
/** GraphQL straight to the stack's auth subgraph, skipping the gateway. */
let direct: GraphQLClient;
/** Auth subgraphs a test started besides the stack's, with the database to drop when it is their own. */
const extraAuths: { auth: RunningSubgraph; ownDatabase: boolean }[] = [];

beforeAll(async () => {
  stack = await startStack({
    RATE_LIMIT_ENABLED: 'true',
    AUTH_THROTTLE_FAILURES_PER_ACCOUNT: String(FAILURES),
    // The address limits are tested on auth subgraphs of their own; here they must not interfere.
    AUTH_THROTTLE_LOGINS_PER_ADDRESS: '1000000',
    AUTH_THROTTLE_REGISTRATIONS_PER_ADDRESS: '1000000',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_LOGINS_PER_MINUTE: '1000000',
    RATE_LIMIT_REGISTRATIONS_PER_30_MINUTES: '1000000',
  });
  direct = graphqlClient(`${stack.auth.url}/graphql`);
});
afterEach(() => {
  jest.restoreAllMocks();
});
afterAll(async () => {
  for (const { auth, ownDatabase } of extraAuths) {
    if (ownDatabase) await auth.connection.dropDatabase();
    await auth.stop();
  }
  await stack?.stop();
});

/** Another auth subgraph configured like the stack's, with `env` on top; `database` gives it a database of its own. */
async function startAuth(env: Record<string, string> = {}, database?: string): Promise<GraphQLClient> {
  const auth = await startSubgraph(
    authSubgraph,
    authSubgraph.loadConfig({ ...stack.env, AUTH_PORT: '0', ...(database ? { AUTH_DB_NAME: testDbName(database) } : {}), ...env }),
  );
  extraAuths.push({ auth, ownDatabase: database !== undefined });
  return graphqlClient(`${auth.url}/graphql`);
}

type LoginResponse = GraphQLResponse<{ login: { token: string; user: { id: string } } }>;
const login = (client: GraphQLClient, username: string, password: string): Promise<LoginResponse> =>
  client(LOGIN, { input: { username, password } });

function registration(prefix: string) {
  const username = uniqueUsername(prefix);
  return { username, password: PASSWORD, name: `Name of ${username}`, email: `${username.toLowerCase()}@example.com` };
}

/** Registers straight at `client`, an auth subgraph; the account's id. */
async function registerAt(client: GraphQLClient, input: ReturnType<typeof registration>): Promise<string> {
  const response = await client<{ register: { user: { id: string } } }>(REGISTER, { input });
  if (!response.data?.register) throw new Error(`register failed: ${JSON.stringify(response.errors)}`);
  return response.data.register.user.id;
}

function expectSignedIn(response: LoginResponse, userId: string): void {
  expect(response.errors).toBeUndefined();
  expect(response.data?.login.user.id).toBe(userId);
}

function expectInvalid(response: LoginResponse): void {
  expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  expect(response.errors![0]!.message).toBe(INVALID_LOGIN);
}

/** RATE_LIMITED with a message matching `message`, a retry within the window and the limit that was passed. */
function expectLimited(response: GraphQLResponse, message: RegExp, limit: number): void {
  expect(response.data?.login ?? response.data?.register ?? null).toBeNull();
  expect(errorCodes(response)).toEqual(['RATE_LIMITED']);
  const [error] = response.errors!;
  expect(error!.message).toMatch(message);
  expect(error!.extensions).toMatchObject({ retryAfter: expect.any(Number), limit });
  expect(error!.extensions!.retryAfter).toBeGreaterThan(0);
  expect(error!.extensions!.retryAfter).toBeLessThanOrEqual(900);
}

async function fail(client: GraphQLClient, username: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) expectInvalid(await login(client, username, WRONG));
}

describe('per-account lock-out', () => {
  test('when an account has had N failed logins, then the next login, even with the right password, is RATE_LIMITED with retryAfter and compares no password', async () => {
    const user = await registerUser(stack);
    await fail(stack.graphql, user.username, FAILURES);
    const compare = jest.spyOn(bcrypt, 'compare');
    expectLimited(await login(stack.graphql, user.username, PASSWORD), LOCKED, FAILURES);
    expect(compare).not.toHaveBeenCalled();
  });

  test('when an account is locked, then REST login answers 429 with Retry-After and the same code', async () => {
    const user = await registerUser(stack);
    await fail(stack.graphql, user.username, FAILURES);
    const response = await restClient(stack)('POST', '/auth-api/v1/login', { body: { username: user.username, password: PASSWORD } });
    expect(response.status).toBe(429);
    expect(response.body).toEqual({ detail: expect.stringMatching(LOCKED), code: 'RATE_LIMITED' });
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(response.headers.get('x-ratelimit-limit')).toBe(String(FAILURES));
  });

  test('when N-1 failures are followed by a success, then the account is not locked, and with one more failure it is', async () => {
    const user = await registerUser(stack);
    await fail(stack.graphql, user.username, FAILURES - 1);
    expectSignedIn(await login(stack.graphql, user.username, PASSWORD), user.id);
    // The success took back its own count only: the earlier failures still stand.
    await fail(stack.graphql, user.username, 1);
    expectLimited(await login(stack.graphql, user.username, PASSWORD), LOCKED, FAILURES);
  });

  test('when an attacker signs in to their own account between guesses at another, then the other is still locked after N failures', async () => {
    const [attacker, victim] = [await registerUser(stack), await registerUser(stack)];
    for (let i = 0; i < FAILURES; i += 1) {
      expectSignedIn(await login(stack.graphql, attacker.username, PASSWORD), attacker.id);
      expectInvalid(await login(stack.graphql, victim.username, WRONG));
    }
    expectLimited(await login(stack.graphql, victim.username, PASSWORD), LOCKED, FAILURES);
    expectSignedIn(await login(stack.graphql, attacker.username, PASSWORD), attacker.id);
  });

  test('when guesses vary the username’s case or use the e-mail address, then they all count against the one account', async () => {
    const user = await registerUser(stack);
    for (const name of [user.username.toUpperCase(), ` ${user.username} `, `${user.username.toLowerCase()}@EXAMPLE.com`]) {
      expectInvalid(await login(stack.graphql, name, WRONG));
    }
    expectLimited(await login(stack.graphql, user.username, PASSWORD), LOCKED, FAILURES);
  });
});

describe('the auth subgraph reached without the gateway', () => {
  test('when failures come straight to the auth subgraph, then they lock the account for logins through the gateway, and the other way round', async () => {
    const [one, other] = [await registerUser(stack), await registerUser(stack)];
    await fail(direct, one.username, FAILURES);
    expectLimited(await login(stack.graphql, one.username, PASSWORD), LOCKED, FAILURES);
    await fail(stack.graphql, other.username, FAILURES);
    expectLimited(await login(direct, other.username, PASSWORD), LOCKED, FAILURES);
  });

  test('when two auth subgraph instances share one database, then failures counted by one lock the account on the other', async () => {
    const second = await startAuth();
    const user = await registerUser(stack);
    await fail(direct, user.username, FAILURES - 1);
    await fail(second, user.username, 1);
    expectLimited(await login(second, user.username, PASSWORD), LOCKED, FAILURES);
    expectLimited(await login(direct, user.username, PASSWORD), LOCKED, FAILURES);
  });

  test('when many failed logins race over two instances, then every one is counted: N are compared and the rest are RATE_LIMITED', async () => {
    const second = await startAuth();
    const user = await registerUser(stack);
    const attempts = 30;
    const responses = await Promise.all(
      Array.from({ length: attempts }, (_unused, i) => login(i % 2 === 0 ? direct : second, user.username, WRONG)),
    );
    const codes = responses.flatMap(errorCodes);
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(FAILURES);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(attempts - FAILURES);
    const counter = await stack.auth.connection.collection<{ _id: string; count: number }>('auth_throttles').findOne({ _id: `account:${user.id}` });
    expect(counter?.count).toBe(attempts);
  });
});

describe('unknown names', () => {
  test('when a name matches no account, then each failure reads as a wrong password does, and after N the lock-out reads as an account’s', async () => {
    const user = await registerUser(stack);
    const nobody = uniqueUsername('nobody');
    await fail(stack.graphql, user.username, FAILURES);
    await fail(stack.graphql, nobody, FAILURES);
    const [locked, lockedNobody] = [await login(stack.graphql, user.username, WRONG), await login(stack.graphql, nobody, WRONG)];
    expectLimited(lockedNobody, LOCKED, FAILURES);
    const shape = (response: GraphQLResponse) => ({
      message: response.errors![0]!.message.replace(/\d+/g, 'N'),
      extensions: { ...response.errors![0]!.extensions, retryAfter: 'N' },
    });
    expect(shape(lockedNobody)).toEqual(shape(locked));
  });

  test('when guesses at an unknown name vary its case and spacing, then they count against that one name', async () => {
    const nobody = uniqueUsername('ghost');
    for (const name of [nobody, nobody.toUpperCase(), `  ${nobody}`]) expectInvalid(await login(stack.graphql, name, WRONG));
    expectLimited(await login(stack.graphql, nobody.toLowerCase(), WRONG), LOCKED, FAILURES);
  });
});

describe('per-address limits (straight to auth subgraphs of their own)', () => {
  const FROM_ADDRESS = /^Too many login attempts from this address; retry in \d+ s$/;

  test('when logins from one address pass the limit, then the next is RATE_LIMITED whatever the name or password, successes counted too', async () => {
    const auth = await startAuth({ AUTH_THROTTLE_LOGINS_PER_ADDRESS: '4' }, 'logins');
    const [attacker, victim] = [registration('attacker'), registration('victim')];
    const attackerId = await registerAt(auth, attacker);
    await registerAt(auth, victim);
    expectInvalid(await login(auth, victim.username, WRONG));
    expectInvalid(await login(auth, uniqueUsername('nobody'), WRONG));
    expectSignedIn(await login(auth, attacker.username, PASSWORD), attackerId);
    expectInvalid(await login(auth, uniqueUsername('nobody'), WRONG));
    expectLimited(await login(auth, victim.username, PASSWORD), FROM_ADDRESS, 4);
    expectLimited(await login(auth, attacker.username, PASSWORD), FROM_ADDRESS, 4);
  });

  test('when logins race from one address, then exactly the limit get through', async () => {
    // Each login holds one of the account's failures while it compares: allow more than race at once.
    const auth = await startAuth({ AUTH_THROTTLE_LOGINS_PER_ADDRESS: '5', AUTH_THROTTLE_FAILURES_PER_ACCOUNT: '100' }, 'login-race');
    const user = registration('racer');
    await registerAt(auth, user);
    const responses = await Promise.all(Array.from({ length: 12 }, () => login(auth, user.username, PASSWORD)));
    expect(responses.filter((response) => response.data?.login)).toHaveLength(5);
    expect(responses.flatMap(errorCodes)).toEqual(Array(7).fill('RATE_LIMITED'));
  });

  test('when registrations from one address pass the limit, then the next is RATE_LIMITED and stores nothing, while invalid ones do not count', async () => {
    const auth = await startAuth({ AUTH_THROTTLE_REGISTRATIONS_PER_ADDRESS: '2' }, 'registrations');
    const stored = extraAuths.at(-1)!.auth.connection.collection('users');
    for (const invalid of [{ password: 'short' }, { username: 'no spaces allowed' }]) {
      const response = await auth(REGISTER, { input: { ...registration('invalid'), ...invalid } });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    }
    await registerAt(auth, registration('first'));
    await registerAt(auth, registration('second'));
    const third = registration('third');
    expectLimited(await auth(REGISTER, { input: third }), /^Too many registrations from this address; retry in \d+ s$/, 2);
    expect(await stored.countDocuments()).toBe(2);
    expect(await stored.countDocuments({ username: third.username })).toBe(0);
  });
});

describe('switched off', () => {
  test('when RATE_LIMIT_ENABLED=false, then an auth subgraph counts nothing and never locks', async () => {
    const unthrottled = await startAuth({ RATE_LIMIT_ENABLED: 'false' });
    const user: TestUser = await registerUser(stack);
    await fail(unthrottled, user.username, FAILURES + 2);
    expectSignedIn(await login(unthrottled, user.username, PASSWORD), user.id);
    // Nothing was counted, so the throttled instances on the same database do not see a lock-out either.
    expectSignedIn(await login(direct, user.username, PASSWORD), user.id);
  });
});

describe('the account service over the database, on a clock of the test’s', () => {
  const ADDRESS = '203.0.113.7';
  const WINDOW_SECONDS = 900;
  const connections: Awaited<ReturnType<typeof connectDatabase>>[] = [];
  afterAll(async () => {
    for (const connection of connections) {
      await connection.dropDatabase();
      await connection.close();
    }
  });

  /** An account service on a database of its own, whose throttles read the time from `clock.now`. */
  async function accountsOnClock(name: string, limits: Partial<ThrottleLimits>) {
    const connection = await connectDatabase(mongoUri(), testDbName(name));
    connections.push(connection);
    const clock = { now: new Date() };
    const throttles = createAuthThrottles(
      await createThrottleRepository(connection),
      { windowSeconds: WINDOW_SECONDS, failuresPerAccount: 1000, loginsPerAddress: 1000, registrationsPerAddress: 1000, ...limits },
      () => clock.now,
    );
    const repositories = { users: await createUserRepository(connection), sessions: await createSessionRepository(connection) };
    const accounts = createAccountService(repositories, throttles, {
      privateKey: testKeys().privateKey,
      ttlSeconds: 60,
      bcryptRounds: 4,
    });
    return { accounts, clock };
  }

  test('when an account is locked, then retryAfter counts down to the window’s end, and from then on the right password signs in', async () => {
    const { accounts, clock } = await accountsOnClock('lock-window', { failuresPerAccount: 2 });
    const start = clock.now.getTime();
    const input = registration('clocked');
    const { user } = await accounts.register(input, ADDRESS);
    for (let i = 0; i < 2; i += 1) {
      await expect(accounts.login(input.username, WRONG, ADDRESS)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    }
    await expect(accounts.login(input.username, PASSWORD, ADDRESS)).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED', retryAfter: WINDOW_SECONDS, limit: 2 },
    });
    clock.now = new Date(start + (WINDOW_SECONDS - 1) * 1000);
    await expect(accounts.login(input.username, PASSWORD, ADDRESS)).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED', retryAfter: 1 },
    });
    clock.now = new Date(start + WINDOW_SECONDS * 1000);
    await expect(accounts.login(input.username, PASSWORD, ADDRESS)).resolves.toMatchObject({ user: { id: user.id } });
  });

  test('when the client address is unknown, then such logins share one bucket, limited as one address is', async () => {
    const { accounts } = await accountsOnClock('unknown-address', { loginsPerAddress: 2 });
    for (let i = 0; i < 2; i += 1) {
      await expect(accounts.login(uniqueUsername('nobody'), WRONG, null)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    }
    await expect(accounts.login(uniqueUsername('nobody'), WRONG, null)).rejects.toMatchObject({
      extensions: { code: 'RATE_LIMITED', limit: 2 },
    });
    await expect(accounts.login(uniqueUsername('nobody'), WRONG, ADDRESS)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
