// Opens a database target and hands out one adapter factory for both the Prisma client and the migrator.
import { mkdir } from 'node:fs/promises';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { once } from './delegating-adapter.js';
import { PGliteAdapterFactory } from './pglite-adapter.js';
import { createPGlite } from './pglite-template.js';
import { connectPostgres, type PoolQueue } from './postgres-adapter.js';

export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  /** `dataDir: null` keeps the database in memory. */
  | { kind: 'embedded'; dataDir: string | null };

export interface OpenDatabaseOptions {
  /** Maximum connections of the PostgreSQL pool (ignored for embedded). Default 10. */
  poolSize?: number;
  /** Bounds the queries waiting for a busy pool (DatabaseBusyError past it); unbounded when omitted. */
  queue?: PoolQueue;
}

/** A connection pool's occupancy now. */
export interface PoolStats {
  /** Connections open, busy or idle. */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
  /** Queries refused so far because the queue was full. */
  refused: number;
}

export interface OpenedDatabase {
  readonly target: DatabaseTarget;
  /** Pass as `new PrismaClient({ adapter })`, and to `applyMigrations`. */
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** The PostgreSQL pool's occupancy; null for embedded PGlite, which has no pool. */
  poolStats(): PoolStats | null;
  /** Ends the pool or closes PGlite; disconnect Prisma clients first. Safe to call twice. */
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  if (target.kind === 'postgres') {
    const connection = connectPostgres(target.url, options.poolSize ?? 10, options.queue);
    return { target, adapterFactory: connection.factory, poolStats: connection.poolStats, close: once(() => connection.close()) };
  }
  // One PGlite per open: PGlite cannot open the same data directory twice.
  if (target.dataDir !== null) await mkdir(target.dataDir, { recursive: true });
  const db = await createPGlite(target.dataDir);
  return { target, adapterFactory: new PGliteAdapterFactory(db), poolStats: () => null, close: once(() => db.close()) };
}
