// The fix wrapped around pglite-prisma-adapter: scripts are awaited, so failures are seen.
import { openDatabase } from '../src/index.js';
import { applyMigrationDirectory } from '../src/migrations.js';
import { emptySchema, removeTemporaryFolders, writeMigrationFolder } from './support/migration-folders.js';
import { queryRows, queryValue } from './support/query.js';

afterAll(removeTemporaryFolders);

it('does not record a failing migration on PGlite as finished, nor keep its statements', async () => {
  const opened = await openDatabase({ kind: 'embedded', dataDir: null });
  try {
    const dir = await writeMigrationFolder({
      '20200101000000_ok': 'CREATE TABLE "ok" ("id" int);',
      '20200102000000_broken': 'CREATE TABLE "half" ("id" int);\nSELECT 1/0;',
    });
    await expect(applyMigrationDirectory(dir, emptySchema, opened)).rejects.toThrow(/division by zero/);
    expect(await queryRows(opened, 'SELECT migration_name, finished_at IS NOT NULL FROM _prisma_migrations ORDER BY 1')).toEqual([
      ['20200101000000_ok', true],
      ['20200102000000_broken', false],
    ]);
    expect(await queryValue(opened, "SELECT to_regclass('half') IS NULL")).toBe(true);
    // A later start-up refuses to continue past the failed migration instead of skipping it.
    await expect(applyMigrationDirectory(dir, emptySchema, opened)).rejects.toThrow(/failed/i);
  } finally {
    await opened.close();
  }
});
