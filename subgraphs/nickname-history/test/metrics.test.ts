// What an operator scrapes from nickname-history: the pipeline's end-to-end delay, by transport,
// and the consumer's counts and queue depths.
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { pino } from 'pino';
import { createMetricsRegistry } from '@mp/service-kit';
import { metricValue, waitFor } from '@mp/testkit';
import { deleteMemberEventsTopology, memberEventsTopology, routingKeyFor } from '@mp/messaging';
import { startAmqpConsumer, type AmqpConsumer } from '../src/intake/amqp-consumer.js';
import { consumerProcessingMetrics, eventDelayMetrics, registerConsumerMetrics } from '../src/intake/intake-metrics.js';
import { buildServer, type HistoryServer } from '../src/server.js';
import { createHistoryTestDb, type HistoryTestDb } from './support/database.js';
import { chainOf } from './support/events.js';
import { TEST_AMQP_URL as AMQP_URL, TEST_EVENTS_SECRET, TEST_GATEWAY_SECRET } from './support/server.js';

const topology = memberEventsTopology(`test.history-metrics.${randomBytes(4).toString('hex')}.`);
const registry = createMetricsRegistry('nickname-history');
const recordedEvents = eventDelayMetrics(registry);

let store: HistoryTestDb;
let server: HistoryServer;
let broker: ChannelModel;
let channel: ConfirmChannel;
let consumer: AmqpConsumer;

beforeAll(async () => {
  store = await createHistoryTestDb();
  server = await buildServer({
    db: store.db,
    logger: pino({ level: 'silent' }),
    gatewaySecret: TEST_GATEWAY_SECRET,
    eventsSecret: TEST_EVENTS_SECRET,
    metricsRegistry: registry,
    recordedEvents,
  });
  broker = await connect(AMQP_URL);
  channel = await broker.createConfirmChannel();
  consumer = startAmqpConsumer(store.db, {
    url: AMQP_URL,
    topology,
    heartbeatSeconds: 5,
    prefetch: 10,
    maxAttempts: 2,
    retryDelayMs: 20,
    logger: pino({ level: 'silent' }),
    recorded: recordedEvents,
    processed: consumerProcessingMetrics(registry, topology.queue),
  });
  registerConsumerMetrics(registry, consumer);
  await consumer.ready();
});
afterAll(async () => {
  await consumer?.close();
  await deleteMemberEventsTopology(channel, topology);
  await broker?.close();
  await server?.close();
  await store?.close();
});

const sample = (name: string, labels: Record<string, string> = {}) => metricValue(registry, name, labels);

it('measures the delay from a nickname change to its stored history row, for events over HTTP', async () => {
  const url = `${await server.http.listen(0)}/internal/events`;
  const events = chainOf(randomUUID(), ['d1', 'd2']).map((event) => ({ ...event, changedAt: new Date(Date.now() - 10_000).toISOString() }));
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-events-secret': TEST_EVENTS_SECRET },
    body: JSON.stringify({ events }),
  });
  expect(response.status).toBe(200);
  expect(await sample('nickname_history_event_delay_seconds_count', { transport: 'http' })).toBe(2);
  // Both changed ten seconds ago: past the 5 s bucket, inside the 30 s one.
  expect(await sample('nickname_history_event_delay_seconds_bucket', { transport: 'http', le: '5' })).toBe(0);
  expect(await sample('nickname_history_event_delay_seconds_bucket', { transport: 'http', le: '30' })).toBe(2);
});

it("counts the consumer's work, dead letters included, and reports queue depths", async () => {
  for (const event of chainOf(randomUUID(), ['q1', 'q2', 'q3'])) {
    channel.publish(topology.exchange, routingKeyFor(event.type), Buffer.from(JSON.stringify(event)), { persistent: true });
  }
  channel.publish(topology.exchange, routingKeyFor('NicknameChanged'), Buffer.from('not json'), { persistent: true });
  await channel.waitForConfirms();
  await waitFor(
    'the consumer to store three and dead-letter one',
    () => Promise.resolve(consumer.stats),
    (stats) => stats.recorded === 3 && stats.deadLettered === 1,
  );
  expect(await sample('nickname_history_consumer_recorded_total')).toBe(3);
  expect(await sample('nickname_history_consumer_dead_lettered_total')).toBe(1);
  expect(await sample('nickname_history_consumer_redeliveries_total')).toBeGreaterThanOrEqual(1);
  expect(await sample('nickname_history_event_delay_seconds_count', { transport: 'amqp' })).toBe(3);
  expect(await sample('nickname_history_queue_depth', { queue: topology.queue, kind: 'events' })).toBe(0);
  expect(await sample('nickname_history_queue_depth', { queue: topology.deadLetterQueue, kind: 'dead_letter' })).toBe(1);
  // Every batch is timed: at least one for the three stored, one for each attempt of the bad one.
  const batches = await sample('messaging_process_duration_seconds_count', {
    messaging_system: 'rabbitmq',
    messaging_destination_name: topology.queue,
  });
  expect(batches).toBeGreaterThanOrEqual(2);
  expect(batches).toBeLessThanOrEqual(consumer.stats.received);
});

it('records DataLoader batch sizes: a page of members is one batch of all their ids', async () => {
  const representations = Array.from({ length: 5 }, () => ({ __typename: 'Member', id: randomUUID() }));
  const response = await server.apollo.executeOperation(
    {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { nicknameHistory(first: 2) { totalCount } } } }',
      variables: { r: representations },
    },
    { contextValue: server.createContext() },
  );
  expect(response.body.kind === 'single' && response.body.singleResult.errors).toBeFalsy();
  expect(await sample('dataloader_batch_size_count', { loader: 'historyPage' })).toBe(1);
  expect(await sample('dataloader_batch_size_sum', { loader: 'historyPage' })).toBe(5);
  expect(await sample('dataloader_batch_size_sum', { loader: 'historyCount' })).toBe(5);
});
