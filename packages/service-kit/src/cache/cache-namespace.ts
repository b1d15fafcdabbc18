import type { Redis } from 'ioredis';

/**
 * Where one named cache lives in Redis, shared by the replicas that fill it and the services that
 * invalidate it: entries, the set of entry keys per tag, a generation counter that every
 * invalidation advances, and per tag the generation of its last invalidation. A fill that began at
 * generation G is written only when none of its tags was invalidated after G, so a load that read
 * the database before a commit cannot put its old answer back after the writer deleted it.
 */
export interface CacheNamespace {
  readonly name: string;
  /** Prefix of every Redis key of this cache. */
  readonly prefix: string;
  readonly generationKey: string;
  /** Where writers publish the tags they invalidated. */
  readonly invalidationChannel: string;
  /** Where replicas confirm they dropped an invalidation's entries. */
  readonly acknowledgementChannel: string;
  entryKey(key: string): string;
}

export const cacheNamespace = (name: string): CacheNamespace => {
  const prefix = `cache:${name}:`;
  return {
    name,
    prefix,
    generationKey: `${prefix}generation`,
    invalidationChannel: `${prefix}invalidations`,
    acknowledgementChannel: `${prefix}acknowledgements`,
    entryKey: (key) => `${prefix}entry:${key}`,
  };
};

/** What a writer publishes: the tags it invalidated, when, and an id the replicas acknowledge. */
export interface InvalidationMessage {
  id: string;
  tags: string[];
  /** When the writer published it (epoch ms), for the staleness metric. */
  at: number;
}

/** How long a tag's invalidation generation is kept: longer than any load may take. */
export const TAG_GENERATION_TTL_MS = 10 * 60_000;

// ARGV: prefix, tag generation TTL, channel, message, tags... Returns how many replicas the message reached.
const INVALIDATE = `
local generation = redis.call('INCR', KEYS[1])
local prefix = ARGV[1]
for i = 5, #ARGV do
  local tagKey = prefix .. 'tag:' .. ARGV[i]
  for _, key in ipairs(redis.call('SMEMBERS', tagKey)) do
    redis.call('DEL', prefix .. 'entry:' .. key)
  end
  redis.call('DEL', tagKey)
  redis.call('SET', prefix .. 'taggen:' .. ARGV[i], generation, 'PX', ARGV[2])
end
return redis.call('PUBLISH', ARGV[3], ARGV[4])`;

// ARGV: prefix, generation when the load began, ttl, key, value, tags...
const FILL = `
local prefix = ARGV[1]
local began = tonumber(ARGV[2])
for i = 6, #ARGV do
  local invalidated = redis.call('GET', prefix .. 'taggen:' .. ARGV[i])
  if invalidated and tonumber(invalidated) > began then return 0 end
end
local ttl = tonumber(ARGV[3])
redis.call('SET', prefix .. 'entry:' .. ARGV[4], ARGV[5], 'PX', ttl)
for i = 6, #ARGV do
  local tagKey = prefix .. 'tag:' .. ARGV[i]
  redis.call('SADD', tagKey, ARGV[4])
  if redis.call('PTTL', tagKey) < ttl then redis.call('PEXPIRE', tagKey, ttl) end
end
return 1`;

/**
 * The two scripts, run atomically in Redis. They build keys from the prefix, so they need one Redis
 * (not a cluster, where a script may only touch the keys it declares).
 */
export const cacheScripts = {
  /** Deletes the tagged entries and publishes `message` to the replicas, in one round trip; resolves to how many it reached. */
  invalidate: async (redis: Redis, namespace: CacheNamespace, tags: readonly string[], message: InvalidationMessage): Promise<number> =>
    Number(
      await redis.eval(
        INVALIDATE,
        1,
        namespace.generationKey,
        namespace.prefix,
        TAG_GENERATION_TTL_MS,
        namespace.invalidationChannel,
        JSON.stringify(message),
        ...tags,
      ),
    ),
  fill: (
    redis: Redis,
    namespace: CacheNamespace,
    fill: { generation: number; ttlMs: number; key: string; value: string; tags: readonly string[] },
  ): Promise<unknown> => redis.eval(FILL, 0, namespace.prefix, fill.generation, fill.ttlMs, fill.key, fill.value, ...fill.tags),
};
