import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type Channel } from 'amqplib';
import { pino } from 'pino';
import type { NicknameChanged } from '@mp/events';
import { deleteMemberEventsTopology, memberEventsTopology, routingKeyFor } from '@mp/messaging';
import { createAmqpPublisher, type AmqpPublisher } from '../src/outbox/amqp-publisher.js';

const AMQP_URL = process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
const topology = memberEventsTopology(`test.publisher.${randomBytes(4).toString('hex')}.`);
const logger = pino({ level: 'silent' });

let broker: ChannelModel;
let admin: Channel;
let publisher: AmqpPublisher;

const event = (): NicknameChanged => ({
  type: 'NicknameChanged',
  eventId: randomUUID(),
  memberId: randomUUID(),
  version: 1,
  previousNickname: null,
  nickname: 'pub',
  changedAt: new Date().toISOString(),
});

beforeAll(async () => {
  broker = await connect(AMQP_URL);
  admin = await broker.createChannel();
  publisher = createAmqpPublisher({ url: AMQP_URL, topology, heartbeatSeconds: 5, confirmTimeoutMs: 2_000, logger });
  await publisher.ready();
});
afterAll(async () => {
  await publisher.close();
  await deleteMemberEventsTopology(admin, topology);
  await broker.close();
});

it('declares the topology itself, so events are queued before any consumer ever ran', async () => {
  const batch = [event(), event()];
  await publisher.publish(batch);
  const message = await admin.get(topology.queue, { noAck: true });
  expect(message && message.properties).toMatchObject({ messageId: batch[0]!.eventId, deliveryMode: 2, type: 'NicknameChanged' });
  expect(message && JSON.parse(message.content.toString())).toEqual(batch[0]);
  await admin.purgeQueue(topology.queue);
});

it('rejects a batch the broker could not route instead of counting it delivered', async () => {
  await admin.unbindQueue(topology.queue, topology.exchange, routingKeyFor('NicknameChanged'));
  try {
    await expect(publisher.publish([event()])).rejects.toThrow(/unroutable/);
  } finally {
    await admin.bindQueue(topology.queue, topology.exchange, routingKeyFor('NicknameChanged'));
  }
  await expect(publisher.publish([event()])).resolves.toBeUndefined();
  await admin.purgeQueue(topology.queue);
});

it('fails fast while the broker is unreachable (the relay retries later)', async () => {
  const unreachable = createAmqpPublisher({
    url: 'amqp://guest:guest@127.0.0.1:1',
    topology,
    heartbeatSeconds: 5,
    confirmTimeoutMs: 2_000,
    logger,
    reconnect: { retryBaseMs: 50, retryMaxMs: 100 },
  });
  try {
    await expect(unreachable.publish([event()])).rejects.toThrow(/not connected/);
    expect(unreachable.connected).toBe(false);
  } finally {
    await unreachable.close();
  }
});
