import type { Logger } from '@mp/service-kit';
import type { MembersDb } from '../data/members-repository.js';
import type { EventPublisher } from './publisher.js';
import { claimDueEvents, markPublished, prunePublished, scheduleRetry } from './outbox-store.js';

export interface RelayOptions {
  batchSize: number;
  /** Fallback when no in-process wake-up arrives (e.g. events written by another replica). */
  pollIntervalMs: number;
  /** How long a claim is held before another relay may retry the rows. */
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Published rows older than this are deleted; unset keeps them forever. */
  retentionMs?: number;
  /** How often a relay prunes (default: once a minute). */
  pruneIntervalMs?: number;
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = {
  batchSize: 100,
  pollIntervalMs: 500,
  leaseMs: 30_000,
  retryBaseMs: 200,
  retryMaxMs: 30_000,
};

export interface OutboxRelay {
  /** Deliver now rather than at the next poll. */
  wake(): void;
  /** One claim-and-deliver pass; returns how many events were delivered. */
  drainOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** Exponential backoff with full jitter so many failing relays do not retry in lockstep. */
export const retryDelay = (attempts: number, { retryBaseMs, retryMaxMs }: RelayOptions): number =>
  Math.round(Math.random() * Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempts - 1, 20)));

/**
 * Delivers committed outbox events until acknowledged (at-least-once). A row is marked
 * published only after the publisher resolved; failures are retried with backoff, forever.
 */
export function startOutboxRelay(
  db: MembersDb,
  publisher: EventPublisher,
  logger: Logger,
  options: RelayOptions = DEFAULT_RELAY_OPTIONS,
): OutboxRelay {
  let running = true;
  let wakeUp: (() => void) | null = null;
  let wakePending = false;

  const drainOnce = async (): Promise<number> => {
    const claimed = await claimDueEvents(db, options.batchSize, options.leaseMs);
    if (claimed.length === 0) return 0;
    const ids = claimed.map((row) => row.id);
    try {
      await publisher.publish(claimed.map((row) => row.event));
    } catch (error) {
      const attempts = Math.max(...claimed.map((row) => row.attempts));
      const delayMs = retryDelay(attempts, options);
      logger.warn({ err: error, events: ids.length, attempts, retryInMs: delayMs }, 'event delivery failed; will retry');
      await scheduleRetry(db, ids, delayMs, error instanceof Error ? error.message : String(error));
      return 0;
    }
    await markPublished(db, ids);
    return claimed.length;
  };

  const idle = () =>
    new Promise<void>((resolve) => {
      if (wakePending || !running) {
        wakePending = false;
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        wakeUp = null;
        resolve();
      }, options.pollIntervalMs);
      wakeUp = () => {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      };
    });

  let lastPrune = 0;
  const pruneIfDue = async () => {
    if (options.retentionMs === undefined || Date.now() - lastPrune < (options.pruneIntervalMs ?? 60_000)) return;
    lastPrune = Date.now();
    let pruned = 0;
    let chunk: number;
    do {
      chunk = await prunePublished(db, options.retentionMs);
      pruned += chunk;
    } while (chunk > 0 && running);
    if (pruned > 0) logger.info({ pruned, retentionMs: options.retentionMs }, 'pruned published outbox events');
  };

  const loop = async () => {
    while (running) {
      try {
        await pruneIfDue();
      } catch (error) {
        logger.warn({ err: error }, 'outbox pruning failed; will retry');
      }
      try {
        wakePending = false;
        const delivered = await drainOnce();
        if (delivered === options.batchSize) continue;
      } catch (error) {
        logger.error({ err: error }, 'outbox relay pass failed; will retry');
      }
      await idle();
    }
  };

  const done = loop();
  return {
    wake() {
      wakePending = true;
      wakeUp?.();
    },
    drainOnce,
    async stop() {
      running = false;
      wakeUp?.();
      await done;
    },
  };
}
