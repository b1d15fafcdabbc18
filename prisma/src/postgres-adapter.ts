// @prisma/adapter-pg, wrapped so the Wasm schema engine can use it safely (see prisma/README.md):
// the shadow database is a fresh temporary database, "char" columns are readable, scripts are atomic.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SessionAwareAdapterFactory } from './session.js';
import { delegatingAdapter, once } from './delegating-adapter.js';
import { rethrowAsDriverError } from './driver-error.js';
import type { PoolStats } from './open-database.js';

const CHAR_OID = 18;
const TEXT_OID = 25;

function isCallback(value: unknown): value is (error: unknown, result: unknown) => unknown {
  return typeof value === 'function';
}

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && 'then' in value && typeof value.then === 'function';
}

/** adapter-pg rejects OID 18 ("char", used throughout pg_catalog); its values are plain strings. */
function charColumnsAsText(result: unknown): unknown {
  const parts: unknown[] = Array.isArray(result) ? result : [result];
  for (const part of parts) {
    if (typeof part !== 'object' || part === null || !('fields' in part) || !Array.isArray(part.fields)) continue;
    for (const field of part.fields as unknown[]) {
      if (typeof field === 'object' && field !== null && 'dataTypeID' in field && field.dataTypeID === CHAR_OID) {
        field.dataTypeID = TEXT_OID;
      }
    }
  }
  return result;
}

/** Patches every pooled client, so pool queries and transactions are both covered. */
function reportCharAsText(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    const query = (...args: unknown[]): unknown => {
      const last = args.length - 1;
      const callback: unknown = args[last];
      if (isCallback(callback)) {
        args[last] = (error: unknown, result: unknown): unknown => callback(error, error ? result : charColumnsAsText(result));
        return original(...args);
      }
      const out = original(...args);
      return isThenable(out) ? out.then(charColumnsAsText) : out;
    };
    Object.assign(client, { query });
  });
}

/**
 * `forSchemaEngine`: the engine reads pg_catalog, whose "char" columns adapter-pg rejects, so its
 * session and shadow pools report them as text. The application's pool stays stock adapter-pg.
 */
function createPool(
  connectionString: string,
  max: number,
  { forSchemaEngine, connectionTimeoutMillis }: { forSchemaEngine: boolean; connectionTimeoutMillis?: number },
): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, ...(connectionTimeoutMillis ? { connectionTimeoutMillis } : {}) });
  // An idle client's error is reported again on its next use; unhandled it would crash the process.
  pool.on('error', () => undefined);
  if (forSchemaEngine) reportCharAsText(pool);
  return pool;
}

/** adapter-pg splits on ';' (breaking $$ bodies, half-applying failures); one simple query is atomic. */
async function runScript(pool: pg.Pool, script: string): Promise<void> {
  try {
    await pool.query(script);
  } catch (error) {
    rethrowAsDriverError(error);
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

class MigrationSafePgFactory implements SessionAwareAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  private readonly inner: PrismaPg;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
  ) {
    this.inner = new PrismaPg(pool);
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    return delegatingAdapter(adapter, { executeScript: (script) => runScript(this.pool, script) });
  }

  /**
   * One connection of its own, closed on dispose. The schema engine takes a session-level
   * advisory lock and never unlocks it (the Rust engine relies on closing its connection):
   * on the shared pool the lock would outlive the migration and block other instances.
   */
  async connectSession(): Promise<SqlDriverAdapter> {
    const sessionPool = createPool(this.url, 1, { forSchemaEngine: true });
    const adapter = await new PrismaPg(sessionPool).connect();
    return delegatingAdapter(adapter, {
      executeScript: (script) => runScript(sessionPool, script),
      dispose: once(() => sessionPool.end()),
    });
  }

  /** A throwaway database per call; dropped only after its own pool has ended. */
  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    // The pid lets an operator (and the tests) tell which process left a shadow behind.
    const name = `prisma_shadow_${process.pid}_${randomBytes(8).toString('hex')}`;
    await this.pool.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    const shadowPool = createPool(withDatabase(this.url, name), 2, { forSchemaEngine: true });
    const adapter = await new PrismaPg(shadowPool).connect();
    return delegatingAdapter(adapter, {
      executeScript: (script) => runScript(shadowPool, script),
      dispose: once(async () => {
        await shadowPool.end();
        await this.pool.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      }),
    });
  }
}

/** Code of the error a full pool's bounded queue refuses a query with (Prisma passes it on as `error.code`). */
export const DATABASE_BUSY = 'DATABASE_BUSY';

export class DatabaseBusyError extends Error {
  readonly code = DATABASE_BUSY;
  constructor(reason: string) {
    super(`database busy: ${reason}`);
    this.name = 'DatabaseBusyError';
  }
}

/** How many queries may wait for a connection, and for how long, once every connection is busy. */
export interface PoolQueue {
  maxQueued: number;
  maxWaitMs: number;
}

/**
 * The pool as a bulkhead: past its connections at most `maxQueued` queries wait, each at most
 * `maxWaitMs`; anything more is refused at once. A slow database then holds this pool's callers
 * only, and a burst gets a fast "busy" instead of a queue that outlives every client's deadline.
 * pg-pool's `query` checks out through `connect`, so bounding `connect` bounds both.
 */
function boundQueue(pool: pg.Pool, { maxQueued, maxWaitMs }: PoolQueue, onRefused: () => void): void {
  type Callback = (error: Error | undefined, client?: unknown, release?: unknown) => unknown;
  const connect = pool.connect.bind(pool) as (callback: Callback) => void;
  // pg-pool's own wait limit fails with a bare Error; it is the same "busy", said once.
  const busyWhenTimedOut = (error: Error): Error => {
    if (!error.message.startsWith('timeout exceeded when trying to connect')) return error;
    onRefused();
    return new DatabaseBusyError(`no connection free within ${maxWaitMs} ms`);
  };
  const bounded = (callback?: Callback): unknown => {
    if (pool.idleCount === 0 && pool.totalCount >= (pool.options.max ?? 10) && pool.waitingCount >= maxQueued) {
      onRefused();
      const error = new DatabaseBusyError(`${pool.waitingCount} queries already wait for a connection`);
      return callback ? callback(error) : Promise.reject(error);
    }
    if (callback) return connect((error, client, release) => callback(error ? busyWhenTimedOut(error) : error, client, release));
    return new Promise((resolve, reject) => connect((error, client) => (error ? reject(busyWhenTimedOut(error)) : resolve(client))));
  };
  Object.assign(pool, { connect: bounded });
}

export interface PostgresConnection {
  factory: SqlMigrationAwareDriverAdapterFactory;
  poolStats: () => PoolStats;
  close: () => Promise<void>;
}

export function connectPostgres(url: string, poolSize: number, queue?: PoolQueue): PostgresConnection {
  const pool = createPool(url, poolSize, { forSchemaEngine: false, ...(queue ? { connectionTimeoutMillis: queue.maxWaitMs } : {}) });
  let refused = 0;
  if (queue) boundQueue(pool, queue, () => (refused += 1));
  return {
    factory: new MigrationSafePgFactory(url, pool),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: poolSize, refused }),
    close: () => pool.end(),
  };
}
