import { applyMigrations, openDatabase } from '@mp/prisma';
import { createTestDatabase } from '@mp/prisma/testing';
import { PrismaClient } from '@mp/prisma/nickname-history';

export interface HistoryTestDb {
  db: PrismaClient;
  /** SQL statements sent since the last reset. */
  statements: string[];
  close(): Promise<void>;
}

/** A migrated, throwaway nickname-history database on the real PostgreSQL at 127.0.0.1:5432. */
export async function createHistoryTestDb(): Promise<HistoryTestDb> {
  const throwaway = await createTestDatabase('history_test');
  const database = await openDatabase({ kind: 'postgres', url: throwaway.url });
  await applyMigrations('nickname-history', database);
  const db = new PrismaClient({ adapter: database.adapterFactory, log: [{ emit: 'event', level: 'query' }] });
  const statements: string[] = [];
  db.$on('query', (event) => statements.push(event.query));
  return {
    db,
    statements,
    close: async () => {
      await db.$disconnect();
      await database.close();
      await throwaway.drop();
    },
  };
}
