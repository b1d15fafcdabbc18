// The fixes wrapped around pglite-prisma-adapter (src/pglite-adapter.ts): scripts are awaited, so
// failures are seen, and each shadow database is a fresh PGlite closed with its adapter.
import { openDatabase } from '../src/index.js';
import { applyMigrationDirectory } from '../src/migrations.js';
import { emptySchema, removeTemporaryFolders } from './support/migration-folders.js';
import { expectFailedMigrationLeavesNothing } from './support/failing-migration.js';

afterAll(removeTemporaryFolders);

it('does not record a failing migration on PGlite as finished, nor keep its statements', async () => {
  const opened = await openDatabase({ kind: 'embedded', dataDir: null });
  try {
    const dir = await expectFailedMigrationLeavesNothing(opened);
    // A later start-up refuses to continue past the failed migration instead of skipping it.
    await expect(applyMigrationDirectory(dir, emptySchema, opened)).rejects.toThrow(/failed/i);
  } finally {
    await opened.close();
  }
});

it('gives the engine a separate shadow database and closes it with its adapter', async () => {
  const opened = await openDatabase({ kind: 'embedded', dataDir: null });
  try {
    const main = await opened.adapterFactory.connect();
    await main.executeScript('CREATE TABLE only_in_main (id int);');
    const shadow = await opened.adapterFactory.connectToShadowDb();
    const probe = { sql: "SELECT to_regclass('only_in_main') IS NULL", args: [], argTypes: [] };
    expect((await shadow.queryRaw(probe)).rows).toEqual([[true]]);
    await shadow.dispose();
    // Stock pglite-prisma-adapter leaves every shadow PGlite (~40 MB) open for the life of the process.
    await expect(shadow.queryRaw(probe)).rejects.toThrow(/closed/);
    expect((await main.queryRaw(probe)).rows).toEqual([[false]]);
  } finally {
    await opened.close();
  }
});
