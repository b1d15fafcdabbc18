// The upstream behaviours src/ works around, asserted on the stock packages. Each case passes while
// the bug is there; when an upgrade makes one fail, that release fixed it: delete the workaround the
// case names (and its entry in prisma/README.md) instead of "fixing" the case.
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { createPGlite } from '../src/pglite-template.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';
import { withSchemaEngine } from '../src/schema-engine.js';
import { loadMigrationList } from '../src/migrations.js';
import { emptySchema, removeTemporaryFolders, writeMigrationFolder } from './support/migration-folders.js';

afterAll(removeTemporaryFolders);

function sql(text: string) {
  return { sql: text, args: [], argTypes: [] };
}

describe('@prisma/adapter-pg', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeEach(async () => {
    db = await createTestDatabase('prisma_upstream');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
  });

  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  it('connectToShadowDb() on a connection-string pool connects to the main database (connectToShadowDb: fresh database)', async () => {
    const shadow = await new PrismaPg(pool).connectToShadowDb();
    try {
      expect((await shadow.queryRaw(sql('SELECT current_database()'))).rows).toEqual([[new URL(db.url).pathname.slice(1)]]);
    } finally {
      await shadow.dispose();
    }
  });

  it("drops the shadow database while the shadow's pool still holds a connection (connectToShadowDb: dispose order)", async () => {
    // Without a connection string the database name is honoured, which exposes the clean-up order.
    const url = new URL(db.url);
    const configPool = new pg.Pool({
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password) || undefined,
      database: url.pathname.slice(1),
      max: 1,
    });
    const shadow = await new PrismaPg(configPool).connectToShadowDb();
    const name = String((await shadow.queryRaw(sql('SELECT current_database()'))).rows[0]?.[0]);
    try {
      expect(name).toMatch(/^prisma_migrate_shadow_db_/);
      await expect(shadow.dispose()).rejects.toThrow(/is being accessed by other users/);
    } finally {
      await shadow.underlyingDriver().end();
      await configPool.end();
      await pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it('rejects "char" columns (OID 18) (createPool forSchemaEngine / reportCharAsText)', async () => {
    const adapter = await new PrismaPg(pool).connect();
    await expect(adapter.queryRaw(sql("SELECT relkind FROM pg_class WHERE relname = 'pg_class'"))).rejects.toMatchObject({
      cause: { kind: 'UnsupportedNativeDataType', type: 'char' },
    });
  });

  it('splits scripts on ";": a $$ body breaks and a failing script is half-applied (runScript)', async () => {
    const adapter = await new PrismaPg(pool).connect();
    await expect(
      adapter.executeScript('CREATE FUNCTION answer() RETURNS int AS $$ SELECT 41; SELECT 42; $$ LANGUAGE sql;'),
    ).rejects.toThrow();
    await expect(adapter.executeScript('CREATE TABLE first_half (id int); SELECT 1/0;')).rejects.toThrow();
    expect((await pool.query("SELECT to_regclass('first_half') IS NOT NULL AS kept")).rows).toEqual([{ kept: true }]);
  });

  it('leaves the schema engine holding its advisory lock after a migration (connectSession)', async () => {
    const onePool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const migrationsList = await loadMigrationList(await writeMigrationFolder({ '20200101000000_ok': 'CREATE TABLE "ok" ("id" int);' }));
      await withSchemaEngine(emptySchema, new PrismaPg(onePool), (engine) =>
        engine.applyMigrations({ migrationsList, filters: { externalTables: [], externalEnums: [] } }),
      );
      // The pool's only connection is the engine's: the lock is still on it.
      const locks = await onePool.query(
        "SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
      );
      expect(locks.rows).toEqual([{ held: 1 }]);
    } finally {
      await onePool.end();
    }
  });
});

describe('pglite-prisma-adapter', () => {
  let db: PGlite;

  beforeEach(async () => {
    db = await createPGlite(null);
  });

  afterEach(async () => {
    await db.close();
  });

  it('does not await executeScript: it resolves while the script fails (runScript)', async () => {
    let sent: Promise<unknown> | undefined;
    const exec = db.exec.bind(db);
    Object.assign(db, {
      exec: (...args: Parameters<PGlite['exec']>) => {
        const result = exec(...args);
        result.catch(() => undefined); // the adapter drops it; keep the failure from going unhandled
        sent = result;
        return result;
      },
    });
    const adapter = await new PrismaPGlite(db).connect();
    await expect(adapter.executeScript('SELECT 1/0')).resolves.toBeUndefined();
    await expect(sent).rejects.toThrow(/division by zero/);
  });

  it('never closes a shadow database (connectToShadowDb)', async () => {
    const shadow = await new PrismaPGlite(db).connectToShadowDb();
    try {
      await shadow.dispose();
      expect((await shadow.queryRaw(sql('SELECT 1'))).rows).toEqual([[1]]);
    } finally {
      await (shadow as unknown as { client: PGlite }).client.close();
    }
  });
});
