import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { cacheMetrics, type CacheMetrics } from './cache-metrics.js';
import { cacheNamespace, cacheScripts, type CacheNamespace, type InvalidationMessage } from './cache-namespace.js';

export interface TwoTierCacheOptions {
  /** Names the cache in metrics and in Redis (writers invalidate it by this name). */
  name: string;
  /** The shared tier; null: this replica's local tier only. */
  redis: Redis | null;
  /** A second connection for invalidation messages (a subscribed connection can send nothing else). */
  subscriber: Redis | null;
  /** Each entry's TTL is drawn from [ttl×(1−jitter), ttl] of the TTL its loader gave, so entries filled together do not expire together. */
  jitter: number;
  /** The local tier's bounds: entries, and characters of their text (least recently used evicted first). */
  maxEntries: number;
  maxBytes: number;
  registry?: Registry;
  logger: Logger;
}

/** What a loader found: the text, and whether and how it may be kept. */
export interface Loaded {
  text: string;
  /** null: this answer must not be kept, nor given to anyone else waiting for the same key. */
  keep: { tags: readonly string[]; ttlMs: number } | null;
}

interface Entry {
  text: string;
  tags: readonly string[];
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * Redis holds `<expiry>\n<tags separated by spaces>\n<text>`, so a replica reading it can index it
 * by tag and keep it locally no longer than it lives in Redis.
 */
const encodeShared = (entry: Entry) => `${entry.expiresAt}\n${entry.tags.join(' ')}\n${entry.text}`;
const decodeShared = (value: string): Entry => {
  const first = value.indexOf('\n');
  const second = value.indexOf('\n', first + 1);
  const tags = value.slice(first + 1, second);
  return { expiresAt: Number(value.slice(0, first)), tags: tags === '' ? [] : tags.split(' '), text: value.slice(second + 1) };
};

/**
 * A read-through cache of texts in two tiers: an LRU in this process, bounded in entries and
 * characters, and Redis shared by every replica. The loader decides whether an answer may be kept,
 * for how long, and under which tags (e.g. `member:<id>`). One load per key at a time in this
 * replica: concurrent misses wait for it, and take its answer only if it may be kept.
 *
 * Writers invalidate tags with a CacheInvalidator: it deletes the tagged entries in Redis and
 * publishes the tags; every replica drops them from its local tier and acknowledges, so the writer
 * can wait until no replica holds them. A load that overlapped an invalidation of its tags is kept
 * in neither tier. A replica whose subscription was interrupted may have missed messages, so it
 * drops its whole local tier when the subscription is back. Redis failing never fails a read: the
 * read goes to the loader, and the failure is counted.
 */
export class TwoTierCache {
  private readonly local: LRUCache<string, Entry>;
  private readonly keysByTag = new Map<string, Set<string>>();
  /** When each tag was last invalidated here: a load that began before must not fill the cache. */
  private readonly invalidatedAt = new Map<string, number>();
  private readonly loading = new Map<string, Promise<Loaded>>();
  private readonly metrics: CacheMetrics;
  private readonly namespace: CacheNamespace;
  /** Whether invalidation messages reach this replica now. */
  private subscribed = false;
  private heard!: () => void;
  private readonly firstSubscription = new Promise<void>((resolve) => (this.heard = resolve));

  constructor(private readonly options: TwoTierCacheOptions) {
    this.metrics = cacheMetrics(options.registry, options.name);
    this.namespace = cacheNamespace(options.name);
    this.local = new LRUCache<string, Entry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.text.length),
      dispose: (entry, key, reason) => {
        for (const tag of entry.tags) {
          const keys = this.keysByTag.get(tag);
          keys?.delete(key);
          if (keys?.size === 0) this.keysByTag.delete(tag);
        }
        if (reason === 'evict') this.metrics.evicted();
      },
    });
    this.subscribe();
  }

  /** The kept text of `key`, or what `load` gives (kept if it says so). */
  async get(key: string, load: () => Promise<Loaded>): Promise<string> {
    if (!this.usesLocalTier()) {
      // Without the invalidation messages the local tier could be stale: Redis alone, or the loader.
      return (await this.fill(key, load, false)).text;
    }
    const cached = this.local.get(key);
    if (cached) {
      this.metrics.request('local');
      return cached.text;
    }
    const pending = this.loading.get(key);
    if (pending) {
      const shared = await pending;
      if (shared.keep) return shared.text;
      // Not keepable (e.g. private to its caller): this caller loads its own.
      this.metrics.request('miss');
      return (await load()).text;
    }
    const loaded = this.fill(key, load);
    this.loading.set(key, loaded);
    try {
      return (await loaded).text;
    } finally {
      this.loading.delete(key);
    }
  }

  /** Drops every entry tagged with one of `tags` from this replica's local tier (a CacheInvalidator clears Redis and the others). */
  dropLocal(tags: readonly string[]): void {
    const now = performance.now();
    for (const tag of tags) {
      this.invalidatedAt.set(tag, now);
      for (const key of [...(this.keysByTag.get(tag) ?? [])]) this.local.delete(key);
    }
    this.metrics.invalidated(tags.length);
    this.forgetOldInvalidations(now);
  }

  /** Resolves once invalidation messages reach this replica (at once without Redis); until then its local tier is not used. */
  listening(): Promise<void> {
    return this.firstSubscription;
  }

  get size(): number {
    return this.local.size;
  }

  private async fill(key: string, load: () => Promise<Loaded>, local = true): Promise<Loaded> {
    const startedAt = performance.now();
    const { shared, generation } = await this.readShared(key);
    if (shared) {
      this.metrics.request('redis');
      if (local) this.keepLocally(key, shared, startedAt);
      return { text: shared.text, keep: { tags: shared.tags, ttlMs: Math.max(1, shared.expiresAt - Date.now()) } };
    }
    this.metrics.request('miss');
    const loaded = await load();
    if (!loaded.keep) return loaded;
    const ttlMs = this.jittered(loaded.keep.ttlMs);
    const entry = { text: loaded.text, tags: loaded.keep.tags, expiresAt: Date.now() + ttlMs };
    const fresh = !local || this.keepLocally(key, entry, startedAt);
    if (fresh && generation !== null) await this.writeShared(key, entry, ttlMs, generation);
    return loaded;
  }

  /** Keeps the entry locally until it expires, unless one of its tags was invalidated since `startedAt`. */
  private keepLocally(key: string, entry: Entry, startedAt: number): boolean {
    // Invalidated while loading: what was loaded may predate the write.
    if (entry.tags.some((tag) => (this.invalidatedAt.get(tag) ?? -1) >= startedAt)) return false;
    const ttl = entry.expiresAt - Date.now();
    if (ttl <= 0) return false;
    this.local.set(key, entry, { ttl });
    for (const tag of entry.tags) {
      const keys = this.keysByTag.get(tag) ?? new Set<string>();
      keys.add(key);
      this.keysByTag.set(tag, keys);
    }
    return true;
  }

  /** Only loads in flight compare against invalidation times: those older than any load can go. */
  private forgetOldInvalidations(now: number) {
    if (this.invalidatedAt.size < 10_000) return;
    for (const [tag, at] of this.invalidatedAt) if (now - at > 60_000) this.invalidatedAt.delete(tag);
  }

  /** The shared entry, and the invalidation generation before the load (null: Redis unusable, do not write). */
  private async readShared(key: string): Promise<{ shared: Entry | null; generation: number | null }> {
    const { redis } = this.options;
    if (!redis) return { shared: null, generation: null };
    try {
      const [value, generation] = await redis.mget(this.namespace.entryKey(key), this.namespace.generationKey);
      return { shared: value ? decodeShared(value) : null, generation: Number(generation ?? 0) };
    } catch (err) {
      this.redisFailed(err);
      return { shared: null, generation: null };
    }
  }

  private async writeShared(key: string, entry: Entry, ttlMs: number, generation: number) {
    try {
      await cacheScripts.fill(this.options.redis!, this.namespace, {
        generation,
        ttlMs,
        key,
        value: encodeShared(entry),
        tags: entry.tags,
      });
    } catch (err) {
      this.redisFailed(err);
    }
  }

  /** The local tier is used only while invalidation messages reach it (always, without Redis). */
  private usesLocalTier() {
    return this.options.subscriber === null || this.subscribed;
  }

  private subscribe() {
    const { subscriber, redis, logger } = this.options;
    if (!subscriber) {
      this.heard();
      return;
    }
    const { invalidationChannel, acknowledgementChannel } = this.namespace;
    let interrupted = false;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== invalidationChannel) return;
      const message = JSON.parse(text) as InvalidationMessage;
      this.dropLocal(message.tags);
      this.metrics.staleness((Date.now() - message.at) / 1000);
      redis?.publish(acknowledgementChannel, message.id).catch((err: unknown) => this.redisFailed(err));
    });
    subscriber.on('close', () => {
      interrupted ||= this.subscribed;
      this.subscribed = false;
    });
    // Subscribed on every (re)connection: commands sent while disconnected fail at once.
    const listen = () =>
      void subscriber.subscribe(invalidationChannel).then(
        () => {
          if (interrupted) {
            // Messages may have been missed while the subscription was down.
            logger.warn({ cache: this.options.name, dropped: this.local.size }, 'cache invalidations were interrupted: local tier dropped');
            this.local.clear();
            interrupted = false;
          }
          this.subscribed = true;
          this.heard();
        },
        (err: unknown) => this.redisFailed(err),
      );
    subscriber.on('ready', listen);
    if (subscriber.status === 'ready') listen();
  }

  private redisFailed(err: unknown) {
    this.metrics.redisFailed();
    this.options.logger.debug({ err, cache: this.options.name }, 'cache: Redis failed; reading through');
  }

  private jittered(ttlMs: number) {
    const { jitter } = this.options;
    return Math.max(1, Math.round(ttlMs * (1 - Math.random() * jitter)));
  }
}
