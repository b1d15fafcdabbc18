import { z } from 'zod';
import { loadEnv, logLevelSchema, portSchema, positiveIntSchema, secretSchema } from '@mp/service-kit';

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: portSchema.default(4000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: logLevelSchema.default('info'),
  MEMBERS_URL: z.url().default('http://127.0.0.1:4001/graphql'),
  NICKNAME_HISTORY_URL: z.url().default('http://127.0.0.1:4002/graphql'),
  /** Sent with every subgraph request; subgraphs answer nobody else. */
  GATEWAY_SECRET: secretSchema,
  /** A slow subgraph fails its part of the response instead of holding the whole request. */
  SUBGRAPH_TIMEOUT_MS: positiveIntSchema.default(5_000),
});

export type GatewayEnv = z.infer<typeof envSchema>;

/** The only place the gateway reads process.env. */
export const readEnv = (): GatewayEnv => loadEnv(envSchema, process.env);
