import { z } from 'zod';
import { loadEnv, logLevelSchema, positiveIntSchema, secretSchema } from '@mp/service-kit';
import { amqpEnvShape } from '@mp/messaging';

/** Both databases, and the transport used to re-publish what is missing. */
export const reconcileEnvSchema = z.object({
  LOG_LEVEL: logLevelSchema.default('warn'),
  MEMBERS_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  MEMBERS_DATA_DIR: z.string().default('.data/members'),
  NICKNAME_HISTORY_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  NICKNAME_HISTORY_DATA_DIR: z.string().default('.data/nickname-history'),
  NICKNAME_HISTORY_EVENTS_URL: z.url().default('http://127.0.0.1:4002/internal/events'),
  /** Needed only for the HTTP transport (AMQP_URL unset). */
  EVENTS_SECRET: secretSchema.optional(),
  EVENT_DELIVERY_TIMEOUT_MS: positiveIntSchema.default(5_000),
  /** `true`: report drift, change nothing. */
  RECONCILE_DRY_RUN: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  ...amqpEnvShape,
});

export type ReconcileEnv = z.infer<typeof reconcileEnvSchema>;

/** The only place the tool reads process.env. */
export const readReconcileEnv = (): ReconcileEnv => loadEnv(reconcileEnvSchema, process.env);
