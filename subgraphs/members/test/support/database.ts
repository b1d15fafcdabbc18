import { openMigratedTestDatabase, type MigratedTestDatabase } from '@mp/prisma/testing';
import { PrismaClient } from '@mp/prisma/members';

export interface MembersTestDb {
  db: PrismaClient;
  /** SQL statements sent since the last reset. */
  statements: string[];
  poolStats: MigratedTestDatabase<PrismaClient>['poolStats'];
  close(): Promise<void>;
}

/** A migrated, throwaway members database on the real PostgreSQL at 127.0.0.1:5432. */
export async function createMembersTestDb(): Promise<MembersTestDb> {
  const { client, statements, poolStats, close } = await openMigratedTestDatabase(
    'members',
    'postgres',
    (database) => new PrismaClient({ adapter: database.adapterFactory, log: [{ emit: 'event', level: 'query' }] }),
  );
  return { db: client, statements, poolStats, close };
}
