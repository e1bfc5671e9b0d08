import { describe, expect, test } from '@jest/globals';
import { SUBGRAPHS, subgraphEntry } from '@chirp/platform';
import { loadSubgraph } from '@chirp/test-kit';

describe('loading a subgraph from the registry', () => {
  test.each(SUBGRAPHS.map((entry) => [entry.name, entry] as const))(
    'when the %s entry is loaded, then its package gives the subgraph of that name, ready to configure and build',
    async (name, entry) => {
      const subgraph = await loadSubgraph(entry);
      expect(subgraph.name).toBe(name);
      expect([typeof subgraph.loadConfig, typeof subgraph.createModule, typeof subgraph.createContext]).toEqual(['function', 'function', 'function']);
    },
  );

  test('when an entry names a package that exports no subgraph, then loading fails and names the package', async () => {
    await expect(loadSubgraph({ ...subgraphEntry('auth'), package: '@chirp/platform' })).rejects.toThrow(
      '@chirp/platform must export the auth subgraph as `subgraph`',
    );
  });

  test('when an entry names the package of another subgraph, then loading fails', async () => {
    await expect(loadSubgraph({ ...subgraphEntry('auth'), package: subgraphEntry('posts').package })).rejects.toThrow(
      '@chirp/posts-subgraph must export the auth subgraph as `subgraph`',
    );
  });
});
