// The connections a service needs for its read replicas: a pool per replica for reads, and a
// one-connection pool per database for the lag checks, so that a busy read pool never makes a
// healthy replica look down (which would move its reads onto the primary under load).
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { openDatabase, type OpenDatabaseOptions, type OpenedDatabase, type PoolStats } from './open-database.js';

export interface DisconnectableClient {
  $disconnect(): Promise<void>;
}

export interface ReplicaDatabases<Client> {
  /** Each replica's read client, a client apart for its lag checks, and its read pool's occupancy. */
  replicas: { name: string; client: Client; probe: Client; poolStats: () => PoolStats | null }[];
  /** Checks the primary's log position; null when there are no replicas. */
  primaryProbe: Client | null;
  close(): Promise<void>;
}

export async function openReplicaDatabases<Client extends DisconnectableClient>(
  primaryUrl: string | undefined,
  replicaUrls: readonly string[],
  options: OpenDatabaseOptions,
  makeClient: (adapter: SqlMigrationAwareDriverAdapterFactory) => Client,
): Promise<ReplicaDatabases<Client>> {
  if (replicaUrls.length === 0) return { replicas: [], primaryProbe: null, close: () => Promise.resolve() };
  if (!primaryUrl) throw new Error('read replicas need the primary on PostgreSQL (a DATABASE_URL)');
  const opened: { database: OpenedDatabase; client: Client }[] = [];
  const open = async (url: string, poolOptions: OpenDatabaseOptions) => {
    const database = await openDatabase({ kind: 'postgres', url }, poolOptions);
    const client = makeClient(database.adapterFactory);
    opened.push({ database, client });
    return { client, database };
  };
  const replicas = [];
  for (const [i, url] of replicaUrls.entries()) {
    const reads = await open(url, options);
    const probe = await open(url, { poolSize: 1 });
    replicas.push({ name: `replica-${i + 1}`, client: reads.client, probe: probe.client, poolStats: () => reads.database.poolStats() });
  }
  return {
    replicas,
    primaryProbe: (await open(primaryUrl, { poolSize: 1 })).client,
    close: async () => {
      for (const { client, database } of opened) {
        await client.$disconnect();
        await database.close();
      }
    },
  };
}
