import type { Channel, ConfirmChannel } from 'amqplib';
import type { Logger } from '@mp/service-kit';
import { assertMemberEventsTopology, startReconnectingConnection, type MemberEventsTopology, type ReconnectOptions } from '@mp/messaging';
import { recordNicknameChanges, type HistoryDb } from '../data/history-repository.js';
import { createDeliveryProcessor, type ConsumerStats, type DeliveryChannel } from './delivery-processor.js';
import type { RecordedEvents } from './intake-metrics.js';

export type { ConsumerStats } from './delivery-processor.js';

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
  /** Told of every batch stored (for the end-to-end delay metric). */
  recorded?: RecordedEvents;
  /** Told how long each batch of messages took to process. */
  processed?: (seconds: number, messages: number) => void;
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

/**
 * Where the consumer is: between connections, consuming on one (its confirm channel for
 * messages and a plain one for queue depths), or stopping. Deliveries of any other channel are
 * left to the broker, which redelivers them.
 */
type ConsumerState =
  { kind: 'disconnected' } | { kind: 'consuming'; channel: ConfirmChannel; statusChannel: Channel } | { kind: 'stopping' };

/**
 * Consumes NicknameChanged events from the quorum queue into the history database: the
 * connection (re-established by itself, topology declared each time) feeds the delivery
 * processor, which decides what is stored, retried or dead-lettered (see delivery-processor.ts).
 */
export function startAmqpConsumer(db: HistoryDb, options: AmqpConsumerOptions): AmqpConsumer {
  const { topology, logger } = options;
  let state: ConsumerState = { kind: 'disconnected' };

  const processor = createDeliveryProcessor({
    record: async (events) => {
      const count = await recordNicknameChanges(db, events);
      options.recorded?.(events, 'amqp');
      return count;
    },
    databaseReachable: () =>
      db.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
    isLive: (channel: DeliveryChannel) => state.kind === 'consuming' && state.channel === channel,
    deadLetterQueue: topology.deadLetterQueue,
    queue: topology.queue,
    prefetch: options.prefetch,
    maxAttempts: options.maxAttempts,
    retryDelayMs: options.retryDelayMs,
    databaseRetryMs: options.databaseRetryMs ?? 500,
    logger,
    ...(options.processed ? { processed: options.processed } : {}),
  });

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
        if (state.kind === 'consuming' && state.channel === channel) state = { kind: 'disconnected' };
      });
      await assertMemberEventsTopology(channel, topology);
      await channel.prefetch(options.prefetch);
      const statusChannel = await model.createChannel();
      statusChannel.on('error', (error: Error) => logger.debug({ err: error }, 'status channel error'));
      if (state.kind === 'stopping') return;
      state = { kind: 'consuming', channel, statusChannel };
      await channel.consume(
        topology.queue,
        (message) => {
          if (message) processor.enqueue({ channel, message });
          // null: the broker cancelled the consumer (queue deleted); reconnecting re-declares it.
          else void model.close().catch(() => undefined);
        },
        { noAck: false },
      );
    },
    onDisconnect() {
      if (state.kind === 'consuming') state = { kind: 'disconnected' };
    },
  });

  return {
    get connected() {
      return connection.connected;
    },
    stats: processor.stats,
    ready: () => connection.ready(),
    async status() {
      const unknown = {
        connected: false,
        queue: topology.queue,
        queueDepth: null,
        deadLetterQueue: topology.deadLetterQueue,
        deadLetterDepth: null,
      };
      if (state.kind !== 'consuming') return { ...unknown, connected: connection.connected };
      const { statusChannel } = state;
      try {
        return {
          connected: connection.connected,
          queue: topology.queue,
          queueDepth: (await statusChannel.checkQueue(topology.queue)).messageCount,
          deadLetterQueue: topology.deadLetterQueue,
          deadLetterDepth: (await statusChannel.checkQueue(topology.deadLetterQueue)).messageCount,
        };
      } catch {
        return unknown;
      }
    },
    async close() {
      const current = state;
      state = { kind: 'stopping' };
      processor.cancelRetries();
      await processor.drained();
      // Closing the channel first lets the broker settle the acknowledgements just sent before the
      // connection's end hands back what was not acknowledged.
      if (current.kind === 'consuming') await current.channel.close().catch(() => undefined);
      await connection.close();
    },
  };
}
