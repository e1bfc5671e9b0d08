import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readSubgraphSdl } from '@chirp/platform';

export const SUBGRAPH_NAMES = ['auth', 'users', 'posts'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export interface Composition {
  supergraphSdl: string;
  /** Composition hints: things that compose but deserve a look; the test suite requires none. */
  hints: string[];
}

/**
 * Composes the supergraph from the SDL files in schema/, not by asking the
 * running subgraphs: a schema that does not compose stops the gateway at start.
 */
export function composeSupergraph(urls: Record<SubgraphName, string>): Composition {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({ name, url: urls[name], typeDefs: parse(readSubgraphSdl(name)) })),
  );
  if (result.errors) {
    throw new Error(`The subgraph schemas do not compose:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((hint) => hint.toString()) };
}
