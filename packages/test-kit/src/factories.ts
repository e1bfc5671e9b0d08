import type { Stack } from './stack';

export interface TestUser {
  id: string;
  username: string;
  token: string;
}

let counter = 0;

/** A unique, valid username for this worker. */
export function uniqueUsername(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`.slice(0, 30);
}

export const PASSWORD = 'correct horse battery';

export async function registerUser(stack: Stack, overrides: { username?: string; name?: string; email?: string } = {}): Promise<TestUser> {
  const username = overrides.username ?? uniqueUsername();
  const response = await stack.graphql<{ register: { token: string; user: { id: string; username: string } } }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { token user { id username } } }`,
    {
      input: {
        username,
        password: PASSWORD,
        name: overrides.name ?? `Name of ${username}`,
        email: overrides.email ?? `${username.toLowerCase()}@example.com`,
      },
    },
  );
  if (!response.data?.register) throw new Error(`register failed: ${JSON.stringify(response.errors)}`);
  const { token, user } = response.data.register;
  return { id: user.id, username: user.username, token };
}

export async function createPost(stack: Stack, user: TestUser, content = 'Hello, Chirp'): Promise<string> {
  const response = await stack.graphql<{ createPost: { id: string } }>(
    `mutation ($content: String!) { createPost(input: { content: $content }) { id } }`,
    { content },
    { token: user.token },
  );
  if (!response.data?.createPost) throw new Error(`createPost failed: ${JSON.stringify(response.errors)}`);
  return response.data.createPost.id;
}

export async function follow(stack: Stack, user: TestUser, target: TestUser): Promise<void> {
  const response = await stack.graphql(`mutation ($id: ID!) { follow(userId: $id) { id } }`, { id: target.id }, { token: user.token });
  if (response.errors) throw new Error(`follow failed: ${JSON.stringify(response.errors)}`);
}
