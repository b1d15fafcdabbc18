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
    PORT: portSchema.default(4001),
    HOST: z.string().default('127.0.0.1'),
    LOG_LEVEL: logLevelSchema.default('info'),
    SHUTDOWN_DELAY_MS: shutdownDelaySchema,
    /** Apply pending migrations and exit (a deployment's migration Job); the service does not start. */
    MIGRATE_ONLY: z.stringbool().default(false),
    /** Prometheus `/metrics` on this port (HOST's address), apart from the API's; unset: not served. */
    METRICS_PORT: portSchema.optional(),
    /** Real PostgreSQL; when unset the service runs on embedded PGlite under MEMBERS_DATA_DIR. */
    MEMBERS_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    MEMBERS_DATA_DIR: z.string().default('.data/members'),
    /** Streaming replicas of MEMBERS_DATABASE_URL for reads (comma-separated); unset: every read on the primary. */
    MEMBERS_REPLICA_URLS: replicaUrlsSchema,
    ...readReplicaEnvShape,
    ...databasePoolEnvShape,
    /** Only requests carrying this secret (sent by the gateway) are answered. */
    GATEWAY_SECRET: secretSchema,
    /** nickname-history's event intake and the secret it expects from this producer. */
    NICKNAME_HISTORY_EVENTS_URL: z.url().default('http://127.0.0.1:4002/internal/events'),
    EVENTS_SECRET: secretSchema,
    EVENT_DELIVERY_TIMEOUT_MS: positiveIntSchema.default(5_000),
    OUTBOX_POLL_INTERVAL_MS: positiveIntSchema.default(500),
    /**
     * How long a relay's claim on outbox rows holds: rows a killed relay claimed wait this long
     * before another replica delivers them. Longer than one delivery may take.
     */
    OUTBOX_LEASE_MS: positiveIntSchema.default(15_000),
    /** Published outbox rows are kept this long (for reconciliation), then pruned. */
    OUTBOX_RETENTION_HOURS: z.coerce.number().positive().default(168),
    OUTBOX_PRUNE_INTERVAL_MS: positiveIntSchema.default(60_000),
    /** AMQP_URL set: publish through RabbitMQ; unset, the relay posts to nickname-history over HTTP. */
    ...amqpEnvShape,
    /** REDIS_URL set: drop what this service's writes change from the gateways' shared cache. */
    ...cacheInvalidationEnvShape,
    ...tracingEnvShape,
  })
  .refine((env) => env.OUTBOX_LEASE_MS > 2 * env.EVENT_DELIVERY_TIMEOUT_MS, {
    path: ['OUTBOX_LEASE_MS'],
    message: 'must exceed twice EVENT_DELIVERY_TIMEOUT_MS, or a slow delivery would be claimed again while it runs',
  })
  .refine((env) => env.MEMBERS_REPLICA_URLS.length === 0 || env.MEMBERS_DATABASE_URL !== undefined, {
    path: ['MEMBERS_REPLICA_URLS'],
    message: 'replicas need MEMBERS_DATABASE_URL (the embedded database has none)',
  });

export type MembersEnv = z.infer<typeof envSchema>;

/** The only place this service reads process.env. */
export const readEnv = (): MembersEnv => loadEnv(envSchema, process.env);
