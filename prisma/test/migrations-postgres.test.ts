// Migrations and generated clients on a real PostgreSQL server (one throwaway database per case).
import { applyMigrations, databaseNames, openDatabase, type OpenedDatabase } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';
import { migrationNames } from './support/migration-folders.js';
import { queryRows, queryValue } from './support/query.js';
import { smokeMembers, smokeNicknameHistory } from './support/smoke.js';

let testDb: TestDatabase;
let opened: OpenedDatabase;

beforeEach(async () => {
  testDb = await createTestDatabase('prisma_migrations');
  opened = await openDatabase({ kind: 'postgres', url: testDb.url }, { poolSize: 3 });
});

afterEach(async () => {
  await opened.close();
  await testDb.drop();
});

describe.each(databaseNames)('%s on PostgreSQL', (database) => {
  it('applies every migration once, records it, and applies nothing the second time', async () => {
    const expected = await migrationNames(database);
    expect(expected.length).toBeGreaterThan(0);

    expect(await applyMigrations(database, opened)).toEqual(expected);
    expect(await applyMigrations(database, opened)).toEqual([]);

    const recorded = await queryRows(
      opened,
      'SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NULL FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(recorded).toEqual(expected.map((name) => [name, true, true]));
  });

  it('leaves no advisory lock behind (the engine never unlocks; its own connection is closed)', async () => {
    await applyMigrations(database, opened);
    // The engine's connection is closed when applyMigrations returns, but its server process
    // exits (and releases the lock) a moment later: wait for that, bounded.
    const advisoryLocks = () =>
      queryValue(
        opened,
        "SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      );
    const deadline = Date.now() + 5_000;
    let locks = await advisoryLocks();
    while (locks !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      locks = await advisoryLocks();
    }
    expect(locks).toBe(0);
  });
});

it('serves the generated members client', async () => {
  await applyMigrations('members', opened);
  await smokeMembers(opened);
});

it('serves the generated nickname-history client', async () => {
  await applyMigrations('nickname-history', opened);
  await smokeNicknameHistory(opened);
});
