import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { nicknameChangedSchema, type NicknameChanged } from '@mp/events';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFromCarrier, linkToCarrier, type Logger } from '@mp/service-kit';
import { deadLetterCopy, deliveryCount, parseMessageBody } from '@mp/messaging';

/** The part of a confirm channel the processor uses (a fake in unit tests). */
export type DeliveryChannel = Pick<ConfirmChannel, 'ack' | 'nack' | 'sendToQueue' | 'waitForConfirms'>;

export interface Delivery {
  channel: DeliveryChannel;
  message: ConsumeMessage;
}

export interface ConsumerStats {
  received: number;
  /** Rows inserted. */
  recorded: number;
  /** Events already stored (redelivered or published twice), skipped. */
  duplicates: number;
  /** Failed attempts that were returned to the queue. */
  retried: number;
  deadLettered: number;
}

export interface DeliveryProcessorOptions {
  /** Stores events in one statement; returns how many rows were new. */
  record(events: NicknameChanged[]): Promise<number>;
  /** Tells a database outage (hold the messages) from a bad message (fail it). */
  databaseReachable(): Promise<boolean>;
  /** False once the delivery's channel is gone or the consumer stops: leave it to the broker. */
  isLive(channel: DeliveryChannel): boolean;
  deadLetterQueue: string;
  /** The queue consumed, for spans. */
  queue: string;
  /** Unacknowledged messages in hand at most (also the largest batch). */
  prefetch: number;
  maxAttempts: number;
  retryDelayMs: number;
  databaseRetryMs: number;
  logger: Logger;
  /** Told how long each batch took to process (stored, retried or dead-lettered), and its size. */
  processed?: (seconds: number, messages: number) => void;
}

export interface DeliveryProcessor {
  readonly stats: Readonly<ConsumerStats>;
  enqueue(delivery: Delivery): void;
  /** Resolves when every enqueued delivery has been handled. */
  drained(): Promise<void>;
  /** Cancels pending retries (their messages come back from the broker by themselves). */
  cancelRetries(): void;
}

const tracer = trace.getTracer('nickname-history');

/**
 * Runs a batch's processing in a CONSUMER span continuing the first message's trace (the relay's
 * publish span, sent in its headers) and linking to every message's, as the relay's span does.
 */
function processTraced(queue: string, batch: readonly Delivery[], work: () => Promise<void>): Promise<void> {
  return tracer.startActiveSpan(
    `process ${queue}`,
    {
      kind: SpanKind.CONSUMER,
      links: batch.flatMap((d) => linkToCarrier(d.message.properties.headers)),
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': queue,
        'messaging.batch.message_count': batch.length,
      },
    },
    contextFromCarrier(batch[0]?.message.properties.headers),
    async (span) => {
      try {
        await work();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

type StoreOutcome = { kind: 'stored'; count: number } | { kind: 'failed'; reason: string } | { kind: 'abandoned' };

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 1_000);

/**
 * What happens to each NicknameChanged message, whatever the connection does:
 *
 * - A message is acked only after the statement storing it committed; the store is idempotent,
 *   so a redelivery after a crash or a lost ack changes nothing.
 * - Messages that arrive together are stored with one statement (at most `prefetch` of them).
 * - If the database is unreachable the messages are held and the store retried with back-off:
 *   an outage is not the messages' fault and must not dead-letter them.
 * - A message that fails while the database answers (malformed, rejected) is a failed attempt:
 *   it is returned to the queue after a pause, and when its delivery count (the quorum queue's
 *   x-delivery-count) reaches `maxAttempts` it is copied to the dead-letter queue with the reason
 *   in its headers, then acked, so one poison message never blocks the others.
 */
export function createDeliveryProcessor(options: DeliveryProcessorOptions): DeliveryProcessor {
  const { logger } = options;
  const isLive = (channel: DeliveryChannel) => options.isLive(channel);
  const stats: ConsumerStats = { received: 0, recorded: 0, duplicates: 0, retried: 0, deadLettered: 0 };
  const pending: Delivery[] = [];
  const retryTimers = new Set<NodeJS.Timeout>();
  let flushing: Promise<void> | null = null;

  /** Stores the events; waits out a database outage for as long as the channel lives. */
  const store = async (channel: DeliveryChannel, events: NicknameChanged[]): Promise<StoreOutcome> => {
    let outageLogged = false;
    for (;;) {
      try {
        return { kind: 'stored', count: await options.record(events) };
      } catch (error) {
        if (await options.databaseReachable()) return { kind: 'failed', reason: `store failed: ${errorMessage(error)}` };
        if (!outageLogged) logger.warn({ err: error }, 'history database unreachable; holding messages');
        outageLogged = true;
      }
      // The broker redelivers everything unacked once this channel is gone.
      if (!isLive(channel)) return { kind: 'abandoned' };
      await new Promise((resolve) => setTimeout(resolve, options.databaseRetryMs));
      if (!isLive(channel)) return { kind: 'abandoned' };
    }
  };

  const ack = ({ channel, message }: Delivery) => {
    try {
      channel.ack(message);
    } catch (error) {
      // The channel closed after the commit: the broker redelivers and the store skips it.
      logger.debug({ err: error }, 'ack after channel loss');
    }
  };

  const fail = async (delivery: Delivery, reason: string) => {
    const { channel, message } = delivery;
    const attempts = deliveryCount(message.properties.headers) + 1;
    const messageId: unknown = message.properties.messageId;
    if (attempts < options.maxAttempts) {
      stats.retried += 1;
      logger.warn({ messageId, attempts, reason }, 'message failed; returning it to the queue');
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        try {
          channel.nack(message, false, true);
        } catch {
          // Channel gone: the broker returns the message by itself.
        }
      }, options.retryDelayMs);
      retryTimers.add(timer);
      return;
    }
    const copy = deadLetterCopy(message, reason, attempts, new Date());
    channel.sendToQueue(options.deadLetterQueue, copy.content, copy.options);
    // Ack the original only once the dead-letter copy is safely in its queue.
    await channel.waitForConfirms();
    ack(delivery);
    stats.deadLettered += 1;
    logger.error({ messageId, attempts, reason }, 'message dead-lettered');
  };

  const processBatch = async (batch: Delivery[]) => {
    const good: { delivery: Delivery; event: NicknameChanged }[] = [];
    for (const delivery of batch.filter((d) => isLive(d.channel))) {
      const parsed = parseMessageBody(delivery.message.content, nicknameChangedSchema, 'NicknameChanged');
      if (parsed.ok) good.push({ delivery, event: parsed.value });
      else await fail(delivery, parsed.reason);
    }
    // Normally one channel; after a reconnect stale deliveries were filtered out above.
    const channel = good[0]?.delivery.channel;
    if (!channel) return;
    const together = await store(
      channel,
      good.map((g) => g.event),
    );
    if (together.kind === 'abandoned') return;
    if (together.kind === 'stored') {
      for (const g of good) ack(g.delivery);
      stats.recorded += together.count;
      stats.duplicates += good.length - together.count;
      return;
    }
    // One of them is bad: store them one by one so only the culprit fails.
    for (const g of good) {
      const alone = await store(channel, [g.event]);
      if (alone.kind === 'abandoned') return;
      if (alone.kind === 'failed') {
        await fail(g.delivery, alone.reason);
        continue;
      }
      ack(g.delivery);
      stats.recorded += alone.count;
      stats.duplicates += 1 - alone.count;
    }
  };

  /** Drains `pending` in batches; messages arriving meanwhile form the next batch. */
  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending.splice(0, options.prefetch);
      try {
        const started = performance.now();
        await processTraced(options.queue, batch, () => processBatch(batch));
        options.processed?.((performance.now() - started) / 1000, batch.length);
      } catch (error) {
        // E.g. the channel died while dead-lettering: unacked messages come back by themselves.
        logger.warn({ err: error, messages: batch.length }, 'batch processing interrupted');
      }
    }
  };

  return {
    stats,
    enqueue(delivery) {
      stats.received += 1;
      pending.push(delivery);
      flushing ??= flush().finally(() => {
        flushing = null;
      });
    },
    drained: async () => {
      while (flushing) await flushing;
    },
    cancelRetries() {
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
    },
  };
}
