import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import {
  PASSWORD_CHECKS,
  refusedOperation,
  fragmentsOf,
  measureOperation,
  measureOverLimits,
  rootFieldCounts,
  type MeasureLimits,
} from '@chirp/platform';

export interface OperationLimits extends MeasureLimits {
  /** Parser tokens in a document: bounds the work of parsing and validating, which run before any other limit. */
  maxTokens: number;
  /** Root fields, aliases and fragments counted apart. */
  maxRootFields: { query: number; mutation: number };
  /** Fields that take a password (login, register, changePassword, deleteAccount) in one operation: one password tried per operation. */
  maxSignIns: number;
  /** Subgraph requests one operation's query plan makes. */
  maxFetches: number;
}

/**
 * Each bounds a way to make the gateway or the subgraphs work without end, well
 * above what the API's own clients send:
 * - depth 10 and cost 25,000 (see OperationMeasure): nested pages;
 * - 1,000 selections with fragments written out: fragments spread twice at each
 *   of many levels (the introspection query selects about 230);
 * - 2,000 parser tokens, which bound parsing and validation (they run before
 *   any other limit): the operations of the REST routes and the tests have
 *   under 100, the introspection query about 185;
 * - 10 root fields in a query and 5 in a mutation: aliases (`a1: createPost …
 *   a300: createPost …`) would otherwise repeat a write or a look-up per alias;
 * - one field that takes a password per operation (login, register,
 *   changePassword, deleteAccount), so aliases cannot try several passwords
 *   under one count of the login rate limit;
 * - 25 subgraph fetches per query plan (see `refuseCostlyPlans`).
 */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDepth: 10,
  maxCost: 25_000,
  maxSelections: 1_000,
  maxTokens: 2_000,
  maxRootFields: { query: 10, mutation: 5 },
  maxSignIns: 1,
  maxFetches: 25,
};

/**
 * Refuses, before any subgraph is asked, what the gateway cannot or should not
 * plan: no operation to run (an unknown operationName, or several operations
 * and none named), a subscription (the graph has none), and operations over
 * the limits. These are the client's mistakes: 400 BAD_USER_INPUT, not the
 * gateway's internal error.
 */
export function operationLimitsPlugin<TContext extends BaseContext>(limits: OperationLimits): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) {
            throw refusedOperation(
              request.operationName ? `No operation named "${request.operationName}"` : 'The document holds several operations: name one in operationName',
            );
          }
          if (operation.operation === 'subscription') throw refusedOperation('Subscriptions are not supported');
          const fragments = fragmentsOf(document);
          const over = measureOverLimits(measureOperation(schema, operation, fragments, request.variables ?? {}), limits);
          if (over) throw refusedOperation(over);

          const rootFields = rootFieldCounts(operation, fragments);
          const total = [...rootFields.values()].reduce((sum, times) => sum + times, 0);
          const kind = operation.operation === 'mutation' ? 'mutation' : 'query';
          if (total > limits.maxRootFields[kind]) {
            throw refusedOperation(`${kind === 'mutation' ? 'Mutation' : 'Query'} has ${total} root fields, over the limit of ${limits.maxRootFields[kind]}`);
          }
          const signIns = [...PASSWORD_CHECKS, 'register'].reduce((sum, name) => sum + (rootFields.get(name) ?? 0), 0);
          if (signIns > limits.maxSignIns) {
            throw refusedOperation(
              `Operation has ${signIns} fields that take a password (login, register, changePassword, deleteAccount), over the limit of ${limits.maxSignIns}`,
            );
          }
        },
      };
    },
  };
}

type QueryPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0]['queryPlan'];
type PlanNode = NonNullable<QueryPlan['node']>;

/** The subgraph requests a plan makes: each Fetch node is one, whatever the number of entities it carries. */
export function countFetches(node: PlanNode | undefined): number {
  if (!node) return 0;
  switch (node.kind) {
    case 'Fetch':
      return 1;
    case 'Flatten':
      return countFetches(node.node);
    case 'Sequence':
    case 'Parallel':
      return node.nodes.reduce((sum, child) => sum + countFetches(child), 0);
    case 'Condition':
      return countFetches(node.ifClause) + countFetches(node.elseClause);
    case 'Defer':
      return countFetches(node.primary.node) + node.deferred.reduce((sum, deferred) => sum + countFetches(deferred.node), 0);
    case 'Subscription':
      return 1 + countFetches(node.rest);
  }
}

/**
 * Aliased entity look-ups cost the fetches they cause. The cost model cannot
 * see them: `a: user(id: …) { posts { … } } b: user(id: …) { posts { … } }`
 * costs what it fetches from the databases, but each alias becomes a subgraph
 * request of its own in the query plan (one per path), and only the plan knows
 * which fields cross to another subgraph. So the gateway counts the plan's
 * fetches once it is made (the planner caches it per document) and refuses a
 * plan over the limit before any fetch is sent. An error thrown here leaves
 * ApolloGateway's executor as it is, and Apollo Server answers it with the
 * error's own HTTP status: 400 BAD_USER_INPUT. The richest query the API's
 * clients send, the home feed with its authors and comments, plans 7 fetches;
 * ten profiles looked up by alias, each with counts and posts, plan 21.
 */
export function refuseCostlyPlans(limits: Pick<OperationLimits, 'maxFetches'>): Experimental_DidResolveQueryPlanCallback {
  return ({ queryPlan }) => {
    const fetches = countFetches(queryPlan.node);
    if (fetches > limits.maxFetches) {
      throw refusedOperation(`Query plan makes ${fetches} subgraph fetches, over the limit of ${limits.maxFetches}`);
    }
  };
}
