import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { NicknameChanged } from '@mp/events';
import { oncePerScrape } from '@mp/service-kit';
import type { AmqpConsumer, ConsumerStats } from './amqp-consumer.js';

/** From 10 ms to a minute: the budget is 1 s (p99), an outage stretches it to minutes. */
const DELAY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Called with the events a store committed, by transport. */
export type RecordedEvents = (events: readonly NicknameChanged[], transport: 'amqp' | 'http') => void;

/**
 * The end-to-end delay of the event pipeline: from the nickname change (its `changedAt`, taken in
 * the members transaction that wrote the outbox row) to the moment its history row is committed.
 */
export function eventDelayMetrics(registry: Registry): RecordedEvents {
  const delay = new Histogram({
    name: 'nickname_history_event_delay_seconds',
    help: 'Time from a nickname change to its history row being stored.',
    labelNames: ['transport'] as const,
    buckets: DELAY_BUCKETS,
    registers: [registry],
  });
  return (events, transport) => {
    const now = Date.now();
    for (const event of events) delay.observe({ transport }, Math.max(0, now - Date.parse(event.changedAt)) / 1000);
  };
}

/**
 * OpenTelemetry's `messaging.process.duration`: how long the consumer takes over a batch of
 * messages, from taking it to its acks (or retries, or dead letters).
 */
export function consumerProcessingMetrics(registry: Registry, queue: string): (seconds: number, messages: number) => void {
  const duration = new Histogram({
    name: 'messaging_process_duration_seconds',
    help: 'Time the consumer took over a batch of messages.',
    labelNames: ['messaging_system', 'messaging_destination_name'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return (seconds) => duration.observe({ messaging_system: 'rabbitmq', messaging_destination_name: queue }, seconds);
}

const STAT_COUNTERS: [keyof ConsumerStats, string, string][] = [
  ['received', 'nickname_history_consumer_received_total', 'Messages received from the queue.'],
  ['recorded', 'nickname_history_consumer_recorded_total', 'History rows inserted.'],
  ['duplicates', 'nickname_history_consumer_duplicates_total', 'Events already stored (redelivered or published twice), skipped.'],
  ['retried', 'nickname_history_consumer_redeliveries_total', 'Failed attempts returned to the queue for another try.'],
  ['deadLettered', 'nickname_history_consumer_dead_lettered_total', 'Messages moved to the dead-letter queue.'],
];

/** The AMQP consumer's counts, and the depth of its queue and dead-letter queue (asked at each scrape). */
export function registerConsumerMetrics(registry: Registry, consumer: AmqpConsumer): void {
  for (const [stat, name, help] of STAT_COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(consumer.stats[stat]);
      },
    });
  }
  const current = oncePerScrape(() => consumer.status());
  new Gauge({
    name: 'nickname_history_queue_depth',
    help: 'Messages waiting in the queue (absent while disconnected).',
    labelNames: ['queue', 'kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const { queue, queueDepth, deadLetterQueue, deadLetterDepth } = await current();
      if (queueDepth !== null) this.set({ queue, kind: 'events' }, queueDepth);
      if (deadLetterDepth !== null) this.set({ queue: deadLetterQueue, kind: 'dead_letter' }, deadLetterDepth);
    },
  });
}
