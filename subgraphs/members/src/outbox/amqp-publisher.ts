import { once } from 'node:events';
import type { ConfirmChannel } from 'amqplib';
import type { NicknameChanged } from '@mp/events';
import { currentTraceCarrier, type Logger } from '@mp/service-kit';
import {
  assertMemberEventsTopology,
  routingKeyFor,
  startReconnectingConnection,
  type MemberEventsTopology,
  type ReconnectOptions,
} from '@mp/messaging';
import type { EventPublisher } from './publisher.js';

export interface AmqpPublisherOptions {
  url: string;
  topology: MemberEventsTopology;
  heartbeatSeconds: number;
  /** How long to wait for the broker's confirms of one batch before treating it as failed. */
  confirmTimeoutMs: number;
  logger: Logger;
  reconnect?: ReconnectOptions;
  /** Connection name shown by the broker, e.g. per replica. */
  name?: string;
}

export interface AmqpPublisher extends EventPublisher {
  readonly connected: boolean;
  /** Resolves once the first connection is up and the topology declared. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const withTimeout = <T>(promise: Promise<T>, ms: number, message: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });

/**
 * Publishes outbox events to the member-events exchange on a confirm channel. `publish`
 * resolves only when the broker confirmed every message of the batch, i.e. each is persisted
 * in the quorum queue; a nack, a returned (unroutable) message, a lost channel or a timeout
 * rejects, and the relay retries the whole batch later. The consumer is idempotent, so such a
 * retry may duplicate a message but never loses one.
 */
export function createAmqpPublisher(options: AmqpPublisherOptions): AmqpPublisher {
  const { topology, logger } = options;
  let channel: ConfirmChannel | null = null;
  // Message ids the broker returned as unroutable since the current batch began.
  const returned = new Set<string>();
  // Batches are serialised: confirms and returns are tracked per channel, not per call.
  let tail: Promise<unknown> = Promise.resolve();

  const connection = startReconnectingConnection({
    url: options.url,
    name: options.name ?? 'members-outbox-relay',
    heartbeatSeconds: options.heartbeatSeconds,
    reconnect: options.reconnect,
    logger,
    async onConnect(model) {
      const ch = await model.createConfirmChannel();
      ch.on('error', (error: Error) => logger.warn({ err: error }, 'publisher channel error'));
      ch.on('close', () => {
        if (channel === ch) channel = null;
      });
      ch.on('return', (message: { properties: { messageId?: unknown } }) => {
        if (typeof message.properties.messageId === 'string') returned.add(message.properties.messageId);
      });
      await assertMemberEventsTopology(ch, topology);
      channel = ch;
    },
    onDisconnect() {
      channel = null;
    },
  });

  const publishBatch = async (events: readonly NicknameChanged[]): Promise<void> => {
    const ch = channel;
    if (!ch) throw new Error('message broker not connected');
    returned.clear();
    // The relay's publish span, so the consumer continues the trace.
    const headers = currentTraceCarrier();
    for (const event of events) {
      const accepted = ch.publish(topology.exchange, routingKeyFor(event.type), Buffer.from(JSON.stringify(event)), {
        persistent: true,
        // Unroutable messages come back instead of vanishing; see the check below.
        mandatory: true,
        messageId: event.eventId,
        type: event.type,
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000),
        appId: 'members',
        headers,
      });
      // The socket buffer is full: wait for it to drain rather than buffering without bound.
      if (!accepted) await withTimeout(once(ch, 'drain'), options.confirmTimeoutMs, 'broker write buffer did not drain');
    }
    await withTimeout(ch.waitForConfirms(), options.confirmTimeoutMs, 'broker did not confirm in time');
    // The broker returns an unroutable message before confirming it: confirmed is not queued.
    const unroutable = events.filter((event) => returned.has(event.eventId));
    if (unroutable.length > 0) throw new Error(`${unroutable.length} event(s) were unroutable (no bound queue)`);
  };

  return {
    get connected() {
      return connection.connected;
    },
    ready: () => connection.ready(),
    publish(events) {
      const run = tail.then(() => publishBatch(events));
      tail = run.catch(() => undefined);
      return run;
    },
    close: () => connection.close(),
  };
}
