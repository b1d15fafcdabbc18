// Throwaway databases on a real PostgreSQL server, for tests.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type OpenedDatabase } from './open-database.js';
import { applyMigrations } from './migrations.js';
import type { DatabaseName } from './databases.js';

export const defaultTestPostgresUrl = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  /** Drops the database WITH (FORCE), ending any connection still open to it. */
  drop(): Promise<void>;
}

async function runOnServer(baseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates a database named `<prefix>_<random>` on the server of TEST_POSTGRES_URL:
 * the random suffix keeps parallel jest workers apart.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const baseUrl = process.env['TEST_POSTGRES_URL'] ?? defaultTestPostgresUrl;
  const safePrefix =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .slice(0, 40) || 'test';
  const name = `${safePrefix}_${randomBytes(8).toString('hex')}`;
  await runOnServer(baseUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop: () => (dropped ??= runOnServer(baseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

/** A Prisma client created with `log: [{ emit: 'event', level: 'query' }]`. */
export interface QueryLoggingClient {
  $on(event: 'query', callback: (event: { query: string }) => void): void;
  $disconnect(): Promise<void>;
}

export interface MigratedTestDatabase<Client> {
  client: Client;
  /** The throwaway PostgreSQL database's URL (e.g. for a proxy in front of it); null when embedded. */
  url: string | null;
  /** Every SQL statement the client sent; tests reset it with `statements.length = 0`. */
  statements: string[];
  /** The pool's occupancy (null when embedded). */
  poolStats: OpenedDatabase['poolStats'];
  close: () => Promise<void>;
}

/**
 * One of the services' databases, migrated and empty: a throwaway database on the real
 * PostgreSQL, or an in-memory embedded one. Counts statements so tests can assert batching.
 */
export async function openMigratedTestDatabase<Client extends QueryLoggingClient>(
  name: DatabaseName,
  kind: 'postgres' | 'embedded',
  createClient: (database: OpenedDatabase) => Client,
  { poolSize = 20 }: { poolSize?: number } = {},
): Promise<MigratedTestDatabase<Client>> {
  const throwaway = kind === 'postgres' ? await createTestDatabase(`test_${name.replace('-', '_')}`) : null;
  const target = throwaway ? ({ kind: 'postgres', url: throwaway.url } as const) : ({ kind: 'embedded', dataDir: null } as const);
  const database = await openDatabase(target, { poolSize });
  await applyMigrations(name, database);
  const client = createClient(database);
  const statements: string[] = [];
  client.$on('query', (event) => statements.push(event.query));
  return {
    client,
    url: throwaway?.url ?? null,
    statements,
    poolStats: () => database.poolStats(),
    close: async () => {
      await client.$disconnect();
      await database.close();
      await throwaway?.drop();
    },
  };
}
