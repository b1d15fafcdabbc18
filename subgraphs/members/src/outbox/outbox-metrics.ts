import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DURATION_BUCKETS, oncePerScrape } from '@mp/service-kit';
import type { MembersDb } from '../data/members-repository.js';
import { outboxBacklog } from './outbox-store.js';
import type { EventPublisher } from './publisher.js';

/**
 * The outbox's lag, read from the database at each scrape: what the "events are not leaving"
 * alert watches (pending count, and the age of the oldest pending event).
 */
export function registerOutboxGauges(registry: Registry, db: MembersDb): void {
  const backlog = oncePerScrape(() => outboxBacklog(db));
  new Gauge({
    name: 'outbox_pending_events',
    help: 'Events committed but not yet acknowledged by the receiver.',
    registers: [registry],
    async collect() {
      this.set((await backlog()).pending);
    },
  });
  new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest event not yet acknowledged (0 when none).',
    registers: [registry],
    async collect() {
      this.set(((await backlog()).oldestPendingAgeMs ?? 0) / 1000);
    },
  });
}

/** The relay's deliveries, timed and counted by transport and outcome. */
export function measuredPublisher(publisher: EventPublisher, registry: Registry, transport: 'amqp' | 'http'): EventPublisher {
  const duration = new Histogram({
    name: 'outbox_relay_publish_duration_seconds',
    help: 'Time to hand a batch of events to the receiver and have it acknowledged.',
    labelNames: ['transport', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const events = new Counter({
    name: 'outbox_relay_events_total',
    help: 'Events the relay handed over, by outcome (failed ones are retried).',
    labelNames: ['transport', 'outcome'] as const,
    registers: [registry],
  });
  return {
    async publish(batch) {
      const stop = duration.startTimer({ transport });
      try {
        await publisher.publish(batch);
        stop({ outcome: 'success' });
        events.inc({ transport, outcome: 'success' }, batch.length);
      } catch (error) {
        stop({ outcome: 'failure' });
        events.inc({ transport, outcome: 'failure' }, batch.length);
        throw error;
      }
    },
    ...(publisher.close ? { close: () => publisher.close!() } : {}),
  };
}
