// The fixes wrapped around @prisma/adapter-pg (src/postgres-adapter.ts), on a real server. Each
// describe names the workaround; prisma/README.md says which upstream behaviour it replaces.
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlQueryable } from '@prisma/driver-adapter-utils';
import { openDatabase, type OpenedDatabase } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';
import { withSchemaEngine } from '../src/schema-engine.js';
import { isSessionAware, type SessionAwareAdapterFactory } from '../src/session.js';
import { applyMigrationDirectory, loadMigrationList } from '../src/migrations.js';
import { emptySchema, removeTemporaryFolders, writeMigrationFolder } from './support/migration-folders.js';
import { queryRows, queryValue } from './support/query.js';
import { expectFailedMigrationLeavesNothing } from './support/failing-migration.js';

afterAll(removeTemporaryFolders);

let testDb: TestDatabase;
let opened: OpenedDatabase;

beforeEach(async () => {
  testDb = await createTestDatabase('prisma_adapter');
  opened = await openDatabase({ kind: 'postgres', url: testDb.url });
});

afterEach(async () => {
  await opened.close();
  await testDb.drop();
});

function sessionFactory(): SessionAwareAdapterFactory {
  if (!isSessionAware(opened.adapterFactory)) throw new Error('the PostgreSQL factory hands the engine a session of its own');
  return opened.adapterFactory;
}

async function databaseExists(name: string): Promise<boolean> {
  const rows = await queryRows(opened, `SELECT 1 FROM pg_database WHERE datname = '${name}'`);
  return rows.length > 0;
}

const thingMigration = {
  '20200101000000_init': 'CREATE TABLE "thing" ("id" INTEGER NOT NULL, CONSTRAINT "thing_pkey" PRIMARY KEY ("id"));',
};

describe('scripts: sent whole as one simple query (adapter-pg splits them on ";")', () => {
  // The application's adapter and the engine's session both carry the fix.
  const adapters: [string, () => Promise<SqlDriverAdapter>][] = [
    ['application adapter', () => opened.adapterFactory.connect()],
    ["engine's session", () => sessionFactory().connectSession()],
  ];

  it.each(adapters)('runs a script with a $$ body as written (%s)', async (_name, connect) => {
    const adapter = await connect();
    try {
      await adapter.executeScript(
        'CREATE FUNCTION answer() RETURNS int AS $$ SELECT 41; SELECT 42; $$ LANGUAGE sql; CREATE TABLE t (v int DEFAULT answer());',
      );
    } finally {
      await adapter.dispose();
    }
    expect(await queryValue(opened, 'SELECT answer()')).toBe(42);
  });

  it.each(adapters)('applies nothing of a script whose later statement fails (%s)', async (_name, connect) => {
    const adapter = await connect();
    try {
      await expect(adapter.executeScript('CREATE TABLE first_half (id int); SELECT 1/0;')).rejects.toThrow(/division by zero/);
    } finally {
      await adapter.dispose();
    }
    expect(await queryValue(opened, "SELECT to_regclass('first_half') IS NULL")).toBe(true);
  });

  it('applies a migration whose function body holds semicolons', async () => {
    const dir = await writeMigrationFolder({
      '20200101000000_function':
        'CREATE FUNCTION answer() RETURNS int AS $$ SELECT 41; SELECT 42; $$ LANGUAGE sql;\nCREATE TABLE t (v int DEFAULT answer());',
    });
    expect(await applyMigrationDirectory(dir, emptySchema, opened)).toEqual(['20200101000000_function']);
    expect(await queryValue(opened, 'SELECT answer()')).toBe(42);
  });

  it('does not record a failing migration as finished, and keeps none of its statements', async () => {
    await expectFailedMigrationLeavesNothing(opened);
  });
});

describe('"char" columns (OID 18, all over pg_catalog): text for the engine only', () => {
  const relkind = { sql: "SELECT relkind FROM pg_class WHERE relname = 'pg_class'", args: [], argTypes: [] };

  it("are read as text on the schema engine's own connection and on its shadow database", async () => {
    const factory = sessionFactory();
    for (const adapter of [await factory.connectSession(), await factory.connectToShadowDb()]) {
      try {
        expect((await adapter.queryRaw(relkind)).rows).toEqual([['r']]);
      } finally {
        await adapter.dispose();
      }
    }
  });

  it('lets the engine introspect the main database through its session', async () => {
    await applyMigrationDirectory(await writeMigrationFolder(thingMigration), emptySchema, opened);
    const result = await withSchemaEngine(emptySchema, opened.adapterFactory, (engine) =>
      engine.introspect({
        schema: { files: [emptySchema] },
        baseDirectoryPath: '.',
        force: false,
        compositeTypeDepth: 0,
        namespaces: null,
      }),
    );
    expect(result.schema.files.map((file) => file.content).join('\n')).toMatch(/model thing \{/);
  });

  /** A query's rows, or the error as the engines receive it (DriverAdapterError's cause). */
  async function outcome(queryable: SqlQueryable): Promise<unknown> {
    try {
      return { rows: (await queryable.queryRaw(relkind)).rows };
    } catch (error) {
      return { error: error instanceof Error && 'cause' in error ? error.cause : String(error) };
    }
  }

  /** The same query on the pool, and inside a transaction (where Prisma Client's interactive transactions run). */
  async function outcomes(adapter: SqlDriverAdapter): Promise<unknown[]> {
    const pooled = await outcome(adapter);
    const transaction = await adapter.startTransaction();
    try {
      return [pooled, await outcome(transaction)];
    } finally {
      await transaction.rollback();
    }
  }

  it("are left to stock adapter-pg on the application's pool, in and out of transactions", async () => {
    const stockPool = new pg.Pool({ connectionString: testDb.url, max: 2 });
    // As on the application's pool: a connection the database ends while idle (the test database is
    // dropped WITH (FORCE) right after) must not surface as an unhandled 'error' event.
    stockPool.on('error', () => undefined);
    const stock = await new PrismaPg(stockPool).connect();
    const application = await opened.adapterFactory.connect();
    try {
      expect(await outcomes(application)).toEqual(await outcomes(stock));
    } finally {
      await application.dispose();
      await stock.dispose();
      await stockPool.end();
    }
  });
});

describe('shadow database: a fresh database, dropped after its pool has ended', () => {
  it('gives the shadow database a fresh database, not the main one, and drops it afterwards', async () => {
    const adapter = await opened.adapterFactory.connectToShadowDb();
    const shadowName = (await adapter.queryRaw({ sql: 'SELECT current_database()', args: [], argTypes: [] })).rows[0]?.[0];
    expect(typeof shadowName).toBe('string');
    expect(shadowName).not.toBe(new URL(testDb.url).pathname.slice(1));
    expect(await databaseExists(String(shadowName))).toBe(true);
    await adapter.dispose();
    expect(await databaseExists(String(shadowName))).toBe(false);
  });

  it('lets the engine diff migrations on a PostgreSQL shadow database and removes it', async () => {
    const before = await queryRows(opened, `SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_${process.pid}_%'`);
    const dir = await writeMigrationFolder(thingMigration);
    const schema = {
      path: 'thing.prisma',
      content: 'datasource db {\n  provider = "postgresql"\n}\nmodel Thing {\n  id Int @id\n  name String?\n  @@map("thing")\n}\n',
    };
    const migrationsList = await loadMigrationList(dir);
    const result = await withSchemaEngine(schema, opened.adapterFactory, (engine) =>
      engine.diff({
        from: { tag: 'migrations', ...migrationsList },
        to: { tag: 'schemaDatamodel', files: [schema] },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      }),
    );
    expect(result.stdout).toMatch(/ALTER TABLE "thing" ADD COLUMN\s+"name" TEXT/);
    // The main database was not touched by the replayed migration.
    expect(await queryValue(opened, "SELECT to_regclass('thing') IS NULL")).toBe(true);
    const after = await queryRows(opened, `SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_${process.pid}_%'`);
    expect(after).toEqual(before);
  });
});

it('creates unique test databases and drops them even with a connection still open', async () => {
  const [a, b] = await Promise.all([createTestDatabase('same'), createTestDatabase('same')]);
  expect(a.url).not.toBe(b.url);
  const client = new pg.Client({ connectionString: a.url });
  client.on('error', () => undefined); // the forced drop terminates it
  await client.connect();
  await Promise.all([a.drop(), b.drop()]);
  for (const url of [a.url, b.url]) {
    expect(await databaseExists(new URL(url).pathname.slice(1))).toBe(false);
  }
  await client.end().catch(() => undefined);
});

describe('pool statistics (for the connection-pool metrics)', () => {
  it('reports connections in use, idle, the queries waiting for one, and the maximum', async () => {
    const small = await openDatabase({ kind: 'postgres', url: testDb.url }, { poolSize: 2 });
    try {
      expect(small.poolStats()).toEqual({ total: 0, idle: 0, waiting: 0, max: 2, refused: 0 });
      const sleeping = Array.from({ length: 3 }, () => queryRows(small, 'SELECT 1 FROM pg_sleep(0.4)'));
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(small.poolStats()).toEqual({ total: 2, idle: 0, waiting: 1, max: 2, refused: 0 });
      await Promise.all(sleeping);
      expect(small.poolStats()).toMatchObject({ total: 2, idle: 2, waiting: 0 });
    } finally {
      await small.close();
    }
  });

  it('has none for embedded PGlite', async () => {
    const embedded = await openDatabase({ kind: 'embedded', dataDir: null });
    try {
      expect(embedded.poolStats()).toBeNull();
    } finally {
      await embedded.close();
    }
  });
});
