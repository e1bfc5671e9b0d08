import { describe, expect, test } from '@jest/globals';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { measureOperation } from '../../gateway/src/operation-limits';

function measure(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  return measureOperation(operation, fragments, variables);
}

describe('measureOperation', () => {
  test('when fields nest, then depth is the longest chain and cost counts each field', () => {
    expect(measure('{ me { id username } }')).toEqual({ depth: 2, cost: 3 });
  });

  test('when a field takes first, then what is below it costs first times over', () => {
    expect(measure('{ me { feed(first: 50) { edges { node { id } } } } }')).toEqual({ depth: 5, cost: 1 + 1 + 50 * 3 });
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

  test('when the query is introspection, then it is free', () => {
    expect(measure('{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }')).toEqual({ depth: 0, cost: 0 });
  });
});
