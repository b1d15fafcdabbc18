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
import { PrismaClient } from '@mp/prisma/nickname-history';
import { readEnv } from './env.js';
import { buildServer } from './server.js';
import { consumerProcessingMetrics, eventDelayMetrics, registerConsumerMetrics } from './intake/intake-metrics.js';
import { fencedInvalidation, invalidatingCache } from './intake/cache-invalidation.js';
import { memberEventsTopology } from '@mp/messaging';
import { startAmqpConsumer } from './intake/amqp-consumer.js';

const startup = startupPhases();
const env = readEnv();
const tracing = startTracing({ service: 'nickname-history', env, prisma: true });
const logger = createLogger({ service: 'nickname-history', level: env.LOG_LEVEL });

const target: DatabaseTarget = env.NICKNAME_HISTORY_DATABASE_URL
  ? { kind: 'postgres', url: env.NICKNAME_HISTORY_DATABASE_URL }
  : { kind: 'embedded', dataDir: env.NICKNAME_HISTORY_DATA_DIR };
// Each pool is a bulkhead of its own: a slow primary or replica holds only the queries sent to it.
const poolOptions = {
  poolSize: env.DATABASE_POOL_SIZE,
  queue: { maxQueued: env.DATABASE_POOL_QUEUE, maxWaitMs: env.DATABASE_POOL_WAIT_MS },
};
const database = await startup.time('database', () => openDatabase(target, poolOptions));
const applied = await startup.time('migrations', () => applyMigrations('nickname-history', database));
logger.info({ database: target.kind, applied }, 'migrations applied');
if (env.MIGRATE_ONLY) {
  // A deployment's migration step (a Kubernetes Job before the rollout): migrate, then leave.
  await database.close();
  await tracing.shutdown();
  process.exit(0);
}

const metricsRegistry = createMetricsRegistry('nickname-history');
connectionPoolMetrics(metricsRegistry, 'nickname-history', () => database.poolStats());
const db = new PrismaClient({ adapter: database.adapterFactory, log: [{ emit: 'event', level: 'query' }] });
const observeSql = sqlMetrics(metricsRegistry, ['nickname_change']);
db.$on('query', (event) => observeSql(event.query, event.duration));
// AMQP_URL adds the RabbitMQ consumer; the HTTP intake stays available either way.
const replicaDatabases = await openReplicaDatabases(
  env.NICKNAME_HISTORY_DATABASE_URL,
  env.NICKNAME_HISTORY_REPLICA_URLS,
  poolOptions,
  (adapter) => new PrismaClient({ adapter }),
);
const replicas = await startup.time('replicas', () =>
  startReadReplicas({
    database: 'nickname-history',
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
const cacheInvalidation = subgraphCacheInvalidation(env, logger.child({ component: 'cache-invalidation' }), metricsRegistry);
const recordedEvents = invalidatingCache(
  fencedInvalidation(replicas.routing, cacheInvalidation.invalidate),
  eventDelayMetrics(metricsRegistry),
);
const consumer = env.AMQP_URL
  ? startAmqpConsumer(db, {
      url: env.AMQP_URL,
      topology: memberEventsTopology(env.AMQP_PREFIX),
      heartbeatSeconds: env.AMQP_HEARTBEAT_SECONDS,
      prefetch: env.AMQP_PREFETCH,
      maxAttempts: env.EVENT_MAX_ATTEMPTS,
      retryDelayMs: env.EVENT_RETRY_DELAY_MS,
      logger: logger.child({ component: 'amqp-consumer' }),
      recorded: recordedEvents,
      processed: consumerProcessingMetrics(metricsRegistry, memberEventsTopology(env.AMQP_PREFIX).queue),
    })
  : null;
if (consumer) registerConsumerMetrics(metricsRegistry, consumer);
const server = await buildServer({
  db,
  routing: replicas.routing,
  logger,
  metricsRegistry,
  recordedEvents,
  gatewaySecret: env.GATEWAY_SECRET,
  eventsSecret: env.EVENTS_SECRET,
  // Queue and dead-letter depth are reported, not judged: a broker outage leaves the history
  // readable, so it does not make this service unready.
  readiness: async () => ({
    events: consumer ? { transport: 'amqp', ...(await consumer.status()) } : { transport: 'http' },
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
    await consumer?.close();
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
  'nickname-history subgraph ready',
);
