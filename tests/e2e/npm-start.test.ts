import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { graphqlClient, type GraphQLClient, startSystemProcess, type SystemProcess } from '@chirp/test-kit';

/**
 * Runs `npm start`'s script as a user would (here with free ports and its own
 * embedded database) and walks the README's first steps through the gateway.
 */
describe('npm start', () => {
  let system: SystemProcess;
  let graphql: GraphQLClient;

  beforeAll(async () => {
    system = await startSystemProcess({ env: { LOG_LEVEL: 'info' } });
    graphql = graphqlClient(`${system.gatewayUrl}/graphql`);
  }, 90_000);

  afterAll(() => {
    if (system?.child.exitCode === null) system.child.kill('SIGKILL');
  });

  test('when it is up, then it prints the gateway URL and serves register, post, follow and feed', async () => {
    expect(system.output()).toMatch(/GraphQL: +http:\/\/localhost:\d+\/graphql/);
    const register = (username: string) =>
      graphql<{ register: { token: string; user: { id: string } } }>(
        'mutation ($input: RegisterInput!) { register(input: $input) { token user { id } } }',
        { input: { username, password: 'long enough password', name: username, email: `${username}@example.com` } },
      );
    const alice = (await register('alice')).data!.register;
    const bob = (await register('bob')).data!.register;
    const login = await graphql('mutation { login(input: { username: "alice", password: "long enough password" }) { token } }');
    expect(login.data?.login.token).toEqual(expect.any(String));

    await graphql('mutation { createPost(input: { content: "Hello from Bob" }) { id } }', {}, { token: bob.token });
    await graphql('mutation ($id: ID!) { follow(userId: $id) { username } }', { id: bob.user.id }, { token: alice.token });
    const feed = await graphql('{ me { feed { edges { node { content author { username } } } } } }', {}, { token: alice.token });
    expect(feed.data?.me.feed.edges).toEqual([{ node: { content: 'Hello from Bob', author: { username: 'bob' } } }]);
  });

  test('when a request carries x-request-id, then it is returned and every process logs it, with no password or token', async () => {
    const requestId = `e2e-${Date.now()}`;
    const password = 'a very secret password';
    const response = await graphql<{ register: { token: string } }>(
      'mutation Register($input: RegisterInput!) { register(input: $input) { token } }',
      { input: { username: 'carol', password, name: 'Carol', email: 'carol@example.com' } },
      { headers: { 'x-request-id': requestId } },
    );
    const token = response.data!.register.token;
    await graphql('mutation ($id: ID!) { follow(userId: $id) { id } }', { id: '0123456789abcdef01234567' }, {
      token,
      headers: { 'x-request-id': requestId },
    });
    // Log lines are written asynchronously: wait for each process's line rather than for a while.
    for (const service of ['gateway', 'auth-subgraph', 'users-subgraph']) {
      await system.waitFor(new RegExp(`"name":"${service}".*"requestId":"${requestId}"`));
    }

    const output = system.output();
    const lines = output.split('\n').filter((line) => line.includes(requestId));
    const services = new Set(lines.map((line) => (JSON.parse(line) as { name: string }).name));
    expect([...services].sort()).toEqual(['auth-subgraph', 'gateway', 'users-subgraph']);
    expect(output).not.toContain(password);
    expect(output).not.toContain(token);
  });

  test('when it gets SIGTERM, then every process stops and it exits 0', async () => {
    expect(await system.stop()).toBe(0);
  });
});
