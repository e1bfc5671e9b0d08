/**
 * `npm run seed`: fills a running Chirp with demo data through its public
 * GraphQL API (never the databases), so that a newcomer sees a populated feed
 * at once. Safe to run twice: existing demo users are logged in, not re-created.
 *
 *   npm run seed                     # against http://localhost:4000/graphql
 *   npm run seed -- --url http://host:4000/graphql
 */
import { ErrorCode } from '@chirp/platform';

const DEMO_PASSWORD = 'chirp-demo-password';

const PEOPLE = [
  { username: 'ada', name: 'Ada Lovelace', posts: ['The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.', 'Notes, notes, notes. Note G is the long one.'] },
  { username: 'grace', name: 'Grace Hopper', posts: ['Found a moth in relay #70 today. First actual case of bug being found.', "It's easier to ask forgiveness than it is to get permission."] },
  { username: 'alan', name: 'Alan Turing', posts: ['Can machines think? Let us play a game instead.', 'Morphogenesis: zebra stripes are reaction-diffusion, I am sure of it.'] },
  { username: 'katherine', name: 'Katherine Johnson', posts: ['Checked the orbital numbers by hand. Glenn says go.', 'Like what you do, and then you will do your best.'] },
  { username: 'linus', name: 'Linus Torvalds', posts: ['Just a hobby, won\'t be big and professional.', 'Talk is cheap. Show me the code.'] },
  { username: 'margaret', name: 'Margaret Hamilton', posts: ['The 1202 alarm was the software doing exactly what it was designed to do.', 'Software engineering deserves the same respect as any other engineering.'] },
];

/** Who follows whom, by index into PEOPLE: a connected little network. */
const FOLLOWS: [number, number][] = [
  [0, 1], [0, 2], [0, 5], [1, 0], [1, 3], [2, 0], [2, 4], [3, 1], [3, 5], [4, 2], [4, 0], [5, 3], [5, 0], [5, 1],
];

const COMMENTS = ['Brilliant!', 'Could not agree more.', 'This made my day.', 'Bookmarking this one.'];

function gatewayUrl(): string {
  const index = process.argv.indexOf('--url');
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : 'http://localhost:4000/graphql';
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) {
    const [error] = body.errors;
    throw Object.assign(new Error(error!.message), { code: error!.extensions?.code });
  }
  return body.data as T;
}

interface Account {
  id: string;
  token: string;
}

async function account(url: string, person: (typeof PEOPLE)[number]): Promise<Account> {
  const fields = 'token user { id }';
  try {
    const data = await graphql<{ register: { token: string; user: { id: string } } }>(
      url,
      `mutation Register($input: RegisterInput!) { register(input: $input) { ${fields} } }`,
      { input: { username: person.username, password: DEMO_PASSWORD, name: person.name, email: `${person.username}@example.com` } },
    );
    return { id: data.register.user.id, token: data.register.token };
  } catch (error) {
    if ((error as { code?: string }).code !== ErrorCode.CONFLICT) throw error;
    const data = await graphql<{ login: { token: string; user: { id: string } } }>(
      url,
      `mutation Login($input: LoginInput!) { login(input: $input) { ${fields} } }`,
      { input: { username: person.username, password: DEMO_PASSWORD } },
    );
    return { id: data.login.user.id, token: data.login.token };
  }
}

async function main(): Promise<void> {
  const url = gatewayUrl();
  const accounts: Account[] = [];
  for (const person of PEOPLE) accounts.push(await account(url, person));

  for (const [follower, followee] of FOLLOWS) {
    await graphql(url, 'mutation Follow($id: ID!) { follow(userId: $id) { id } }', { id: accounts[followee]!.id }, accounts[follower]!.token);
  }

  const postIds: string[] = [];
  for (const [index, person] of PEOPLE.entries()) {
    for (const content of person.posts) {
      const data = await graphql<{ createPost: { id: string } }>(
        url,
        'mutation CreatePost($content: String!) { createPost(input: { content: $content }) { id } }',
        { content },
        accounts[index]!.token,
      );
      postIds.push(data.createPost.id);
    }
  }

  let comments = 0;
  let likes = 0;
  for (const [postIndex, postId] of postIds.entries()) {
    const authorIndex = Math.floor(postIndex / 2);
    for (let offset = 1; offset <= 3; offset += 1) {
      const reader = accounts[(authorIndex + offset) % accounts.length]!;
      await graphql(url, 'mutation Like($id: ID!) { likePost(postId: $id) { id } }', { id: postId }, reader.token);
      likes += 1;
      if (offset === 1) {
        await graphql(
          url,
          'mutation Comment($id: ID!, $content: String!) { addComment(postId: $id, input: { content: $content }) { id } }',
          { id: postId, content: COMMENTS[postIndex % COMMENTS.length] },
          reader.token,
        );
        comments += 1;
      }
    }
  }

  console.log(`Seeded ${url}: ${accounts.length} users, ${FOLLOWS.length} follows, ${postIds.length} posts, ${comments} comments, ${likes} likes.`);
  console.log(`Log in as any of ${PEOPLE.map((person) => person.username).join(', ')} with the password "${DEMO_PASSWORD}".`);
}

main().catch((error: unknown) => {
  console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
