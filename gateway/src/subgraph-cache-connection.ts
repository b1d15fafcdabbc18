import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { connectRedis, TwoTierCache, type Logger } from '@mp/service-kit';
import { LOCAL_ONLY_MAX_TTL_MS } from './subgraph-cache.js';

interface CacheEnv {
  REDIS_URL?: string | undefined;
  SUBGRAPH_CACHE_MAX_TTL_MS: number;
  SUBGRAPH_CACHE_MAX_ENTRIES: number;
  SUBGRAPH_CACHE_MAX_BYTES: number;
  SUBGRAPH_CACHE_NAME: string;
}

/**
 * The subgraph answer cache of this replica: its own tier, plus, with REDIS_URL, the tier every
 * replica shares and the subscription that carries the subgraphs' invalidations.
 */
export function subgraphAnswerCacheFrom(env: CacheEnv, redis: Redis | null, logger: Logger, registry: Registry) {
  // A subscribed connection can send nothing else: invalidations need their own.
  const subscriber = env.REDIS_URL
    ? connectRedis(env.REDIS_URL, logger, {
        down: 'Redis is unreachable: cached answers are read around until invalidations reach this replica again',
        up: 'Redis is reachable again: this replica drops its own cache tier (it may have missed invalidations) and caches again',
      })
    : null;
  const cache = new TwoTierCache({
    name: env.SUBGRAPH_CACHE_NAME,
    redis,
    subscriber,
    jitter: 0.1,
    maxEntries: env.SUBGRAPH_CACHE_MAX_ENTRIES,
    maxBytes: env.SUBGRAPH_CACHE_MAX_BYTES,
    registry,
    logger,
  });
  return {
    cache,
    maxTtlMs: redis ? env.SUBGRAPH_CACHE_MAX_TTL_MS : Math.min(env.SUBGRAPH_CACHE_MAX_TTL_MS, LOCAL_ONLY_MAX_TTL_MS),
    close: () => subscriber?.disconnect(),
  };
}
