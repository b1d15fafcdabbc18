// Composes the supergraph from the subgraphs' SDL files at build time. A composition error exits
// non-zero and so fails the build: an incompatible subgraph change never reaches a gateway.
import { writeFile } from 'node:fs/promises';
import { composeSupergraph, readSubgraphs } from './supergraph.js';

try {
  await writeFile(new URL('../supergraph.graphql', import.meta.url), composeSupergraph(await readSubgraphs()));
  console.log('supergraph -> gateway/supergraph.graphql');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
