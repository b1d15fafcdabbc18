import { z } from 'zod';
import { positiveIntSchema } from '@mp/service-kit';

/**
 * The broker settings every AMQP user reads from its environment (spread into its env.ts).
 * Unset AMQP_URL means no broker: events travel over HTTP.
 */
export const amqpEnvShape = {
  AMQP_URL: z.url({ protocol: /^amqps?$/ }).optional(),
  /** Prepended to the exchange and queue names (separate environments sharing one vhost); the same on every side. */
  AMQP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
  /** A silent broker is declared dead after two of these. */
  AMQP_HEARTBEAT_SECONDS: positiveIntSchema.default(10),
};
