// Composes the supergraph and the client-facing API schema from the subgraphs' SDL files at build
// time. A composition error exits non-zero and so fails the build: an incompatible subgraph change
// never reaches a gateway.
//
// Both files are committed. Locally they are rewritten; in CI (CI=true, or --check) a file that
// differs from a fresh composition fails instead, because a stale committed schema would mislead
// every client team generating code from it.
import { composeSchemas, readSubgraphs } from './supergraph.js';
import { SCHEMA_FILES, staleSchemaFiles, writeSchemaFiles } from './schema-files.js';

const checkOnly = process.argv.includes('--check') || ['true', '1'].includes(process.env['CI'] ?? '');

try {
  const composed = composeSchemas(await readSubgraphs());
  const stale = await staleSchemaFiles(composed);
  if (checkOnly && stale.length > 0) {
    console.error(`stale: ${stale.join(', ')} differ from the subgraphs' composition.\nRun \`npm run generate\` and commit the result.`);
    process.exit(1);
  }
  if (!checkOnly) await writeSchemaFiles(composed);
  const paths = Object.values(SCHEMA_FILES)
    .map((file) => file.path)
    .join(', ');
  console.log(checkOnly ? `up to date: ${paths}` : `composed -> ${paths}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
