// pglite-prisma-adapter, wrapped: its executeScript does not await (a failing migration would be
// recorded as finished) and its shadow databases are never closed.
import { PGlite } from '@electric-sql/pglite';
import { createPGlite } from './pglite-template.js';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { delegatingAdapter } from './delegating-adapter.js';
import { rethrowAsDriverError } from './driver-error.js';

async function runScript(db: PGlite, script: string): Promise<void> {
  try {
    await db.exec(script);
  } catch (error) {
    rethrowAsDriverError(error);
  }
}

async function connectTo(db: PGlite, dispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
  const inner: SqlDriverAdapter = await new PrismaPGlite(db).connect();
  return delegatingAdapter(inner, {
    executeScript: (script) => runScript(db, script),
    ...(dispose ? { dispose } : {}),
  });
}

/**
 * The embedded database's adapter factory for both the Prisma client and the migration engine:
 * pglite-prisma-adapter with scripts awaited (see the note at the top) and in-memory shadows.
 */
export class PGliteAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = 'pglite-prisma-adapter';

  constructor(private readonly db: PGlite) {}

  connect(): Promise<SqlDriverAdapter> {
    return connectTo(this.db);
  }

  /** A fresh in-memory instance per call, closed with its adapter. */
  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const shadow = await createPGlite(null);
    return connectTo(shadow, () => shadow.close());
  }
}
