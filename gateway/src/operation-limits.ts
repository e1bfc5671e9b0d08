import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  valueFromASTUntyped,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode } from '../../subgraphs/common/src/errors';
import { DEFAULT_PAGE_SIZE } from '../../subgraphs/common/src/pagination';

export interface OperationLimits {
  maxDepth: number;
  maxCost: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = { maxDepth: 10, maxCost: 25_000 };

interface Measure {
  depth: number;
  cost: number;
}

/**
 * Depth counts nested fields; cost counts every field once, and a field with
 * `first` (a page) multiplies what is below it by the page size, so that
 * `posts(first: 100) { edges { node { comments(first: 100) … } } }` costs what it
 * would fetch. Introspection fields (`__schema`, `__type`, `__typename`) are free:
 * Sandbox's own schema query is deep, and cheap.
 */
export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): Measure {
  const pageSize = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : DEFAULT_PAGE_SIZE);

  const measure = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>): Measure => {
    let depth = 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const first = selection.arguments?.find((argument) => argument.name.value === 'first');
        const multiplier = first ? pageSize(valueFromASTUntyped(first.value, variables)) : 1;
        const below = selection.selectionSet ? measure(selection.selectionSet, seen) : { depth: 0, cost: 0 };
        depth = Math.max(depth, below.depth + 1);
        cost += 1 + multiplier * below.cost;
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments[selection.name.value] : selection;
      const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
      if (!fragment || (name && seen.has(name))) continue;
      const inner = measure(fragment.selectionSet, name ? new Set([...seen, name]) : seen);
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
    }
    return { depth, cost };
  };

  return measure(operation.selectionSet, new Set());
}

function refused(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } });
}

/**
 * Refuses, before any subgraph is asked, what the gateway cannot or should not
 * plan: no operation to run (an unknown operationName, or several operations
 * and none named), a subscription (the graph has none), and operations deeper
 * or costlier than the limits. These are the client's mistakes: 400, not the
 * gateway's internal error.
 */
export function operationLimitsPlugin<TContext extends BaseContext>(limits: OperationLimits): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) {
            throw refused(
              request.operationName ? `No operation named "${request.operationName}"` : 'The document holds several operations: name one in operationName',
            );
          }
          if (operation.operation === 'subscription') throw refused('Subscriptions are not supported');
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          }
          const { depth, cost } = measureOperation(operation, fragments, request.variables ?? {});
          if (depth > limits.maxDepth) throw refused(`Query depth ${depth} exceeds the limit of ${limits.maxDepth}`);
          if (cost > limits.maxCost) throw refused(`Query cost ${cost} exceeds the limit of ${limits.maxCost}`);
        },
      };
    },
  };
}
