// Fails when the API schema composed from the subgraphs' SDL would break existing clients,
// compared with the committed gateway/api-schema.graphql.
//
//   tsx scripts/check-breaking-changes.ts                 # against the last commit (HEAD)
//   SCHEMA_BASE_REF=origin/main tsx scripts/...           # against a branch, e.g. in a PR pipeline
//   tsx scripts/check-breaking-changes.ts --against FILE  # against any SDL file
//
// A deliberate breaking change passes once its api-schema.graphql is committed (and announced to
// the client teams): the check guards the step from "edited" to "committed".
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compareApiSchemas } from './breaking-changes.js';
import { SCHEMA_FILES } from './schema-files.js';
import { composeSchemas, readSubgraphs } from './supergraph.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

async function baseline(): Promise<{ sdl: string; from: string } | null> {
  const against = process.argv.indexOf('--against');
  if (against !== -1) {
    const path = process.argv[against + 1];
    if (!path) throw new Error('--against needs a file');
    return { sdl: await readFile(path, 'utf8'), from: path };
  }
  const ref = process.env['SCHEMA_BASE_REF'] || 'HEAD';
  const spec = `${ref}:${SCHEMA_FILES.apiSdl.path}`;
  try {
    // Read-only: prints the committed file, changes nothing.
    return {
      sdl: execFileSync('git', ['show', spec], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
      from: spec,
    };
  } catch {
    return null; // Not a git checkout, or the file is not committed yet: nothing to break.
  }
}

try {
  const base = await baseline();
  if (!base) {
    console.log(`no committed ${SCHEMA_FILES.apiSdl.path} to compare with; nothing to check`);
    process.exit(0);
  }
  const { apiSdl } = composeSchemas(await readSubgraphs());
  const report = await compareApiSchemas(base.sdl, apiSdl);
  for (const message of report.dangerous) console.warn(`dangerous: ${message}`);
  if (report.breaking.length > 0) {
    console.error(
      `${report.breaking.length} breaking API change(s) against ${base.from}:\n${report.breaking.map((m) => `  - ${m}`).join('\n')}`,
    );
    process.exit(1);
  }
  console.log(`no breaking API changes against ${base.from} (${report.safe.length} safe, ${report.dangerous.length} dangerous)`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
