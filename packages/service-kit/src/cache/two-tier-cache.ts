import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { cacheMetrics, type CacheMetrics } from './cache-metrics.js';

export interface TwoTierCacheOptions {
  /** Names the cache in metrics and prefixes its Redis keys and channel. */
  name: string;
  /** The shared tier; null: this replica's local tier only. */
  redis: Redis | null;
  /** A second connection for invalidation messages (a subscribed connection can send nothing else). */
  subscriber: Redis | null;
  /** How long an entry lives, before jitter. */
  ttlMs: number;
  /** Each entry's TTL is drawn from ±jitter of ttlMs, so entries filled together do not expire together. */
  jitter: number;
  /** The local tier's bounds: entries, and bytes of their JSON text (least recently used evicted first). */
  maxEntries: number;
  maxBytes: number;
  registry?: Registry;
  logger: Logger;
}

interface Entry {
  text: string;
  tags: readonly string[];
}

interface InvalidationMessage {
  tags: string[];
  /** When the writer published it (epoch ms), for the staleness metric. */
  at: number;
}

/**
 * A read-through cache in two tiers: an LRU in this process, bounded in entries and bytes, and
 * Redis shared by every replica. Values are stored as JSON text and parsed per read, so no caller
 * can change what another reads. One load per key at a time in this replica (concurrent misses
 * wait for it); a load that fails is not cached. Entries carry tags (e.g. `member:<id>`):
 * `invalidate(tags)` drops every entry with one of them from this replica's tier and from Redis, and
 * publishes the tags so every other replica drops them from its own tier. A replica whose
 * subscription was interrupted may have missed messages, so it drops its whole local tier when the
 * subscription is back. Redis failing never fails a read: the read goes to the loader, and the
 * failure is counted.
 */
export class TwoTierCache {
  private readonly local: LRUCache<string, Entry>;
  private readonly keysByTag = new Map<string, Set<string>>();
  /** When each tag was last invalidated here: a load that began before must not fill the cache. */
  private readonly invalidatedAt = new Map<string, number>();
  private readonly loading = new Map<string, Promise<string>>();
  private readonly metrics: CacheMetrics;
  private readonly channel: string;

  constructor(private readonly options: TwoTierCacheOptions) {
    this.metrics = cacheMetrics(options.registry, options.name);
    this.channel = `cache:${options.name}:invalidations`;
    this.local = new LRUCache<string, Entry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.text.length),
      dispose: (entry, key, reason) => {
        for (const tag of entry.tags) this.keysByTag.get(tag)?.delete(key);
        if (reason === 'evict') this.metrics.evicted();
      },
    });
    this.subscribe();
  }

  /** The cached value of `key`, or what `load` gives (cached under `tags` unless it throws). */
  async get<V>(key: string, tags: readonly string[], load: () => Promise<V>): Promise<V> {
    const cached = this.local.get(key);
    if (cached) {
      this.metrics.request('local');
      return JSON.parse(cached.text) as V;
    }
    const pending = this.loading.get(key);
    if (pending) return JSON.parse(await pending) as V;
    const loaded = this.fill(key, tags, load);
    this.loading.set(key, loaded);
    try {
      return JSON.parse(await loaded) as V;
    } finally {
      this.loading.delete(key);
    }
  }

  /** Drops every entry tagged with one of `tags`, here, in Redis and (by message) in every other replica. */
  async invalidate(tags: readonly string[]): Promise<void> {
    this.dropLocal(tags);
    const { redis } = this.options;
    if (!redis) return;
    try {
      const tagKeys = tags.map((tag) => this.tagKey(tag));
      const keys = (await Promise.all(tagKeys.map((tagKey) => redis.smembers(tagKey)))).flat();
      await redis.del(...tagKeys, ...keys.map((key) => this.entryKey(key)));
      await redis.publish(this.channel, JSON.stringify({ tags: [...tags], at: Date.now() } satisfies InvalidationMessage));
    } catch (err) {
      this.redisFailed(err);
    }
  }

  get size(): number {
    return this.local.size;
  }

  private async fill<V>(key: string, tags: readonly string[], load: () => Promise<V>): Promise<string> {
    const startedAt = performance.now();
    const shared = await this.readShared(key);
    if (shared !== null) {
      this.metrics.request('redis');
      this.keep(key, tags, shared, startedAt);
      return shared;
    }
    this.metrics.request('miss');
    const text = JSON.stringify(await load());
    if (this.keep(key, tags, text, startedAt)) await this.writeShared(key, tags, text);
    return text;
  }

  /** Keeps the entry locally, unless one of its tags was invalidated while it was being read. */
  private keep(key: string, tags: readonly string[], text: string, startedAt: number): boolean {
    // Invalidated while loading: what was loaded may predate the write.
    if (tags.some((tag) => (this.invalidatedAt.get(tag) ?? -1) >= startedAt)) return false;
    this.local.set(key, { text, tags }, { ttl: this.ttl() });
    for (const tag of tags) {
      const keys = this.keysByTag.get(tag) ?? new Set<string>();
      keys.add(key);
      this.keysByTag.set(tag, keys);
    }
    return true;
  }

  private dropLocal(tags: readonly string[]) {
    const now = performance.now();
    for (const tag of tags) {
      this.invalidatedAt.set(tag, now);
      for (const key of [...(this.keysByTag.get(tag) ?? [])]) this.local.delete(key);
      this.keysByTag.delete(tag);
    }
    this.metrics.invalidated(tags.length);
    // Only loads in flight compare against these times: old ones can go.
    if (this.invalidatedAt.size > 10_000) this.invalidatedAt.clear();
  }

  private async readShared(key: string): Promise<string | null> {
    if (!this.options.redis) return null;
    try {
      return await this.options.redis.get(this.entryKey(key));
    } catch (err) {
      this.redisFailed(err);
      return null;
    }
  }

  private async writeShared(key: string, tags: readonly string[], text: string) {
    const { redis } = this.options;
    if (!redis) return;
    const ttl = this.ttl();
    try {
      const batch = redis.multi().set(this.entryKey(key), text, 'PX', ttl);
      for (const tag of tags) batch.sadd(this.tagKey(tag), key).pexpire(this.tagKey(tag), ttl * 2);
      await batch.exec();
    } catch (err) {
      this.redisFailed(err);
    }
  }

  private subscribe() {
    const { subscriber, logger } = this.options;
    if (!subscriber) return;
    let interrupted = false;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const { tags, at } = JSON.parse(message) as InvalidationMessage;
      this.dropLocal(tags);
      this.metrics.staleness((Date.now() - at) / 1000);
    });
    subscriber.on('close', () => (interrupted = true));
    // Subscribed on every (re)connection: commands sent while disconnected fail at once.
    const listen = () => void subscriber.subscribe(this.channel).catch((err: unknown) => this.redisFailed(err));
    subscriber.on('ready', () => {
      listen();
      if (!interrupted) return;
      interrupted = false;
      // Messages may have been missed while the subscription was down.
      logger.warn({ cache: this.options.name, dropped: this.local.size }, 'cache invalidations were interrupted: local tier dropped');
      this.local.clear();
      this.keysByTag.clear();
    });
    if (subscriber.status === 'ready') listen();
  }

  private redisFailed(err: unknown) {
    this.metrics.redisFailed();
    this.options.logger.debug({ err, cache: this.options.name }, 'cache: Redis failed; reading through');
  }

  private ttl() {
    const { ttlMs, jitter } = this.options;
    return Math.max(1, Math.round(ttlMs * (1 - jitter + Math.random() * 2 * jitter)));
  }

  private entryKey(key: string) {
    return `cache:${this.options.name}:entry:${key}`;
  }

  private tagKey(tag: string) {
    return `cache:${this.options.name}:tag:${tag}`;
  }
}
