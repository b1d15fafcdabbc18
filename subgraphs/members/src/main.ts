import {
  connectionPoolMetrics,
  createLogger,
  createMetricsRegistry,
  onShutdownSignal,
  sqlMetrics,
  startMetricsServer,
  startTracing,
  startupPhases,
  subgraphCacheInvalidation,
  startReadReplicas,
} from '@mp/service-kit';
import { applyMigrations, openDatabase, openReplicaDatabases, type DatabaseTarget } from '@mp/prisma';
import { PrismaClient } from '@mp/prisma/members';
import { readEnv } from './env.js';
import { buildServer } from './server.js';
import { memberEventsTopology } from '@mp/messaging';
import { createHttpPublisher } from './outbox/http-publisher.js';
import { createAmqpPublisher } from './outbox/amqp-publisher.js';
import { DEFAULT_RELAY_OPTIONS, startOutboxRelay } from './outbox/relay.js';
import { outboxBacklog } from './outbox/outbox-store.js';
import { backfillNicknameKeys } from './data/nickname-key-backfill.js';
import { measuredPublisher, registerOutboxGauges } from './outbox/outbox-metrics.js';

const startup = startupPhases();
const env = readEnv();
const tracing = startTracing({ service: 'members', env, prisma: true });
const logger = createLogger({ service: 'members', level: env.LOG_LEVEL });

const target: DatabaseTarget = env.MEMBERS_DATABASE_URL
  ? { kind: 'postgres', url: env.MEMBERS_DATABASE_URL }
  : { kind: 'embedded', dataDir: env.MEMBERS_DATA_DIR };
// Each pool is a bulkhead of its own: a slow primary or replica holds only the queries sent to it.
const poolOptions = {
  poolSize: env.DATABASE_POOL_SIZE,
  queue: { maxQueued: env.DATABASE_POOL_QUEUE, maxWaitMs: env.DATABASE_POOL_WAIT_MS },
};
const database = await startup.time('database', () => openDatabase(target, poolOptions));
const applied = await startup.time('migrations', () => applyMigrations('members', database));
logger.info({ database: target.kind, applied }, 'migrations applied');
if (env.MIGRATE_ONLY) {
  // A deployment's migration step (a Kubernetes Job before the rollout): migrate, then leave.
  await database.close();
  await tracing.shutdown();
  process.exit(0);
}

const metricsRegistry = createMetricsRegistry('members');
connectionPoolMetrics(metricsRegistry, 'members', () => database.poolStats());
const db = new PrismaClient({ adapter: database.adapterFactory, log: [{ emit: 'event', level: 'query' }] });
const observeSql = sqlMetrics(metricsRegistry, ['member', 'outbox_event']);
db.$on('query', (event) => observeSql(event.query, event.duration));
const replicaDatabases = await openReplicaDatabases(
  env.MEMBERS_DATABASE_URL,
  env.MEMBERS_REPLICA_URLS,
  poolOptions,
  (adapter) => new PrismaClient({ adapter }),
);
const replicas = await startup.time('replicas', () =>
  startReadReplicas({
    database: 'members',
    primary: db,
    primaryProbe: replicaDatabases.primaryProbe ?? db,
    replicas: replicaDatabases.replicas,
    maxLagMs: env.REPLICA_MAX_LAG_MS,
    checkIntervalMs: env.REPLICA_CHECK_INTERVAL_MS,
    redisUrl: env.REDIS_URL,
    logger: logger.child({ component: 'read-replicas' }),
    registry: metricsRegistry,
  }),
);
await startup.time('nicknameKeys', () => backfillNicknameKeys(db, logger.child({ component: 'nickname-key-backfill' })));
// AMQP_URL selects RabbitMQ; without it events go straight to nickname-history over HTTP.
const amqp = env.AMQP_URL
  ? createAmqpPublisher({
      url: env.AMQP_URL,
      topology: memberEventsTopology(env.AMQP_PREFIX),
      heartbeatSeconds: env.AMQP_HEARTBEAT_SECONDS,
      confirmTimeoutMs: env.EVENT_DELIVERY_TIMEOUT_MS,
      logger: logger.child({ component: 'amqp-publisher' }),
    })
  : null;
registerOutboxGauges(metricsRegistry, db);
const publisher = measuredPublisher(
  amqp ??
    createHttpPublisher({ url: env.NICKNAME_HISTORY_EVENTS_URL, secret: env.EVENTS_SECRET, timeoutMs: env.EVENT_DELIVERY_TIMEOUT_MS }),
  metricsRegistry,
  amqp ? 'amqp' : 'http',
);
logger.info({ transport: amqp ? 'amqp' : 'http' }, 'event transport selected');
const relay = startOutboxRelay(db, publisher, logger.child({ component: 'outbox-relay' }), {
  ...DEFAULT_RELAY_OPTIONS,
  pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
  leaseMs: env.OUTBOX_LEASE_MS,
  retentionMs: env.OUTBOX_RETENTION_HOURS * 3_600_000,
  pruneIntervalMs: env.OUTBOX_PRUNE_INTERVAL_MS,
});
const cacheInvalidation = subgraphCacheInvalidation(env, logger.child({ component: 'cache-invalidation' }), metricsRegistry);
const server = await buildServer({
  db,
  routing: replicas.routing,
  logger,
  gatewaySecret: env.GATEWAY_SECRET,
  metricsRegistry,
  eventsWritten: () => relay.wake(),
  invalidateCache: cacheInvalidation.invalidate,
  // Outbox lag is the operator's signal that events are not leaving; a broker outage does not
  // make members unready (changes are still accepted and wait in the outbox).
  readiness: async () => ({
    outbox: await outboxBacklog(db),
    eventTransport: amqp ? { kind: 'amqp', connected: amqp.connected } : { kind: 'http' },
    // A replica down or behind only moves reads to the primary: reported, not a reason to be unready.
    ...(replicas.routing.hasReplicas ? { replicas: replicas.routing.status() } : {}),
  }),
});
// Registered before announcing readiness: a signal that arrives right after must not kill
// the process uncleaned.
const metricsServer = env.METRICS_PORT === undefined ? null : await startMetricsServer(metricsRegistry, env.METRICS_PORT, env.HOST);
onShutdownSignal(
  logger,
  async () => {
    await server.close();
    await metricsServer?.close();
    await relay.stop();
    await amqp?.close();
    cacheInvalidation.close();
    await replicas.close();
    await db.$disconnect();
    await database.close();
    await replicaDatabases.close();
    await tracing.shutdown();
  },
  { begin: () => server.beginDrain(), delayMs: env.SHUTDOWN_DELAY_MS },
);

const url = await server.http.listen(env.PORT, env.HOST);
logger.info(
  { url: `${url}/graphql`, ...(metricsServer ? { metrics: metricsServer.url } : {}), startup: startup.summary() },
  'members subgraph ready',
);
