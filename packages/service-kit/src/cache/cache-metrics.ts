import { Counter, Histogram, type Registry } from 'prom-client';

/** Seconds, fine around the 100 ms an invalidation should take at most. */
export const INVALIDATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.5, 1];

export interface CacheMetrics {
  request(result: 'local' | 'redis' | 'miss'): void;
  evicted(): void;
  invalidated(tags: number): void;
  redisFailed(): void;
  /** Seconds from a writer's invalidation to this replica dropping the entries. */
  staleness(seconds: number): void;
}

/** One metric of each kind per registry, shared by its caches (the `cache` label tells them apart). */
function shared<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function cacheMetrics(registry: Registry | undefined, cache: string): CacheMetrics {
  if (!registry) return { request() {}, evicted() {}, invalidated() {}, redisFailed() {}, staleness() {} };
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    shared(registry, name, () => new Counter({ name, help, labelNames, registers }));
  const requests = counter('cache_requests_total', 'Cache reads by where they were answered: local, redis or miss.', ['cache', 'result']);
  const evictions = counter('cache_evictions_total', 'Entries the local tier evicted to stay within its bounds.', ['cache']);
  const invalidations = counter('cache_invalidations_total', 'Tags invalidated (by this replica or by a message from another).', ['cache']);
  const redisErrors = counter('cache_redis_errors_total', 'Redis commands that failed; the read went to its loader instead.', ['cache']);
  const stalenessSeconds = shared(
    registry,
    'cache_invalidation_delay_seconds',
    () =>
      new Histogram({
        name: 'cache_invalidation_delay_seconds',
        help: "Time from a writer's invalidation to another replica dropping the entries.",
        labelNames: ['cache'] as const,
        buckets: INVALIDATION_BUCKETS,
        registers,
      }),
  );
  return {
    request: (result) => requests.inc({ cache, result }),
    evicted: () => evictions.inc({ cache }),
    invalidated: (tags) => invalidations.inc({ cache }, tags),
    redisFailed: () => redisErrors.inc({ cache }),
    staleness: (seconds) => stalenessSeconds.observe({ cache }, seconds),
  };
}
