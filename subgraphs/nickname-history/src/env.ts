import { z } from 'zod';
import {
  loadEnv,
  logLevelSchema,
  portSchema,
  positiveIntSchema,
  secretSchema,
  tracingEnvShape,
  shutdownDelaySchema,
  cacheInvalidationEnvShape,
  readReplicaEnvShape,
  databasePoolEnvShape,
  replicaUrlsSchema,
} from '@mp/service-kit';
import { amqpEnvShape } from '@mp/messaging';

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: portSchema.default(4002),
    HOST: z.string().default('127.0.0.1'),
    LOG_LEVEL: logLevelSchema.default('info'),
    SHUTDOWN_DELAY_MS: shutdownDelaySchema,
    /** Apply pending migrations and exit (a deployment's migration Job); the service does not start. */
    MIGRATE_ONLY: z.stringbool().default(false),
    /** Prometheus `/metrics` on this port (HOST's address), apart from the API's; unset: not served. */
    METRICS_PORT: portSchema.optional(),
    /** Real PostgreSQL; when unset the service runs on embedded PGlite under NICKNAME_HISTORY_DATA_DIR. */
    NICKNAME_HISTORY_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    NICKNAME_HISTORY_DATA_DIR: z.string().default('.data/nickname-history'),
    /** Streaming replicas of NICKNAME_HISTORY_DATABASE_URL for reads (comma-separated); unset: every read on the primary. */
    NICKNAME_HISTORY_REPLICA_URLS: replicaUrlsSchema,
    ...readReplicaEnvShape,
    ...databasePoolEnvShape,
    /** Only GraphQL requests carrying this secret (sent by the gateway) are answered. */
    GATEWAY_SECRET: secretSchema,
    /** Only event batches carrying this secret (sent by members' relay) are accepted. */
    EVENTS_SECRET: secretSchema,
    /** AMQP_URL set: consume NicknameChanged from RabbitMQ; unset, events arrive only over HTTP. */
    ...amqpEnvShape,
    /** Unacknowledged messages in hand at once; also the largest batch stored in one statement. */
    AMQP_PREFETCH: positiveIntSchema.default(100),
    /** Deliveries of a failing message before it is moved to the dead-letter queue. */
    EVENT_MAX_ATTEMPTS: positiveIntSchema.max(40).default(5),
    EVENT_RETRY_DELAY_MS: positiveIntSchema.default(1_000),
    /** REDIS_URL set: drop what this service's writes change from the gateways' shared cache. */
    ...cacheInvalidationEnvShape,
    ...tracingEnvShape,
  })
  .refine((env) => env.NICKNAME_HISTORY_REPLICA_URLS.length === 0 || env.NICKNAME_HISTORY_DATABASE_URL !== undefined, {
    path: ['NICKNAME_HISTORY_REPLICA_URLS'],
    message: 'replicas need NICKNAME_HISTORY_DATABASE_URL (the embedded database has none)',
  });

export type HistoryEnv = z.infer<typeof envSchema>;

/** The only place this service reads process.env. */
export const readEnv = (): HistoryEnv => loadEnv(envSchema, process.env);
