// The two-tier cache against a real Redis: replicas share the Redis tier, an invalidation reaches
// every replica's local tier, concurrent misses load once, failed loads are not cached, and Redis
// being down never fails a read.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { CacheInvalidator, TwoTierCache, type Loaded } from '../src/index.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const connections: Redis[] = [];
const connect = (url = REDIS_URL) => {
  const redis = new Redis(url, { enableOfflineQueue: false, commandTimeout: 250, maxRetriesPerRequest: 1, lazyConnect: false });
  redis.on('error', () => {});
  connections.push(redis);
  return redis;
};
afterAll(() => {
  for (const redis of connections) redis.disconnect();
});

const ready = (redis: Redis) => (redis.status === 'ready' ? Promise.resolve() : new Promise((resolve) => redis.once('ready', resolve)));

/** Replicas made so far per cache name. */
const replicas = new Map<string, number>();

/** Waits until Redis counts `count` subscribers to the cache's invalidation channel. */
async function subscribed(redis: Redis, name: string, count: number) {
  for (let i = 0; i < 200; i += 1) {
    const [, listening] = (await redis.pubsub('NUMSUB', `cache:${name}:invalidations`)) as [string, number];
    if (listening >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the ${name} replicas never subscribed`);
}

/** A replica's cache: its own connections to the shared Redis. */
async function replica(
  name: string,
  options: Partial<{ redisUrl: string; maxEntries: number; registry: Registry; listens: boolean }> = {},
) {
  const redis = connect(options.redisUrl);
  const subscriber = options.listens === false ? null : connect(options.redisUrl);
  const cache = new TwoTierCache({
    name,
    redis,
    subscriber,
    jitter: 0.1,
    maxEntries: options.maxEntries ?? 1_000,
    maxBytes: 1_000_000,
    logger: pino({ level: 'silent' }),
    ...(options.registry ? { registry: options.registry } : {}),
  });
  if (!options.redisUrl && subscriber) {
    await Promise.all([ready(redis), ready(subscriber)]);
    replicas.set(name, (replicas.get(name) ?? 0) + 1);
    await subscribed(redis, name, replicas.get(name)!);
    await cache.listening();
  }
  return { cache, subscriber };
}

/** A writer's invalidator on its own connections, subscribed to the acknowledgements. */
async function invalidatorOf(name: string, registry?: Registry) {
  const [redis, subscriber] = [connect(), connect()];
  const invalidator = new CacheInvalidator({
    cache: name,
    redis,
    subscriber,
    acknowledgementTimeoutMs: 1_000,
    logger: pino({ level: 'silent' }),
    ...(registry ? { registry } : {}),
  });
  await Promise.all([ready(redis), ready(subscriber)]);
  for (let i = 0; i < 200; i += 1) {
    const [, listening] = (await redis.pubsub('NUMSUB', `cache:${name}:acknowledgements`)) as [string, number];
    if (listening >= 1) return { invalidator, redis };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the invalidator never subscribed');
}

const kept = (text: string, tags: string[]): Loaded => ({ text, keep: { tags, ttlMs: 60_000 } });

const counted = (text: string, tags: string[] = ['t']) => {
  let loads = 0;
  return {
    load: () => {
      loads += 1;
      return Promise.resolve(kept(text, tags));
    },
    get loads() {
      return loads;
    },
  };
};

it('loads once, then answers from the local tier, and another replica from Redis', async () => {
  const name = `t-${randomUUID()}`;
  const registry = new Registry();
  const [a, b] = [await replica(name, { registry }), await replica(name, { registry })];
  const source = counted('{"nickname":"one"}', ['member:m1']);
  expect(await a.cache.get('member:m1', source.load)).toBe('{"nickname":"one"}');
  expect(await a.cache.get('member:m1', source.load)).toBe('{"nickname":"one"}');
  expect(await b.cache.get('member:m1', source.load)).toBe('{"nickname":"one"}');
  expect(source.loads).toBe(1);
  const requests = await registry.getSingleMetricAsString('cache_requests_total');
  for (const result of ['local', 'redis', 'miss']) expect(requests).toContain(`cache_requests_total{cache="${name}",result="${result}"} 1`);
});

it('an invalidation has dropped the entries in every replica and in Redis by the time it returns', async () => {
  const name = `t-${randomUUID()}`;
  const registry = new Registry();
  const [a, b] = [await replica(name, { registry }), await replica(name, { registry })];
  const { invalidator } = await invalidatorOf(name, registry);
  let nickname = 'before';
  const load = () => Promise.resolve(kept(nickname, ['member:m2']));
  const pageLoad = () => Promise.resolve(kept(`page with ${nickname}`, ['member:m2', 'member:m3']));
  await a.cache.get('member:m2', load);
  await b.cache.get('member:m2', load);
  await b.cache.get('page:first-10', pageLoad);

  nickname = 'after';
  const started = performance.now();
  await invalidator.invalidate(['member:m2']);
  console.log(`every replica dropped the entries ${(performance.now() - started).toFixed(1)} ms after the invalidation began`);
  // No waiting here: the writer answers its client only now, and the client must read its write anywhere.
  expect([a.cache.size, b.cache.size]).toEqual([0, 0]);
  expect(await b.cache.get('member:m2', load)).toBe('after');
  expect(await a.cache.get('member:m2', load)).toBe('after');
  expect(await b.cache.get('page:first-10', pageLoad)).toBe('page with after');
  expect(await registry.getSingleMetricAsString('cache_invalidations_unacknowledged_total')).toContain(`{cache="${name}"} 0`);
  expect(await registry.getSingleMetricAsString('cache_invalidation_seconds')).toContain(
    `cache_invalidation_seconds_count{cache="${name}"} 1`,
  );
});

it('runs one load for 100 concurrent misses on one key', async () => {
  const { cache } = await replica(`t-${randomUUID()}`);
  let loads = 0;
  const slow = async () => {
    loads += 1;
    await new Promise((resolve) => setTimeout(resolve, 50));
    return kept('loaded', ['hot']);
  };
  const answers = await Promise.all(Array.from({ length: 100 }, () => cache.get('hot', slow)));
  expect(loads).toBe(1);
  expect(answers.every((answer) => answer === 'loaded')).toBe(true);
});

it('keeps nothing a loader says not to keep, and waiters on such a load load their own', async () => {
  const { cache } = await replica(`t-${randomUUID()}`);
  let loads = 0;
  const mine = (owner: string) => async (): Promise<Loaded> => {
    loads += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { text: `private to ${owner}`, keep: null };
  };
  const answers = await Promise.all([cache.get('k', mine('ann')), cache.get('k', mine('bob'))]);
  expect(answers).toEqual(['private to ann', 'private to bob']);
  expect(await cache.get('k', mine('cy'))).toBe('private to cy');
  expect(loads).toBe(3);
  expect(cache.size).toBe(0);
});

it('does not keep a failed load, nor what a load read before an invalidation that came during it', async () => {
  const name = `t-${randomUUID()}`;
  const { cache } = await replica(name);
  const { invalidator } = await invalidatorOf(name);
  await expect(cache.get('k', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
  const source = counted('fine');
  expect(await cache.get('k', source.load)).toBe('fine');
  expect(source.loads).toBe(1);

  let release!: () => void;
  const during = cache.get('racing', async () => {
    await new Promise<void>((resolve) => (release = resolve));
    return kept('read before the write', ['member:m9']);
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  await invalidator.invalidate(['member:m9']);
  release();
  expect(await during).toBe('read before the write');
  expect(await cache.get('racing', () => Promise.resolve(kept('read after the write', ['member:m9'])))).toBe('read after the write');
});

it('refuses to write Redis with a load that began before an invalidation its replica has not heard of yet', async () => {
  const name = `t-${randomUUID()}`;
  // A replica that does not hear invalidations: only Redis's generations can stop its old answer.
  const { cache } = await replica(name, { listens: false });
  const { invalidator, redis } = await invalidatorOf(name);
  let release!: () => void;
  const during = cache.get('racing', async () => {
    await new Promise<void>((resolve) => (release = resolve));
    return kept('read before the write', ['member:m7']);
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  await invalidator.invalidate(['member:m7']);
  release();
  await during;
  expect(await redis.exists(`cache:${name}:entry:racing`)).toBe(0);
  await cache.get('later', () => Promise.resolve(kept('read after the write', ['member:m7'])));
  expect(await redis.exists(`cache:${name}:entry:later`)).toBe(1);
});

it('keeps within its entry bound, evicting the least recently used', async () => {
  const registry = new Registry();
  const name = `t-${randomUUID()}`;
  const { cache } = await replica(name, { maxEntries: 3, registry });
  for (const key of ['a', 'b', 'c', 'd', 'e']) await cache.get(key, () => Promise.resolve(kept(key, [key])));
  expect(cache.size).toBe(3);
  expect(await registry.getSingleMetricAsString('cache_evictions_total')).toContain(`cache_evictions_total{cache="${name}"} 2`);
});

it('reads through to the loader, never failing, while Redis is unreachable', async () => {
  const registry = new Registry();
  const name = `t-${randomUUID()}`;
  const { cache } = await replica(name, { redisUrl: 'redis://127.0.0.1:1', registry });
  const source = counted('{"ok":true}');
  expect(await cache.get('k', source.load)).toBe('{"ok":true}');
  // Its invalidations cannot reach it, so its local tier is not used either.
  expect(await cache.get('k', source.load)).toBe('{"ok":true}');
  expect(source.loads).toBe(2);
  expect(cache.size).toBe(0);
  expect(await registry.getSingleMetricAsString('cache_redis_errors_total')).toMatch(new RegExp(`cache="${name}"\\} [1-9]`));
});

it('drops its local tier when its subscription comes back after an interruption (messages may be lost)', async () => {
  const { cache, subscriber } = await replica(`t-${randomUUID()}`);
  await cache.get('k', () => Promise.resolve(kept('1', ['t'])));
  expect(cache.size).toBe(1);
  subscriber!.disconnect(true);
  await new Promise((resolve) => subscriber!.once('ready', resolve));
  for (let i = 0; i < 200 && cache.size > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(cache.size).toBe(0);
});
