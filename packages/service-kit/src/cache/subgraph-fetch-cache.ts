import { z } from 'zod';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { positiveIntSchema } from '../env.js';
import { CacheInvalidator } from './cache-invalidator.js';
import { connectRedis } from './redis-connection.js';

/**
 * The gateway's cache of subgraph answers, by name (its Redis keys and channels): the gateway
 * replicas fill it, and the subgraphs invalidate it after their writes, so all of one deployment
 * must use the same name, and deployments sharing one Redis different ones.
 */
export const subgraphCacheNameSchema = z
  .string()
  .regex(/^[\w.-]+$/, 'letters, digits, _ . - only')
  .default('subgraph-fetches');

/** A subgraph's settings for invalidating the gateway's cache. */
export const cacheInvalidationEnvShape = {
  SUBGRAPH_CACHE_NAME: subgraphCacheNameSchema,
  /** The Redis the gateway replicas share; unset: this service invalidates nothing (each gateway drops what mutations it forwards change). */
  REDIS_URL: z.url().optional(),
  /** How long a write waits for every gateway replica to confirm it dropped what the write changed. */
  CACHE_INVALIDATION_TIMEOUT_MS: positiveIntSchema.default(100),
};

/** Drops tags from the gateway's cache, everywhere; resolves when done or given up (never rejects). */
export type InvalidateCache = (tags: readonly string[]) => Promise<void>;

export interface SubgraphCacheInvalidation {
  invalidate: InvalidateCache;
  close(): void;
}

/** Connects a subgraph's invalidator to Redis, or, without REDIS_URL, one that does nothing. */
export function subgraphCacheInvalidation(
  env: { REDIS_URL?: string | undefined; SUBGRAPH_CACHE_NAME: string; CACHE_INVALIDATION_TIMEOUT_MS: number },
  logger: Logger,
  registry?: Registry,
): SubgraphCacheInvalidation {
  if (!env.REDIS_URL) return { invalidate: () => Promise.resolve(), close: () => {} };
  const messages = {
    down: 'Redis is unreachable: the gateway cache is not invalidated by this service until it is back (gateways read around it)',
    up: 'Redis is reachable again: cache invalidations resumed',
  };
  const redis = connectRedis(env.REDIS_URL, logger, messages);
  // A subscribed connection can send nothing else: the acknowledgements need their own.
  const subscriber = connectRedis(env.REDIS_URL, logger, messages);
  const invalidator = new CacheInvalidator({
    cache: env.SUBGRAPH_CACHE_NAME,
    redis,
    subscriber,
    acknowledgementTimeoutMs: env.CACHE_INVALIDATION_TIMEOUT_MS,
    logger,
    ...(registry ? { registry } : {}),
  });
  return {
    invalidate: (tags) => invalidator.invalidate(tags),
    close: () => {
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
