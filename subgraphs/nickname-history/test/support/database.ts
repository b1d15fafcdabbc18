import { openMigratedTestDatabase } from '@mp/prisma/testing';
import { PrismaClient } from '@mp/prisma/nickname-history';

export interface HistoryTestDb {
  db: PrismaClient;
  /** SQL statements sent since the last reset. */
  statements: string[];
  close(): Promise<void>;
}

/** A migrated, throwaway nickname-history database on the real PostgreSQL at 127.0.0.1:5432. */
export async function createHistoryTestDb(): Promise<HistoryTestDb> {
  const { client, statements, close } = await openMigratedTestDatabase(
    'nickname-history',
    'postgres',
    (database) => new PrismaClient({ adapter: database.adapterFactory, log: [{ emit: 'event', level: 'query' }] }),
  );
  return { db: client, statements, close };
}
