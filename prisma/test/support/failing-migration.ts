// The same failing migration checked on both engines' adapters.
import type { OpenedDatabase } from '../../src/index.js';
import { applyMigrationDirectory } from '../../src/migrations.js';
import { emptySchema, writeMigrationFolder } from './migration-folders.js';
import { queryRows, queryValue } from './query.js';

/**
 * Applies a good migration then one that fails halfway; asserts the failure is reported, not
 * recorded as finished, and none of its statements kept. Returns the folder for further checks.
 */
export async function expectFailedMigrationLeavesNothing(opened: OpenedDatabase): Promise<string> {
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
  return dir;
}
