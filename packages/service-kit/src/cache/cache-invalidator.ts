import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { INVALIDATION_BUCKETS } from './cache-metrics.js';
import { cacheNamespace, cacheScripts, type CacheNamespace, type InvalidationMessage } from './cache-namespace.js';

export interface CacheInvalidatorOptions {
  /** The cache's name, as its replicas know it (TwoTierCache `name`). */
  cache: string;
  redis: Redis;
  /** A second connection, for the replicas' acknowledgements. */
  subscriber: Redis;
  /** How long a write waits for every replica to drop the entries before it answers anyway. */
  acknowledgementTimeoutMs: number;
  registry?: Registry;
  logger: Logger;
}

interface Waiting {
  acknowledged: number;
  expected: number | null;
  done: () => void;
}

/**
 * The writer's side of a TwoTierCache: after a commit, `invalidate(tags)` deletes every entry with
 * one of the tags from Redis (atomically, and so that a load that began before cannot write its
 * old answer back) and publishes the tags to every replica, in one script and one round trip. Then
 * it waits until each replica that received them has dropped them from its local tier. When it
 * returns, no replica serves what the write changed, so a client that wrote reads its write from
 * any replica. The wait is bounded; a replica that does not answer in time is counted and logged,
 * never fails the write.
 */
export class CacheInvalidator {
  private readonly namespace: CacheNamespace;
  private readonly waiting = new Map<string, Waiting>();
  private readonly unacknowledged: Counter | null;
  private readonly waitSeconds: Histogram | null;
  private readonly stageSeconds: Histogram | null;
  private readonly failures: Counter | null;

  constructor(private readonly options: CacheInvalidatorOptions) {
    this.namespace = cacheNamespace(options.cache);
    const registers = options.registry ? [options.registry] : [];
    const labels = { cache: options.cache };
    this.unacknowledged = options.registry
      ? new Counter({
          name: 'cache_invalidations_unacknowledged_total',
          help: 'Invalidations some replica did not acknowledge within the timeout.',
          labelNames: ['cache'],
          registers,
        })
      : null;
    this.failures = options.registry
      ? new Counter({
          name: 'cache_invalidation_failures_total',
          help: 'Invalidations Redis refused (entries live until their TTL).',
          labelNames: ['cache'],
          registers,
        })
      : null;
    this.waitSeconds = options.registry
      ? new Histogram({
          name: 'cache_invalidation_seconds',
          help: 'Time from a commit to every replica having dropped the entries it changed.',
          labelNames: ['cache'],
          buckets: INVALIDATION_BUCKETS,
          registers,
        })
      : null;
    this.stageSeconds = options.registry
      ? new Histogram({
          name: 'cache_invalidation_stage_seconds',
          help: 'Where an invalidation spends its time: the Redis script that deletes and publishes (script), then every replica confirming (acknowledged).',
          labelNames: ['cache', 'stage'],
          buckets: INVALIDATION_BUCKETS,
          registers,
        })
      : null;
    this.unacknowledged?.inc(labels, 0);
    this.failures?.inc(labels, 0);
    const { subscriber } = options;
    subscriber.on('message', (channel: string, id: string) => {
      if (channel !== this.namespace.acknowledgementChannel) return;
      const waiting = this.waiting.get(id);
      if (!waiting) return;
      waiting.acknowledged += 1;
      if (waiting.expected !== null && waiting.acknowledged >= waiting.expected) waiting.done();
    });
    const listen = () => void subscriber.subscribe(this.namespace.acknowledgementChannel).catch((err: unknown) => this.failed(err, []));
    subscriber.on('ready', listen);
    if (subscriber.status === 'ready') listen();
  }

  /** Drops `tags` everywhere; resolves once every replica has (or the timeout passed). Never rejects. */
  async invalidate(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    const started = performance.now();
    const message: InvalidationMessage = { id: randomUUID(), tags: [...tags], at: Date.now() };
    let timer: NodeJS.Timeout | undefined;
    const acknowledged = new Promise<boolean>((resolve) => {
      const waiting: Waiting = { acknowledged: 0, expected: null, done: () => resolve(true) };
      this.waiting.set(message.id, waiting);
      timer = setTimeout(() => resolve(false), this.options.acknowledgementTimeoutMs);
    });
    try {
      const { redis } = this.options;
      const receivers = await cacheScripts.invalidate(redis, this.namespace, tags, message);
      const published = performance.now();
      this.stageSeconds?.observe({ cache: this.options.cache, stage: 'script' }, (published - started) / 1000);
      const waiting = this.waiting.get(message.id)!;
      waiting.expected = receivers;
      if (waiting.acknowledged >= receivers) waiting.done();
      if (!(await acknowledged)) {
        this.unacknowledged?.inc({ cache: this.options.cache });
        this.options.logger.warn(
          { cache: this.options.cache, tags, receivers, acknowledged: waiting.acknowledged },
          'cache invalidation: some replicas did not confirm in time',
        );
      }
      const finished = performance.now();
      this.stageSeconds?.observe({ cache: this.options.cache, stage: 'acknowledged' }, (finished - published) / 1000);
      this.waitSeconds?.observe({ cache: this.options.cache }, (finished - started) / 1000);
    } catch (err) {
      this.failed(err, tags);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(message.id);
    }
  }

  private failed(err: unknown, tags: readonly string[]) {
    this.failures?.inc({ cache: this.options.cache });
    this.options.logger.warn({ err, cache: this.options.cache, tags }, 'cache invalidation failed: entries live until their TTL');
  }
}
