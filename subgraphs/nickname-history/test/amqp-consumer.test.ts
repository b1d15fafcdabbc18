import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { pino } from 'pino';
import type { NicknameChanged } from '@mp/events';
import { deleteMemberEventsTopology, memberEventsTopology, routingKeyFor, type MemberEventsTopology } from '@mp/messaging';
import { startAmqpConsumer, type AmqpConsumer } from '../src/intake/amqp-consumer.js';
import { buildServer, type HistoryServer } from '../src/server.js';
import { createHistoryTestDb, type HistoryTestDb } from './support/database.js';
import { chainOf } from './support/events.js';
import { TEST_AMQP_URL as AMQP_URL, TEST_EVENTS_SECRET, TEST_GATEWAY_SECRET } from './support/server.js';

const topology = memberEventsTopology(`test.history-consumer.${randomBytes(4).toString('hex')}.`);

/** A consumer quick to retry and reconnect, on its own queue. */
const consumerOptions = (queues: MemberEventsTopology, prefetch: number) => ({
  url: AMQP_URL,
  topology: queues,
  heartbeatSeconds: 5,
  prefetch,
  maxAttempts: 3,
  retryDelayMs: 20,
  logger: pino({ level: 'silent' }),
  reconnect: { retryBaseMs: 50, retryMaxMs: 200 },
});

let store: HistoryTestDb;
let broker: ChannelModel;
let channel: ConfirmChannel;
let consumer: AmqpConsumer;

beforeAll(async () => {
  store = await createHistoryTestDb();
  broker = await connect(AMQP_URL);
  channel = await broker.createConfirmChannel();
  consumer = startAmqpConsumer(store.db, consumerOptions(topology, 50));
  await consumer.ready();
});
afterAll(async () => {
  await consumer.close();
  await deleteMemberEventsTopology(channel, topology);
  await broker.close();
  await store.close();
});

async function publish(events: readonly NicknameChanged[]): Promise<void> {
  for (const event of events) {
    channel.publish(topology.exchange, routingKeyFor(event.type), Buffer.from(JSON.stringify(event)), {
      persistent: true,
      messageId: event.eventId,
    });
  }
  await channel.waitForConfirms();
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Deterministic shuffle (a linear congruential generator), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

it('stores the right chain whatever the arrival order, and each event once however often it arrives', async () => {
  const chains = Array.from({ length: 20 }, (_, m) =>
    chainOf(
      randomUUID(),
      Array.from({ length: 10 }, (_, v) => `m${m}v${v}`),
    ),
  );
  const events = chains.flat();
  // Shuffled across and within members, and a third of the events delivered twice.
  const arrivals = shuffled([...events, ...events.filter((_, i) => i % 3 === 0)], 42);
  await publish(arrivals);

  await until(async () => (await store.db.nicknameChange.count()) === events.length && consumer.stats.received >= arrivals.length);
  for (const chain of chains) {
    const stored = await store.db.nicknameChange.findMany({ where: { memberId: chain[0]!.memberId }, orderBy: { version: 'desc' } });
    expect(stored.map((row) => [row.version, row.previousNickname, row.nickname])).toEqual(
      [...chain].reverse().map((event) => [event.version, event.previousNickname, event.nickname]),
    );
  }
  expect(consumer.stats.duplicates).toBe(arrivals.length - events.length);
});

it('reports queue and dead-letter depth on /readyz', async () => {
  const server: HistoryServer = await buildServer({
    db: store.db,
    logger: pino({ level: 'silent' }),
    gatewaySecret: TEST_GATEWAY_SECRET,
    eventsSecret: TEST_EVENTS_SECRET,
    readiness: async () => ({ events: await consumer.status() }),
  });
  try {
    channel.sendToQueue(topology.deadLetterQueue, Buffer.from('x'), { persistent: true });
    await channel.waitForConfirms();
    const url = await server.http.listen(0);
    const body: unknown = await (await fetch(`${url}/readyz`)).json();
    expect(body).toMatchObject({
      status: 'ready',
      events: { connected: true, queue: topology.queue, queueDepth: 0, deadLetterQueue: topology.deadLetterQueue, deadLetterDepth: 1 },
    });
  } finally {
    await server.close();
  }
});

// RabbitMQ before 4 returns a quorum-queue consumer's unacknowledged messages as soon as the
// consumer is cancelled, so "cancel, then store what is in hand" would store messages the broker
// already gave back: the consumer instead finishes the batch it is storing, and closing hands back
// what it held but had not begun.
it('on close finishes the batch it is storing and hands back the rest: nothing lost, nothing stored twice', async () => {
  const own = memberEventsTopology(`test.history-drain.${randomBytes(4).toString('hex')}.`);
  const stopping = startAmqpConsumer(store.db, consumerOptions(own, 5));
  try {
    await stopping.ready();
    const member = randomUUID();
    const events = chainOf(
      member,
      Array.from({ length: 300 }, (_, v) => `d${v}`),
    );
    for (const event of events) {
      channel.publish(own.exchange, routingKeyFor(event.type), Buffer.from(JSON.stringify(event)), {
        persistent: true,
        messageId: event.eventId,
      });
    }
    await channel.waitForConfirms();
    const storedVersions = async () =>
      (await store.db.nicknameChange.findMany({ where: { memberId: member }, select: { version: true } })).map((row) => row.version);
    await until(async () => (await storedVersions()).length >= 10);
    await stopping.close();

    const stored = new Set(await storedVersions());
    // Every event is either stored or back in the queue, and none is both.
    const queued: number[] = [];
    for (;;) {
      const message = await channel.get(own.queue, { noAck: true });
      if (!message) break;
      queued.push((JSON.parse(message.content.toString()) as NicknameChanged).version);
    }
    expect(stored.size + queued.length).toBe(events.length);
    expect(queued.filter((version) => stored.has(version))).toEqual([]);
    expect(queued.length).toBeGreaterThan(0);
  } finally {
    await stopping.close();
    await deleteMemberEventsTopology(channel, own);
  }
});
