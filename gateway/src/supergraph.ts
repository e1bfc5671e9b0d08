import { composeServices, type CompositionSuccess } from '@apollo/composition';
import { parse, type GraphQLSchema } from 'graphql';
import { readSubgraphSdl, SUBGRAPHS, type SubgraphName } from '@chirp/platform';

export interface Composition {
  supergraphSdl: string;
  /** Composition hints: things that compose but deserve a look; the test suite requires none. */
  hints: string[];
}

function compose(urls?: Record<SubgraphName, string>): CompositionSuccess {
  const result = composeServices(
    SUBGRAPHS.map((subgraph) => ({ name: subgraph.name, url: urls?.[subgraph.name], typeDefs: parse(readSubgraphSdl(subgraph)) })),
  );
  if (result.errors) {
    throw new Error(`The subgraph schemas do not compose:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  return result;
}

/**
 * Composes the supergraph from the SDL files in schema/, not by asking the
 * running subgraphs: a schema that does not compose stops the gateway at start.
 */
export function composeSupergraph(urls: Record<SubgraphName, string>): Composition {
  const { supergraphSdl, hints } = compose(urls);
  return { supergraphSdl, hints: hints.map((hint) => hint.toString()) };
}

/** The graph as clients see it (no join types, no federation directives): what the REST operations are typed against. */
export function publicApiSchema(): GraphQLSchema {
  return compose().schema.toAPISchema().toGraphQLJSSchema();
}
