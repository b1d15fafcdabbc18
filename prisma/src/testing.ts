// Throwaway databases on a real PostgreSQL server, for tests.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

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
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40) || 'test';
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
