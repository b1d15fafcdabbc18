import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { backoffDelay, contextFromCarrier, linkToCarrier, wakeableSleep, type Logger } from '@mp/service-kit';
import type { MembersDb } from '../data/members-repository.js';
import type { EventPublisher } from './publisher.js';
import { claimDueEvents, markPublished, prunePublished, scheduleRetry, type ClaimedEvent } from './outbox-store.js';

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
  stop(): Promise<void>;
}

const tracer = trace.getTracer('members');

/**
 * Publishes a batch inside a PRODUCER span that continues the trace of the batch's first event and
 * links to every event's own: a change's trace runs from its commit through the broker to the
 * history row, and a batch's span shows which changes it carried.
 */
function publishTraced(publisher: EventPublisher, claimed: readonly ClaimedEvent[]): Promise<void> {
  return tracer.startActiveSpan(
    'publish member-events',
    {
      kind: SpanKind.PRODUCER,
      links: claimed.flatMap((row) => linkToCarrier(row.traceContext)),
      attributes: {
        'messaging.operation.type': 'send',
        'messaging.destination.name': 'member-events',
        'messaging.batch.message_count': claimed.length,
      },
    },
    contextFromCarrier(claimed[0]?.traceContext),
    async (span) => {
      try {
        await publisher.publish(claimed.map((row) => row.event));
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

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
  const pause = wakeableSleep();

  const drainOnce = async (): Promise<number> => {
    const claimed = await claimDueEvents(db, options.batchSize, options.leaseMs);
    if (claimed.length === 0) return 0;
    const ids = claimed.map((row) => row.id);
    try {
      await publishTraced(publisher, claimed);
    } catch (error) {
      const attempts = Math.max(...claimed.map((row) => row.attempts));
      const delayMs = backoffDelay(attempts, { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs });
      logger.warn({ err: error, events: ids.length, attempts, retryInMs: delayMs }, 'event delivery failed; will retry');
      await scheduleRetry(db, ids, delayMs, error instanceof Error ? error.message : String(error));
      return 0;
    }
    await markPublished(db, ids);
    return claimed.length;
  };

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
        // This pass delivers whatever a wake-up asked for; a wake during it means another pass.
        pause.clear();
        const delivered = await drainOnce();
        if (delivered === options.batchSize) continue;
      } catch (error) {
        logger.error({ err: error }, 'outbox relay pass failed; will retry');
      }
      if (running) await pause.sleep(options.pollIntervalMs);
    }
  };

  const done = loop();
  return {
    wake: () => pause.wake(),
    async stop() {
      running = false;
      pause.wake();
      await done;
    },
  };
}
