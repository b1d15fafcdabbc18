import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { nicknameChangedSchema, type NicknameChanged } from '@mp/events';
import type { Logger } from '@mp/service-kit';
import {
  DEAD_LETTER_HEADERS,
  DELIVERY_COUNT_HEADER,
  assertMemberEventsTopology,
  deliveryCount,
  startReconnectingConnection,
  type MemberEventsTopology,
  type ReconnectOptions,
} from '@mp/messaging';
import { recordNicknameChanges, type HistoryDb } from '../data/history-repository.js';

export interface AmqpConsumerOptions {
  url: string;
  topology: MemberEventsTopology;
  heartbeatSeconds: number;
  /** Unacknowledged messages the broker may hand this consumer at once (also the batch ceiling). */
  prefetch: number;
  /** Failed attempts (deliveries) after which a message goes to the dead-letter queue. */
  maxAttempts: number;
  /** Pause before a failed message is returned to the queue, so a poison message does not spin. */
  retryDelayMs: number;
  /** Back-off while the history database is unreachable (messages are held, not failed). */
  databaseRetryMs?: number;
  logger: Logger;
  reconnect?: ReconnectOptions;
  name?: string;
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

export interface ConsumerStatus {
  connected: boolean;
  queue: string;
  queueDepth: number | null;
  deadLetterQueue: string;
  deadLetterDepth: number | null;
}

export interface AmqpConsumer {
  readonly connected: boolean;
  readonly stats: Readonly<ConsumerStats>;
  /** Resolves once the first connection consumes. */
  ready(): Promise<void>;
  /** Queue and dead-letter depth for readiness reports. */
  status(): Promise<ConsumerStatus>;
  /** Finishes the batch in hand (acking what was stored), then disconnects; the rest is redelivered. */
  close(): Promise<void>;
}

interface Delivery {
  channel: ConfirmChannel;
  message: ConsumeMessage;
}

type Parsed = { ok: true; delivery: Delivery; event: NicknameChanged } | { ok: false; delivery: Delivery; reason: string };

type StoreOutcome = { kind: 'stored'; count: number } | { kind: 'failed'; reason: string } | { kind: 'abandoned' };

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 1_000);

function parse(delivery: Delivery): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(delivery.message.content.toString('utf8'));
  } catch (error) {
    return { ok: false, delivery, reason: `malformed JSON: ${errorMessage(error)}` };
  }
  const event = nicknameChangedSchema.safeParse(body);
  if (!event.success) {
    const issues = event.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, delivery, reason: `invalid NicknameChanged: ${issues.join('; ')}` };
  }
  return { ok: true, delivery, event: event.data };
}

/**
 * Consumes NicknameChanged events from the quorum queue into the history database.
 *
 * - A message is acked only after the statement storing it committed; the store is idempotent,
 *   so a redelivery after a crash or a lost ack changes nothing.
 * - Messages that arrive together are stored with one statement (at most `prefetch` of them).
 * - If the database is unreachable the messages are held and the store retried with back-off:
 *   an outage is not the messages' fault and must not dead-letter them.
 * - A message that fails while the database answers (malformed, rejected) is a failed attempt:
 *   it is returned to the queue after a pause, and when its delivery count (the quorum queue's
 *   x-delivery-count) reaches `maxAttempts` it is moved to the dead-letter queue with the reason
 *   in its headers, so one poison message never blocks the others.
 */
export function startAmqpConsumer(db: HistoryDb, options: AmqpConsumerOptions): AmqpConsumer {
  const { topology, logger } = options;
  const stats: ConsumerStats = { received: 0, recorded: 0, duplicates: 0, retried: 0, deadLettered: 0 };
  let current: ConfirmChannel | null = null;
  let statusChannel: Channel | null = null;
  let stopping = false;
  const pending: Delivery[] = [];
  let flushing: Promise<void> | null = null;
  const retryTimers = new Set<NodeJS.Timeout>();

  const isLive = (channel: ConfirmChannel) => channel === current && !stopping;

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const databaseReachable = async (): Promise<boolean> => {
    try {
      await db.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  };

  /** Stores the events; waits out a database outage for as long as the channel lives. */
  const store = async (channel: ConfirmChannel, events: NicknameChanged[]): Promise<StoreOutcome> => {
    let outageLogged = false;
    for (;;) {
      try {
        return { kind: 'stored', count: await recordNicknameChanges(db, events) };
      } catch (error) {
        if (await databaseReachable()) return { kind: 'failed', reason: `store failed: ${errorMessage(error)}` };
        if (!outageLogged) logger.warn({ err: error }, 'history database unreachable; holding messages');
        outageLogged = true;
      }
      // The broker redelivers everything unacked once this channel is gone.
      if (!isLive(channel)) return { kind: 'abandoned' };
      await sleep(options.databaseRetryMs ?? 500);
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

  const fail = async ({ channel, message }: Delivery, reason: string) => {
    const attempts = deliveryCount(message.properties.headers) + 1;
    if (attempts < options.maxAttempts) {
      stats.retried += 1;
      logger.warn({ messageId: message.properties.messageId as unknown, attempts, reason }, 'message failed; returning it to the queue');
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
    const { headers = {}, ...properties } = message.properties;
    // The broker's redelivery counter would be misleading on the dead-letter copy.
    const kept = Object.fromEntries(Object.entries(headers as Record<string, unknown>).filter(([key]) => key !== DELIVERY_COUNT_HEADER));
    channel.sendToQueue(topology.deadLetterQueue, message.content, {
      persistent: true,
      messageId: properties.messageId as string | undefined,
      contentType: properties.contentType as string | undefined,
      type: properties.type as string | undefined,
      appId: properties.appId as string | undefined,
      timestamp: properties.timestamp as number | undefined,
      headers: {
        ...kept,
        [DEAD_LETTER_HEADERS.reason]: reason,
        [DEAD_LETTER_HEADERS.attempts]: attempts,
        [DEAD_LETTER_HEADERS.originalExchange]: message.fields.exchange,
        [DEAD_LETTER_HEADERS.originalRoutingKey]: message.fields.routingKey,
        [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
      },
    });
    // Ack the original only once the dead-letter copy is safely in its queue.
    await channel.waitForConfirms();
    ack({ channel, message });
    stats.deadLettered += 1;
    logger.error({ messageId: properties.messageId as unknown, attempts, reason }, 'message dead-lettered');
  };

  const processBatch = async (batch: Delivery[]) => {
    const parsed = batch.filter((delivery) => isLive(delivery.channel)).map(parse);
    for (const bad of parsed) if (!bad.ok) await fail(bad.delivery, bad.reason);
    const good = parsed.filter((p): p is Extract<Parsed, { ok: true }> => p.ok);
    // Normally one channel; after a reconnect stale deliveries were filtered out above.
    const channel = good[0]?.delivery.channel;
    if (!channel) return;
    const together = await store(channel, good.map((p) => p.event));
    if (together.kind === 'abandoned') return;
    if (together.kind === 'stored') {
      for (const p of good) ack(p.delivery);
      stats.recorded += together.count;
      stats.duplicates += good.length - together.count;
      return;
    }
    // One of them is bad: store them one by one so only the culprit fails.
    for (const p of good) {
      const alone = await store(channel, [p.event]);
      if (alone.kind === 'abandoned') return;
      if (alone.kind === 'failed') {
        await fail(p.delivery, alone.reason);
        continue;
      }
      ack(p.delivery);
      stats.recorded += alone.count;
      stats.duplicates += 1 - alone.count;
    }
  };

  /** Drains `pending` in batches; messages arriving meanwhile form the next batch. */
  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending.splice(0, options.prefetch);
      try {
        await processBatch(batch);
      } catch (error) {
        // E.g. the channel died while dead-lettering: unacked messages come back by themselves.
        logger.warn({ err: error, messages: batch.length }, 'batch processing interrupted');
      }
    }
  };

  const enqueue = (delivery: Delivery) => {
    stats.received += 1;
    pending.push(delivery);
    flushing ??= flush().finally(() => {
      flushing = null;
    });
  };

  const connection = startReconnectingConnection({
    url: options.url,
    name: options.name ?? 'nickname-history-consumer',
    heartbeatSeconds: options.heartbeatSeconds,
    reconnect: options.reconnect,
    logger,
    async onConnect(model) {
      const channel = await model.createConfirmChannel();
      channel.on('error', (error: Error) => logger.warn({ err: error }, 'consumer channel error'));
      channel.on('close', () => {
        if (current === channel) current = null;
      });
      await assertMemberEventsTopology(channel, topology);
      await channel.prefetch(options.prefetch);
      const status = await model.createChannel();
      status.on('error', (error: Error) => logger.debug({ err: error }, 'status channel error'));
      status.on('close', () => {
        if (statusChannel === status) statusChannel = null;
      });
      current = channel;
      statusChannel = status;
      await channel.consume(
        topology.queue,
        (message) => {
          if (message) enqueue({ channel, message });
          // null: the broker cancelled the consumer (queue deleted); reconnecting re-declares it.
          else void model.close().catch(() => undefined);
        },
        { noAck: false },
      );
    },
    onDisconnect() {
      current = null;
      statusChannel = null;
    },
  });

  return {
    get connected() {
      return connection.connected;
    },
    stats,
    ready: () => connection.ready(),
    async status() {
      const channel = statusChannel;
      const depth = async (queue: string) => (channel ? (await channel.checkQueue(queue)).messageCount : null);
      try {
        return {
          connected: connection.connected,
          queue: topology.queue,
          queueDepth: await depth(topology.queue),
          deadLetterQueue: topology.deadLetterQueue,
          deadLetterDepth: await depth(topology.deadLetterQueue),
        };
      } catch {
        return { connected: false, queue: topology.queue, queueDepth: null, deadLetterQueue: topology.deadLetterQueue, deadLetterDepth: null };
      }
    },
    async close() {
      stopping = true;
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      await flushing;
      await connection.close();
    },
  };
}
