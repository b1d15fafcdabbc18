// A new embedded database starts from a copy of an empty cluster made at build time, instead of
// running PostgreSQL's initdb inside WebAssembly: about 0.7 s instead of 2 to 5 s on first start.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/** Written by scripts/build-pglite-template.mjs with the installed PGlite (a rebuild follows any upgrade). */
export const PGLITE_TEMPLATE_PATH = fileURLToPath(new URL('../dist/pglite-template.tar.gz', import.meta.url));

/**
 * Opens PGlite in `dataDir` (null: in memory). A folder that holds no cluster yet is filled from
 * the template; without a built template (running from source) PGlite runs initdb as usual.
 */
export async function createPGlite(dataDir: string | null): Promise<PGlite> {
  const isNew = dataDir === null || !existsSync(join(dataDir, 'PG_VERSION'));
  const template = isNew ? await readFile(PGLITE_TEMPLATE_PATH).catch(() => null) : null;
  const options = template ? { loadDataDir: new Blob([template]) } : {};
  return dataDir === null ? PGlite.create(options) : PGlite.create(dataDir, options);
}
