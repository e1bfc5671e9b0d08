import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { refusedOperation, fragmentsOf, measureOperation, measureOverLimits, type MeasureLimits } from '@chirp/platform';

/**
 * A subgraph's own limits, so that one reached directly cannot run what the
 * gateway would refuse (`post { comments { edges { node { post { comments … }
 * } } } }` without end). The queries the gateway plans stay within the
 * client's measure: `_entities(representations: …) { ... on User { … } }`
 * stands in for the path down to the entity, and the key fields `__typename
 * id` for what another subgraph resolves. Over the integration suite the
 * deepest query a subgraph received from the gateway was 10 deep (the
 * gateway's limit), and the costliest 20,802 (for a client operation of
 * 24,902). These limits are twice the gateway's cost and selections and two
 * levels deeper, so that no plan of an admitted operation is refused here.
 * A subgraph cannot count the representations it is sent; the gateway's cost
 * bounds them.
 */
export const SUBGRAPH_OPERATION_LIMITS: MeasureLimits = { maxDepth: 12, maxCost: 50_000, maxSelections: 2_000 };

/**
 * Parser tokens a subgraph reads in one document, so that parsing and
 * validation are bounded before any limit above can run. The gateway admits
 * 2,000 client tokens, and its plans restate a client's selections with key
 * fields and type conditions (representations travel as variables): five
 * times the client's bound leaves room for those.
 */
export const SUBGRAPH_MAX_TOKENS = 10_000;

export function subgraphLimitsPlugin<TContext extends BaseContext>(
  limits: MeasureLimits = SUBGRAPH_OPERATION_LIMITS,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          // Without an operation Apollo Server refuses the request itself.
          if (!operation) return;
          const over = measureOverLimits(measureOperation(schema, operation, fragmentsOf(document), request.variables ?? {}), limits);
          if (over) throw refusedOperation(over);
        },
      };
    },
  };
}
