import { z } from 'zod';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { positiveIntSchema } from '../env.js';
import { connectionPoolMetrics, type ConnectionPoolStats } from '../metrics.js';
import { connectRedis } from '../cache/redis-connection.js';
import { parseLsn, type Lsn } from './lsn.js';
import { ReplicaMonitor } from './replica-monitor.js';
import { ReadRouting } from './read-routing.js';
import { memoryWriteFences, redisWriteFences } from './write-fences.js';

/** Comma-separated PostgreSQL URLs of a database's streaming replicas; unset or empty: none. */
export const replicaUrlsSchema = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url !== ''),
  )
  .pipe(z.array(z.url({ protocol: /^postgres(ql)?$/ })));

/** Settings shared by every service that reads from replicas. */
export const readReplicaEnvShape = {
  /** A replica further behind its primary than this serves no reads until it catches up. */
  REPLICA_MAX_LAG_MS: positiveIntSchema.default(1_000),
  /** How often each replica's position is compared with the primary's. */
  REPLICA_CHECK_INTERVAL_MS: positiveIntSchema.default(100),
};

/** What the routing needs of a database client: raw SQL (every Prisma client has it). */
export interface SqlClient {
  $queryRawUnsafe<T = unknown>(query: string): PromiseLike<T>;
}

export interface ReadReplicasOptions<Client extends SqlClient> {
  /** The database's name in Redis keys, logs and metrics. */
  database: string;
  primary: Client;
  /** Where the primary's log position is read: a connection apart from the read pool's (openReplicaDatabases). */
  primaryProbe: SqlClient;
  /** Each replica's read client, a connection apart for its lag checks, and (for metrics) its read pool's occupancy. */
  replicas: readonly { name: string; client: Client; probe: SqlClient; poolStats?: () => ConnectionPoolStats | null }[];
  maxLagMs: number;
  checkIntervalMs: number;
  /** Shares write fences between this service's replicas; unset: in this process only. */
  redisUrl?: string | undefined;
  logger: Logger;
  registry?: Registry;
}

export interface ReadReplicas<Client> {
  routing: ReadRouting<Client>;
  close(): Promise<void>;
}

async function position(client: SqlClient, sql: string): Promise<Lsn> {
  const [row] = await client.$queryRawUnsafe<{ lsn: string | null }[]>(sql);
  if (!row?.lsn) throw new Error('no WAL position: is this database a streaming replica?');
  return parseLsn(row.lsn);
}

/**
 * Read routing for one database: with no replicas every read goes to the primary and nothing else
 * runs; with replicas, a monitor measures their lag and writes are fenced so that their writers
 * (and the gateway's cache) never read them from a replica that has not replayed them.
 */
export async function startReadReplicas<Client extends SqlClient>(options: ReadReplicasOptions<Client>): Promise<ReadReplicas<Client>> {
  const { logger, replicas } = options;
  for (const { name, poolStats } of replicas) {
    if (options.registry && poolStats) connectionPoolMetrics(options.registry, `${options.database}-${name}`, poolStats);
  }
  const CURRENT_POSITION = 'SELECT pg_current_wal_lsn()::text AS lsn';
  // Past this, any replica still serving has replayed the write (its lag is within the bound, measured at most two checks ago).
  const fenceTtlMs = options.maxLagMs + 2 * options.checkIntervalMs + 1_000;
  const redis =
    replicas.length > 0 && options.redisUrl
      ? connectRedis(options.redisUrl, logger, {
          down: 'Redis is unreachable: reads by callers who may have written go to the primary database',
          up: 'Redis is reachable again: read fences resumed',
        })
      : null;
  if (replicas.length > 0 && !redis)
    logger.warn('read replicas without REDIS_URL: write fences are kept in this process only (run one replica of this service)');
  const monitor =
    replicas.length === 0
      ? null
      : new ReplicaMonitor({
          primaryLsn: () => position(options.primaryProbe, CURRENT_POSITION),
          replicas: replicas.map(({ name, probe }) => ({
            name,
            replayLsn: () => position(probe, 'SELECT pg_last_wal_replay_lsn()::text AS lsn'),
          })),
          maxLagMs: options.maxLagMs,
          checkIntervalMs: options.checkIntervalMs,
          logger,
          ...(options.registry ? { registry: options.registry } : {}),
        });
  await monitor?.start();
  const routing = new ReadRouting<Client>({
    primary: options.primary,
    replicas: replicas.map(({ client }) => client),
    monitor,
    fences: redis ? redisWriteFences(redis, options.database, fenceTtlMs) : memoryWriteFences(fenceTtlMs),
    // After a commit, on the writers' own pool: the probe's single connection would queue them.
    primaryLsn: () => position(options.primary, CURRENT_POSITION),
    logger,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  return {
    routing,
    close: async () => {
      await monitor?.stop();
      redis?.disconnect();
    },
  };
}
