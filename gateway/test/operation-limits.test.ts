import { describe, expect, test } from '@jest/globals';
import { Supergraph } from '@apollo/federation-internals';
import { Kind, parse, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_OPERATION_LIMITS } from '../src/operation-limits';
import { composeSupergraph } from '../src/supergraph';
import { fragmentsOf, measureOperation, measureOverLimits, rootFieldCounts, type Fragments } from '@chirp/platform';

const URLS = { auth: 'http://auth.test/graphql', users: 'http://users.test/graphql', posts: 'http://posts.test/graphql' };
const api: GraphQLSchema = Supergraph.build(composeSupergraph(URLS).supergraphSdl).apiSchema().toGraphQLJSSchema();

function parts(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return { operation, fragments: fragmentsOf(document) };
}

function measure(source: string, variables: Record<string, unknown> = {}) {
  const { operation, fragments } = parts(source);
  return measureOperation(api, operation, fragments, variables);
}

function depthAndCost(source: string, variables: Record<string, unknown> = {}) {
  const { depth, cost } = measure(source, variables);
  return { depth, cost };
}

/**
 * Fragments F0…F(levels-1) on `type`, each spreading the next twice; the last
 * selects `leaf`. Written out, that is 2^(levels-1) leaves.
 */
function fragmentBomb(levels: number, type: string, leaf: string): string {
  const fragments = Array.from({ length: levels }, (_, level) =>
    level === levels - 1 ? `fragment F${level} on ${type} { ${leaf} }` : `fragment F${level} on ${type} { ...F${level + 1} ...F${level + 1} }`,
  );
  return fragments.join('\n');
}

/** The fragments of `source`, each counting how often its selections are read. */
function countingReads(fragments: Fragments): { fragments: Fragments; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const counted = new Map<string, FragmentDefinitionNode>();
  for (const [name, fragment] of fragments) {
    reads.set(name, 0);
    counted.set(name, {
      ...fragment,
      get selectionSet() {
        reads.set(name, reads.get(name)! + 1);
        return fragment.selectionSet;
      },
    });
  }
  return { fragments: counted, reads };
}

describe('measureOperation', () => {
  test('when fields nest, then depth is the longest chain and cost counts each field', () => {
    expect(depthAndCost('{ me { id username } }')).toEqual({ depth: 2, cost: 3 });
  });

  test('when a field takes first, then what is below it costs first times over', () => {
    expect(depthAndCost('{ me { feed(first: 50) { edges { node { id } } } } }')).toEqual({ depth: 5, cost: 1 + 1 + 50 * 3 });
  });

  test('when first comes from a variable or is left out, then the variable or the default page size counts', () => {
    const query = 'query ($n: Int) { me { posts(first: $n) { edges { node { id } } } } }';
    expect(measure(query, { n: 100 }).cost).toBe(2 + 100 * 3);
    expect(measure(query).cost).toBe(2 + 20 * 3);
  });

  test('when pages nest, then their sizes multiply', () => {
    const query = '{ me { posts(first: 100) { edges { node { comments(first: 100) { edges { node { id } } } } } } } }';
    expect(measure(query).cost).toBe(2 + 100 * (1 + 1 + 1 + 100 * 3));
  });

  test('when fragments and inline fragments are used, then they count as if written out', () => {
    const withFragment = measure('{ me { ...F } } fragment F on User { id feed { edges { node { id } } } }');
    const writtenOut = measure('{ me { id feed { edges { node { id } } } } }');
    expect(withFragment).toEqual(writtenOut);
    expect(measure('{ me { ... on User { id } } }')).toEqual(measure('{ me { id } }'));
  });

  test('when the query is introspection, then it is free in depth and cost but its fields are counted', () => {
    expect(measure('{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }')).toEqual({
      depth: 0,
      cost: 0,
      selections: 8,
    });
  });

  test('when a page argument is left out, then the schema default page size (20) multiplies what is below it', () => {
    expect(measure('{ me { followers { edges { node { id } } } } }').cost).toBe(1 + 1 + 20 * 3);
  });

  test('when a page size comes from a variable left unsent, then the operation’s default for that variable counts', () => {
    const query = `query ($n: Int = 100) {
      user(id: "0123456789abcdef01234567") { followers(first: $n) { edges { node { followers(first: $n) { edges { node { id } } } } } } }
    }`;
    const inner = 1 + 100 * 3;
    const cost = 1 + 1 + 100 * (1 + 1 + inner);
    expect(measure(query).cost).toBe(cost);
    expect(measureOverLimits(measure(query), DEFAULT_OPERATION_LIMITS)).toBe(`Query cost ${cost} exceeds the limit of 25000`);
    expect(measure(query, { n: 5 }).cost).toBe(1 + 1 + 5 * (1 + 1 + (1 + 5 * 3)));
  });

  test.each([
    ['above the largest page', { n: 1000 }],
    ['zero', { n: 0 }],
    ['negative', { n: -3 }],
    ['a string, which does not coerce to Int', { n: 'ten' }],
  ])('when a page size is %s, then it counts as the largest page (100)', (_label, variables) => {
    expect(measure('query ($n: Int) { me { posts(first: $n) { edges { node { id } } } } }', variables).cost).toBe(2 + 100 * 3);
  });

  test('when first is an explicit null, then it counts as the default page the resolver uses', () => {
    expect(measure('{ me { posts(first: null) { edges { node { id } } } } }').cost).toBe(2 + 20 * 3);
  });

  test('when fragments spread the next one twice over 31 levels, then 2^30 fields are counted without writing them out, and refused', () => {
    const bomb = `query { me { ...F0 } }\n${fragmentBomb(31, 'User', '__typename')}`;
    const measured = measure(bomb);
    expect(measured).toEqual({ depth: 1, cost: 1, selections: 1 + 2 ** 30 });
    expect(measureOverLimits(measured, DEFAULT_OPERATION_LIMITS)).toBe(
      `Query selects ${1 + 2 ** 30} fields with its fragments written out, over the limit of 1000`,
    );
    const costly = measure(`query { me { ...F0 } }\n${fragmentBomb(31, 'User', 'id')}`);
    expect(costly).toEqual({ depth: 2, cost: 1 + 2 ** 30, selections: 1 + 2 ** 30 });
  });

  test('when fragments are reused at many levels, then each fragment’s selections are read once', () => {
    const { operation, fragments } = parts(`query { me { ...F0 followers { edges { node { ...F3 } } } } }\n${fragmentBomb(40, 'User', 'id')}`);
    const { fragments: counting, reads } = countingReads(fragments);
    expect(measureOperation(api, operation, counting, {}).selections).toBe(1 + 2 ** 39 + 3 + 2 ** 36);
    expect([...reads.values()]).toEqual(Array.from({ length: 40 }, () => 1));
  });
});

describe('rootFieldCounts', () => {
  const count = (source: string) => {
    const { operation, fragments } = parts(source);
    return rootFieldCounts(operation, fragments);
  };

  test('when root fields sit in fragments, inline fragments and under aliases, then each is counted as written out', () => {
    const mutation = `mutation ($input: LoginInput!) {
      a: login(input: $input) { token }
      ... on Mutation { b: login(input: $input) { token } ... on Mutation { register(input: { username: "u", password: "p", name: "n", email: "e" }) { token } } }
      ...Twice
    }
    fragment Twice on Mutation { ...Once ...Once }
    fragment Once on Mutation { login(input: $input) { token } createPost(input: { content: "x" }) { id } }`;
    expect(count(mutation)).toEqual(
      new Map([
        ['login', 4],
        ['register', 1],
        ['createPost', 2],
      ]),
    );
  });

  test('when the root spreads a fragment bomb of logins, then the logins are counted arithmetically, each fragment read once', () => {
    const { operation, fragments } = parts(`mutation { ...F0 }\n${fragmentBomb(40, 'Mutation', 'login(input: { username: "u", password: "p" }) { token }')}`);
    const { fragments: counting, reads } = countingReads(fragments);
    expect(rootFieldCounts(operation, counting)).toEqual(new Map([['login', 2 ** 39]]));
    expect([...reads.values()]).toEqual(Array.from({ length: 40 }, () => 1));
  });

  test('when a query aliases one look-up many times, then each alias is a root field of its own', () => {
    const aliases = Array.from({ length: 11 }, (_, index) => `u${index}: user(id: "0123456789abcdef01234567") { id }`).join(' ');
    expect(count(`{ ${aliases} me { id } }`)).toEqual(
      new Map([
        ['user', 11],
        ['me', 1],
      ]),
    );
  });
});
