import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@chirp/platform';
import {
  createPost,
  follow,
  registerUser,
  type TestUser,
  ecKeyPair,
  testKeys,
  restClient,
  unknownId,
  type Rest,
  type RestOptions,
  inPool,
  mulberry32,
  REST_ROUTES,
  type RestRoute,
  startStack,
  type Stack,
} from '@chirp/test-kit';

/**
 * Generated malformed input for every REST route and every GraphQL root
 * field: nothing a client sends may give a 5xx, an INTERNAL_SERVER_ERROR, or
 * take a process down. Inputs come from a seeded PRNG, so a failure
 * reproduces with FUZZ_SEED=<seed from the test name>. A test generates all
 * its cases before sending any, so the inputs do not depend on the order in
 * which concurrent answers arrive.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_131);
const REST_CASES_PER_ROUTE = 150;
const GRAPHQL_CASES_PER_FIELD = 120;
const MALFORMED_DOCUMENTS = 300;
const IN_FLIGHT = 8;

/** Codes a client may see (DESIGN "API behaviour", plus Apollo's own for requests it cannot parse, validate or read). */
const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  // Sent only by the envelope cases below: an unknown persisted query, and an operationName the document lacks.
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** The `sub` of the validly signed token for an account that does not exist. */
const NO_SUCH_USER = 'ffffffffffffffffffffffff';
/** The `sid` of the forged tokens: a session that was never opened. */
const NO_SUCH_SESSION = 'eeeeeeeeeeeeeeeeeeeeeeee';

/** FNV-1a: each test gets its own stream, so one test's cases do not depend on which tests ran before it. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const HUGE = 'x'.repeat(120_000);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An Authorization header (none when `header` is undefined), and what failure messages call it. */
interface Authorization {
  label: string;
  header?: string;
}

/** What the fixtures give the generators: real ids, cursors and tokens, so that some cases get past validation. */
interface Material {
  postIds: string[];
  userIds: string[];
  usernames: string[];
  cursors: string[];
  /** The fixture users' own tokens. */
  validAuthorizations: Authorization[];
  otherAuthorizations: Authorization[];
}

class Fuzz {
  private readonly next: () => number;
  private serial = 0;

  constructor(
    seed: number,
    private readonly material: Material,
  ) {
    this.next = mulberry32(seed);
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A name no earlier case used, for registrations that should get through. */
  unique(): string {
    this.serial += 1;
    return `fz${this.int(1e9)}_${this.serial}`;
  }

  string(): string {
    return this.pick([
      '',
      ' ',
      ' \t\n ',
      'a',
      'hello',
      'x'.repeat(281),
      'x'.repeat(5000),
      HUGE,
      '\u0000',
      'nul\u0000inside',
      '\ud800',
      'lone \udc00 low surrogate',
      '🐦'.repeat(141),
      'e\u0301\u0301\u0301',
      '\u202eRTL override',
      'Ω≈ç√∫ 中文 العربية',
      '\ufeffBOM',
      '$gt',
      '{"$gt": ""}',
      "' OR 1=1 --",
      '<script>alert(1)</script>',
      '../../etc/passwd',
      '%00',
      '\\',
      '"',
      'null',
      '__proto__',
      'constructor',
    ]);
  }

  number(): number {
    return this.pick([0, -1, 1, 1.5, 100, 101, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 5e-324]);
  }

  /** Any JSON value, most often of the wrong type for wherever it lands. */
  value(depth = 0): unknown {
    switch (this.int(depth > 1 ? 4 : 7)) {
      case 0:
        return this.string();
      case 1:
        return this.number();
      case 2:
        return this.pick([true, false, null]);
      case 3:
        return this.pick([{ $gt: '' }, { $ne: null }, { $where: 'sleep(1000)' }, { $regex: '.*' }, {}]);
      case 4:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      case 5:
        return Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.pick(['a', '$set', 'content', 'id', '']), this.value(depth + 1)]));
      default:
        return this.pick([deeplyNested(1000), Array.from({ length: 10_000 }, (_, i) => i)]);
    }
  }

  id(): string {
    const known = this.pick([...this.material.postIds, ...this.material.userIds]);
    if (this.chance(0.4)) return known;
    return this.pick([
      known.toUpperCase(),
      unknownId(),
      known.slice(0, 23),
      `${known}0`,
      ` ${known}`,
      `${known}\u0000`,
      '0'.repeat(24),
      'g'.repeat(24),
      'not-an-id',
      '',
      this.string(),
    ]);
  }

  cursor(): string {
    const id = this.pick(this.material.postIds);
    const real = this.pick(this.material.cursors);
    if (this.chance(0.3)) return real;
    return this.pick([
      real.slice(0, -3),
      `${real}x`,
      base64url([8.64e15 + 1, id]),
      base64url([Number.MAX_SAFE_INTEGER, id]),
      base64url([-1, id]),
      base64url([1.5, id]),
      base64url([1e308, id]),
      base64url([0, 'not-an-id']),
      base64url([0, { $gt: '' }]),
      base64url([0, id, 1]),
      base64url({ createdAt: 0, id }),
      base64url(null),
      '!!not base64!!',
      'x'.repeat(199),
      'x'.repeat(201),
      this.string(),
    ]);
  }

  /** `first`/`limit` as a JSON value. */
  pageSize(): unknown {
    return this.chance(0.5) ? this.int(100) + 1 : this.pick([0, -1, 101, 2 ** 31, -(2 ** 31), 1e308, 1.5, '5', null, true]);
  }

  authorization(): Authorization {
    return this.chance(0.4) ? this.pick(this.material.validAuthorizations) : this.pick(this.material.otherAuthorizations);
  }
}

function deeplyNested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

/** Short enough to read in a failure message: long strings are cut, control characters escaped by JSON. */
function show(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' && item.length > 60 ? `${item.slice(0, 20)}…(${item.length} chars)` : item,
  );
  return text === undefined ? 'undefined' : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}



let stack: Stack;
let rest: Rest;
let material: Material;

beforeAll(async () => {
  stack = await startStack();
  rest = restClient(stack);
  const [alice, bob] = await Promise.all([registerUser(stack), registerUser(stack)]);
  const postIds: string[] = [];
  for (let i = 0; i < 8; i += 1) postIds.push(await createPost(stack, alice!, `fixture post ${i}`));
  await follow(stack, bob!, alice!);
  await stack.graphql('mutation ($id: ID!) { addComment(postId: $id, input: { content: "first" }) { id } likePost(postId: $id) { id } }', { id: postIds[0] }, { token: bob!.token });
  const pages = await stack.graphql<{ user: Record<string, { pageInfo: { endCursor: string } }> }>(
    'query ($id: ID!) { user(id: $id) { posts(first: 1) { pageInfo { endCursor } } followers(first: 1) { pageInfo { endCursor } } } }',
    { id: alice!.id },
  );
  const { privateKey } = testKeys();
  const now = Math.floor(Date.now() / 1000);
  const claims = (sub: string, exp = now + 3600) => ({ sub, sid: NO_SUCH_SESSION, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp });
  const sign = (payload: object, key = privateKey) => jwt.sign(payload, key, { algorithm: 'ES256' });
  const own = (user: TestUser, label: string) => ({ label, header: `Bearer ${user.token}` });
  const other = (label: string, header?: string) => ({ label, header });
  material = {
    postIds,
    userIds: [alice!.id, bob!.id],
    usernames: [alice!.username, bob!.username],
    cursors: Object.values(pages.data!.user).map((page) => page.pageInfo.endCursor),
    validAuthorizations: [own(alice!, 'author'), own(bob!, 'reader')],
    otherAuthorizations: [
      other('none'),
      other('garbage', 'Bearer garbage'),
      other('three dots', 'Bearer a.b.c'),
      other('4 kB', `Bearer ${'x'.repeat(4000)}`),
      other('scheme only', 'Bearer'),
      other('scheme and space', 'Bearer '),
      other('basic', 'Basic dXNlcjpwYXNz'),
      other('lower-case scheme', `bearer ${alice!.token}`),
      other('trailing word', `Bearer ${alice!.token} extra`),
      other('signed by another key', `Bearer ${sign(claims(alice!.id), ecKeyPair().privateKey)}`),
      other('alg none', `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims(alice!.id))}.`),
      other('expired', `Bearer ${sign(claims(alice!.id, now - 60))}`),
      other('sub not an id', `Bearer ${sign(claims('not-an-id'))}`),
      // A genuine signature for an account that does not exist (a wiped database under a kept key).
      other('unknown user', `Bearer ${sign(claims(NO_SUCH_USER))}`),
    ],
  };
}, 60_000);

afterAll(() => stack?.stop());

describe(`REST routes (seed ${SEED})`, () => {
  /** Path segments as they go on the wire: encoded values, and raw escapes a client could send. */
  const segment = (fuzz: Fuzz) => {
    if (fuzz.chance(0.15)) return fuzz.pick(['%', '%zz', '%FF%FE', '%ED%A0%80', '..', '.', '%2e%2e', '%2F', '%00', ';', 'a;b=c', '%20']);
    try {
      return encodeURIComponent(fuzz.id());
    } catch {
      return '%ED%A0%80'; // a lone surrogate has no encoding: send the bytes it would have had
    }
  };

  const wireValue = (value: unknown) => {
    try {
      return encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value) ?? '');
    } catch {
      return '%ED%A0%80';
    }
  };

  const queryString = (fuzz: Fuzz) => {
    const pairs: string[] = [];
    if (fuzz.chance(0.6)) pairs.push(`limit=${fuzz.chance(0.2) ? fuzz.pick(['1e2', '0x10', ' 5', 'NaN', 'Infinity', '-0', '99999999999999999999999', 'abc', '']) : wireValue(fuzz.pageSize())}`);
    if (fuzz.chance(0.6)) pairs.push(`cursor=${wireValue(fuzz.cursor())}`);
    if (fuzz.chance(0.15)) pairs.push('limit=1&limit=2');
    if (fuzz.chance(0.15)) pairs.push(fuzz.pick(['limit[$gt]=0', 'cursor[]=a', '__proto__[x]=1', 'extra=1', '%zz=%zz', '&&&']));
    return pairs.length > 0 ? `?${pairs.join('&')}` : '';
  };

  const FIELDS: Record<string, string[]> = {
    '/auth-api/v1/register': ['username', 'password', 'name', 'email'],
    '/auth-api/v1/login': ['username', 'password'],
    '/posts-api/v1/posts': ['content', 'authorId'],
  };

  /** A JSON body for the route's fields: some plausible, some not. */
  const jsonBody = (fuzz: Fuzz, fields: string[]) => {
    const name = fuzz.unique();
    const plausible: Record<string, unknown> = {
      username: fuzz.pick([name, ...material.usernames]),
      password: 'long enough password',
      name,
      email: `${name}@example.com`,
      content: 'a fuzzed post',
      authorId: fuzz.pick(material.userIds),
    };
    const body: Record<string, unknown> = {};
    for (const field of fields) {
      if (fuzz.chance(0.1)) continue;
      body[field] = fuzz.chance(0.7) ? plausible[field] : fuzz.value();
    }
    if (fuzz.chance(0.15)) body[fuzz.pick(['extra', '$where', 'id', 'authorId'])] = fuzz.value();
    return body;
  };

  const RAW_BODIES = [
    '{',
    '{"content": }',
    "{'content': 'single quotes'}",
    '{"content": "trailing comma",}',
    '{"content": "a"}garbage',
    '{"content": "a", "content": {"$gt": ""}}',
    '{"__proto__": {"admin": true}, "content": "a"}',
    '{"constructor": {"prototype": {"admin": true}}, "content": "a"}',
    '\ufeff{"content": "a"}',
    'nul\u0000',
    `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    '1e999',
    '"just a string"',
    'null',
  ];

  /** The body part of a request: absent, JSON of every kind, text that is not JSON, too large, or of another type. */
  const bodyFor = (fuzz: Fuzz, route: RestRoute): Pick<RestOptions, 'body' | 'rawBody'> & { contentType?: string } => {
    if (route.method === 'GET') return {};
    const fields = FIELDS[route.path] ?? ['content'];
    switch (fuzz.int(10)) {
      case 0:
        return { body: fuzz.pick([[], [jsonBody(fuzz, fields)], 'text', 0, null, true]) };
      case 1:
        return { rawBody: fuzz.pick(RAW_BODIES) };
      case 2:
        return { body: { ...jsonBody(fuzz, fields), [fields[0]!]: HUGE } };
      case 3:
        return {
          body: jsonBody(fuzz, fields),
          contentType: fuzz.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml', '']),
        };
      case 4:
        return {};
      case 5:
        return { rawBody: '' };
      default:
        return { body: jsonBody(fuzz, fields) };
    }
  };

  const requestFor = (fuzz: Fuzz, route: RestRoute) => {
    const path = route.path.replace('{id}', () => segment(fuzz)) + queryString(fuzz);
    const { label, header } = fuzz.authorization();
    const { contentType, ...body } = bodyFor(fuzz, route);
    const headers = { ...(header === undefined ? {} : { authorization: header }), ...(contentType === undefined ? {} : { 'content-type': contentType }) };
    return { path, auth: label, options: { headers, ...body } satisfies RestOptions };
  };

  // The routes that may end the sessions of the valid tokens come last, so that the others are fuzzed signed in.
  const endsSessions = ({ method, path }: RestRoute) =>
    ['/auth-api/v1/logout', '/auth-api/v1/password'].includes(path) || (method === 'DELETE' && path === '/auth-api/v1/me');
  for (const route of [...REST_ROUTES].sort((a, b) => Number(endsSessions(a)) - Number(endsSessions(b)))) {
    const name = `${route.method} ${route.path}`;
    test(`${name}: ${REST_CASES_PER_ROUTE} malformed requests never get a 5xx (seed ${SEED})`, async () => {
      const fuzz = new Fuzz(SEED ^ hash(name), material);
      const cases = Array.from({ length: REST_CASES_PER_ROUTE }, () => requestFor(fuzz, route));
      /** What a failure message shows of each problem: the input shortened, and the answer. */
      const problems: string[] = [];
      await inPool(cases, IN_FLIGHT, async ({ path, auth, options }) => {
        await rest(route.method, path, options).catch((error: Error) => {
          problems.push(`${route.method} ${show(path)} auth=${auth} content-type=${show(options.headers['content-type'])} body=${show(options.rawBody ?? options.body)}: ${error.message.slice(0, 300)}`);
        });
      });
      expect(problems).toEqual([]);
    });
  }
});

describe(`GraphQL (seed ${SEED})`, () => {
  /**
   * A GraphQL literal for a JSON value: for the cases that put arguments in the
   * document rather than in variables. Written with a stack of its own, not by
   * recursion: one case nests 3,000 objects, deeper than Node.js 24's call
   * stack lets a recursive walk go.
   */
  const literal = (value: unknown): string => {
    const parts: string[] = [];
    const pending: ({ text: string } | { value: unknown })[] = [{ value }];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if ('text' in next) {
        parts.push(next.text);
        continue;
      }
      const item = next.value;
      if (typeof item === 'string') parts.push(JSON.stringify(item));
      else if (typeof item === 'number') parts.push(Number.isFinite(item) ? String(item) : 'null');
      else if (typeof item === 'boolean') parts.push(String(item));
      else if (item && typeof item === 'object') {
        const [open, close] = Array.isArray(item) ? ['[', ']'] : ['{ ', ' }'];
        const elements = Array.isArray(item) ? item.map((element) => [{ value: element }]) : Object.entries(item).map(([key, element]) => [{ text: `${key}: ` }, { value: element }]);
        const inOrder = [{ text: open }, ...elements.flatMap((element, index) => (index === 0 ? element : [{ text: ', ' }, ...element])), { text: close }];
        pending.push(...inOrder.reverse());
      } else parts.push('null');
    }
    return parts.join('');
  };

  const page = (field: string, node: string) => `${field}(first: $first, after: $after) { edges { cursor node { ${node} } } pageInfo { hasNextPage endCursor } }`;
  const POST = `id content author { id username } likeCount likedByViewer bookmarkedByViewer commentCount ${page('comments', 'id content author { username } post { id }')}`;
  const USER = `id username email followersCount followingCount followedByViewer ${page('followers', 'id username')} ${page('following', 'id username')} ${page('posts', 'id likedByViewer')}`;
  const PAGE_VARIABLES = { first: 'Int', after: 'String' };

  type Values = (fuzz: Fuzz) => unknown;
  const input = (fields: Record<string, Values>): Values => (fuzz) => {
    if (fuzz.chance(0.1)) return fuzz.value();
    const value: Record<string, unknown> = {};
    for (const [field, generate] of Object.entries(fields)) if (!fuzz.chance(0.1)) value[field] = generate(fuzz);
    if (fuzz.chance(0.1)) value.extra = fuzz.value();
    return value;
  };
  const text: Values = (fuzz) => (fuzz.chance(0.5) ? 'plausible text' : fuzz.string());
  const pageValues: Record<string, Values> = { first: (fuzz) => fuzz.pageSize(), after: (fuzz) => fuzz.cursor() };
  const id: Values = (fuzz) => fuzz.id();

  /** Every root field of the API schema (checked below), with the variables it takes and how to make their values. */
  const TARGETS: { field: string; operation: 'query' | 'mutation'; variables: Record<string, string>; values: Record<string, Values>; selection: string }[] = [
    { field: 'me', operation: 'query', variables: PAGE_VARIABLES, values: pageValues, selection: `me { ${USER} ${page('feed', 'id content')} ${page('bookmarks', 'id bookmarkedByViewer')} }` },
    { field: 'user', operation: 'query', variables: { id: 'ID!', ...PAGE_VARIABLES }, values: { id, ...pageValues }, selection: `user(id: $id) { ${USER} ${page('feed', 'id')} }` },
    { field: 'userByUsername', operation: 'query', variables: { username: 'String!', ...PAGE_VARIABLES }, values: { username: (fuzz) => (fuzz.chance(0.3) ? fuzz.pick(material.usernames) : fuzz.string()), ...pageValues }, selection: `userByUsername(username: $username) { ${USER} }` },
    { field: 'post', operation: 'query', variables: { id: 'ID!', ...PAGE_VARIABLES }, values: { id, ...pageValues }, selection: `post(id: $id) { ${POST} }` },
    {
      field: 'register',
      operation: 'mutation',
      variables: { input: 'RegisterInput!' },
      values: { input: input({ username: (fuzz) => (fuzz.chance(0.4) ? fuzz.unique() : fuzz.string()), password: text, name: text, email: (fuzz) => (fuzz.chance(0.4) ? `${fuzz.unique()}@example.com` : fuzz.string()) }) },
      selection: 'register(input: $input) { token expiresAt user { id username email } }',
    },
    { field: 'login', operation: 'mutation', variables: { input: 'LoginInput!' }, values: { input: input({ username: (fuzz) => (fuzz.chance(0.4) ? fuzz.pick(material.usernames) : fuzz.string()), password: text }) }, selection: 'login(input: $input) { token user { id } }' },
    { field: 'createPost', operation: 'mutation', variables: { input: 'CreatePostInput!' }, values: { input: input({ content: text }) }, selection: 'createPost(input: $input) { id content author { id } }' },
    { field: 'updatePost', operation: 'mutation', variables: { id: 'ID!', input: 'UpdatePostInput!' }, values: { id, input: input({ content: text }) }, selection: 'updatePost(id: $id, input: $input) { id content editedAt }' },
    { field: 'deletePost', operation: 'mutation', variables: { id: 'ID!' }, values: { id }, selection: 'deletePost(id: $id)' },
    { field: 'addComment', operation: 'mutation', variables: { postId: 'ID!', input: 'AddCommentInput!' }, values: { postId: id, input: input({ content: text }) }, selection: 'addComment(postId: $postId, input: $input) { id post { id commentCount } }' },
    ...(['likePost', 'unlikePost'] as const).map((field) => ({ field, operation: 'mutation' as const, variables: { postId: 'ID!' }, values: { postId: id }, selection: `${field}(postId: $postId) { id likeCount likedByViewer }` })),
    ...(['bookmarkPost', 'unbookmarkPost'] as const).map((field) => ({ field, operation: 'mutation' as const, variables: { postId: 'ID!' }, values: { postId: id }, selection: `${field}(postId: $postId) { id content bookmarkedByViewer }` })),
    ...(['follow', 'unfollow'] as const).map((field) => ({ field, operation: 'mutation' as const, variables: { userId: 'ID!' }, values: { userId: id }, selection: `${field}(userId: $userId) { id followersCount followedByViewer }` })),
    { field: 'updateProfile', operation: 'mutation', variables: { input: 'UpdateProfileInput!' }, values: { input: input({ name: text, bio: text }) }, selection: 'updateProfile(input: $input) { id name bio }' },
    // Last, since they may end the sessions of the valid tokens the other fields are fuzzed with.
    { field: 'changePassword', operation: 'mutation', variables: { input: 'ChangePasswordInput!' }, values: { input: input({ currentPassword: text, newPassword: text }) }, selection: 'changePassword(input: $input) { token user { id } }' },
    { field: 'deleteAccount', operation: 'mutation', variables: { password: 'String!' }, values: { password: text }, selection: 'deleteAccount(password: $password)' },
    { field: 'logout', operation: 'mutation', variables: { allSessions: 'Boolean' }, values: { allSessions: (fuzz) => fuzz.chance(0.5) }, selection: 'logout(allSessions: $allSessions)' },
  ];

  interface GraphQLCase {
    description: string;
    init: RequestInit;
    /** GET cases put the request in the URL. */
    search?: string;
  }

  const post = (body: string, { header }: Authorization, contentType = 'application/json'): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': contentType, ...(header === undefined ? {} : { authorization: header }) },
    body,
  });

  /** Either variables as the schema declares them, or (a third of the time) their values written into the document. */
  const caseFor = (fuzz: Fuzz, target: (typeof TARGETS)[number]): GraphQLCase => {
    const values: Record<string, unknown> = {};
    for (const [name, generate] of Object.entries(target.values)) {
      if (fuzz.chance(0.05)) continue; // a missing variable, required or not
      values[name] = fuzz.chance(0.1) ? fuzz.value() : generate(fuzz);
    }
    const authorization = fuzz.authorization();
    let query: string;
    let variables: Record<string, unknown>;
    if (fuzz.chance(0.33)) {
      query = `${target.operation} { ${target.selection.replace(/\$(\w+)/g, (_match, name: string) => literal(values[name]))} }`;
      variables = {};
    } else {
      const declarations = Object.entries(target.variables).map(([name, type]) => `$${name}: ${type}`);
      query = `${target.operation} (${declarations.join(', ')}) { ${target.selection} }`;
      variables = fuzz.chance(0.05) ? { ...values, unknownVariable: fuzz.value() } : values;
    }
    return { description: `variables=${show(variables)} auth=${authorization.label} query=${show(query)}`, init: post(JSON.stringify({ query, variables }), authorization) };
  };

  /** What a failure message shows of each problem: the input shortened, and the answer. */
  const problems: string[] = [];
  const send = async ({ description, init, search = '' }: GraphQLCase) => {
    let response: Response;
    try {
      response = await fetch(`${stack.gateway.url}/graphql${search}`, init);
    } catch (error) {
      problems.push(`${description}: request failed: ${(error as Error).message}`);
      return;
    }
    const text = await response.text();
    let body: { errors?: { extensions?: { code?: unknown } }[]; extensions?: { valueCompletion?: unknown } } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not JSON (a 413 from the HTTP layer, a 405): the status alone decides.
    }
    const codes = (body.errors ?? []).map((error) => error.extensions?.code);
    // valueCompletion is where the gateway puts a null the schema forbids: a server fault, with no error to show for it.
    if (response.status >= 500 || codes.some((code) => !CLIENT_CODES.has(code as string)) || body.extensions?.valueCompletion) {
      problems.push(`${description}: ${response.status} ${text.slice(0, 300)}`);
    }
  };
  const run = async (cases: GraphQLCase[]) => {
    problems.length = 0;
    await inPool(cases, IN_FLIGHT, send);
    expect(problems).toEqual([]);
  };

  test('the fuzzed fields are every Query and Mutation root field of the API schema', async () => {
    const response = await stack.graphql<{ __schema: Record<string, { fields: { name: string }[] }> }>(
      '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }',
    );
    const fields = Object.values(response.data!.__schema).flatMap((type) => type.fields.map((field) => field.name));
    expect(TARGETS.map((target) => target.field).sort()).toEqual(fields.sort());
  });

  for (const target of TARGETS) {
    test(`${target.field}: ${GRAPHQL_CASES_PER_FIELD} malformed variable sets never get a 5xx or INTERNAL_SERVER_ERROR (seed ${SEED})`, async () => {
      const fuzz = new Fuzz(SEED ^ hash(target.field), material);
      await run(Array.from({ length: GRAPHQL_CASES_PER_FIELD }, () => caseFor(fuzz, target)));
    });
  }

  test(`${MALFORMED_DOCUMENTS} malformed documents and request envelopes never get a 5xx or INTERNAL_SERVER_ERROR (seed ${SEED})`, async () => {
    const fuzz = new Fuzz(SEED ^ hash('documents'), material);
    const postId = material.postIds[1]!;
    const valid = TARGETS.map((target) => `${target.operation} (${Object.entries(target.variables).map(([name, type]) => `$${name}: ${type}`).join(', ')}) { ${target.selection} }`);
    const nested = (levels: number) => `{ me { ${'following { edges { node { '.repeat(levels)}id${' } } }'.repeat(levels)} } }`;
    const documents: (() => string)[] = [
      () => fuzz.pick(valid).slice(0, fuzz.int(200)), // cut short
      () => {
        const document = fuzz.pick(valid);
        const at = fuzz.int(document.length);
        return document.slice(0, at) + fuzz.pick(['{', '}', '(', ')', '$', '"', '\\', '!', '@', '#', ':', '\u0000', '🐦', '...', '"""']) + document.slice(at + 1);
      },
      () => fuzz.pick(['{ nope }', '{ me { nope } }', `{ post(id: "${postId}", extra: 1) { id } }`, '{ post { id } }', '{ me { feed(first: "ten") { edges { cursor } } } }', '{ me }', '{ __typename }']),
      () => fuzz.pick(['', ' ', '{', '}', 'query', 'query {', '{ me { id }', '{ "unterminated }', '\u0000', '🐦', '# only a comment', 'subscription { me { id } }']),
      () => `{ me { ${'id '.repeat(30_000)} } }`,
      () => `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: post(id: "${postId}") { id }`).join(' ')} }`,
      () => nested(fuzz.pick([11, 50, 300])),
      () => fuzz.pick([`{ user(id: "${postId}") { id } } query Other { me { id } }`, 'query A { me { id } } query B { me { id } }']),
      () => 'fragment A on User { ...B } fragment B on User { ...A } { me { ...A } }',
      () => `{ post(id: ${literal(deeplyNested(fuzz.pick([100, 3000])))}) { id } }`,
      () => `query ${'Q'.repeat(120_000)} { me { id } }`,
      () => `{ me @skip(if: "yes") @nope { id } }`,
    ];
    const envelopes: (() => GraphQLCase)[] = [
      () => {
        const body = fuzz.pick(['{}', '{"query": 1}', '{"query": null}', '{"query": "{ me { id } }", "variables": "x"}', '{"query": "{ me { id } }", "variables": []}', '[]', '[{"query": "{ me { id } }"}]', '"string"', '{', '', `{"query": "{ me { id } }", "operationName": "Nope"}`, '{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}']);
        return { description: `body=${show(body)}`, init: post(body, fuzz.authorization()) };
      },
      () => {
        const contentType = fuzz.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/graphql', '']);
        return { description: `content-type=${show(contentType)}`, init: post(JSON.stringify({ query: '{ me { id } }' }), fuzz.authorization(), contentType) };
      },
      () => {
        const search = fuzz.pick(['?query=mutation%20%7B%20deletePost(id%3A%20%22x%22)%20%7D', '?query=%7B%20me%20%7B%20id%20%7D%20%7D&variables=notjson', '?query=', '?query=%00', '?query[]=1']);
        return { description: `GET ${search}`, init: { method: 'GET', headers: { 'apollo-require-preflight': 'true' } }, search };
      },
    ];
    const cases = Array.from({ length: MALFORMED_DOCUMENTS }, (): GraphQLCase => {
      if (fuzz.chance(0.2)) return fuzz.pick(envelopes)();
      const query = fuzz.pick(documents)();
      const authorization = fuzz.authorization();
      return { description: `auth=${authorization.label} query=${show(query)}`, init: post(JSON.stringify({ query, variables: {} }), authorization) };
    });
    await run(cases);
  });
});

test('after the fuzzing, every process still answers /health', async () => {
  for (const service of [stack.gateway, stack.auth, stack.users, stack.posts]) {
    const response = await fetch(`${service.url}/health`);
    expect(response.status).toBe(200);
  }
});
