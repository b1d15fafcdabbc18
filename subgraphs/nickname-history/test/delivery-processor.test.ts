// The consumer's failure paths against a fake channel and a fake store: what is acked, returned,
// dead-lettered (with which headers), and held, without a broker or a database.
import { randomUUID } from 'node:crypto';
import type { ConsumeMessage, Options } from 'amqplib';
import { pino } from 'pino';
import { DEAD_LETTER_HEADERS, DELIVERY_COUNT_HEADER } from '@mp/messaging';
import type { NicknameChanged } from '@mp/events';
import { createDeliveryProcessor, type DeliveryChannel, type DeliveryProcessorOptions } from '../src/intake/delivery-processor.js';
import { chainOf } from './support/events.js';

class FakeChannel implements DeliveryChannel {
  readonly acked: ConsumeMessage[] = [];
  readonly requeued: ConsumeMessage[] = [];
  readonly sent: { queue: string; content: Buffer; options: Options.Publish }[] = [];
  confirms = 0;

  ack(message: ConsumeMessage) {
    this.acked.push(message);
  }
  nack(message: ConsumeMessage, _allUpTo?: boolean, requeue?: boolean) {
    if (requeue) this.requeued.push(message);
  }
  sendToQueue(queue: string, content: Buffer, options?: Options.Publish) {
    this.sent.push({ queue, content, options: options ?? {} });
    return true;
  }
  waitForConfirms() {
    this.confirms += 1;
    return Promise.resolve();
  }
}

const message = (content: string, deliveries = 0): ConsumeMessage =>
  ({
    content: Buffer.from(content),
    fields: {
      deliveryTag: 1,
      redelivered: deliveries > 0,
      exchange: 'member-events',
      routingKey: 'member.NicknameChanged',
      consumerTag: 'c',
    },
    properties: {
      messageId: randomUUID(),
      contentType: 'application/json',
      headers: deliveries > 0 ? { [DELIVERY_COUNT_HEADER]: deliveries } : {},
    },
  }) as unknown as ConsumeMessage;

const eventMessage = (event: NicknameChanged, deliveries = 0) => message(JSON.stringify(event), deliveries);

function setUp(overrides: Partial<DeliveryProcessorOptions> = {}) {
  const channel = new FakeChannel();
  const stored: NicknameChanged[] = [];
  const processor = createDeliveryProcessor({
    record: (events) => {
      stored.push(...events);
      return Promise.resolve(events.length);
    },
    databaseReachable: () => Promise.resolve(true),
    isLive: () => true,
    deadLetterQueue: 'dlq',
    queue: 'events',
    prefetch: 10,
    maxAttempts: 3,
    retryDelayMs: 5,
    databaseRetryMs: 5,
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
  return { channel, stored, processor };
}

describe('delivery processor', () => {
  it('stores messages that arrive together in one call, and acks each only after its store', async () => {
    const events = chainOf(randomUUID(), ['a', 'b', 'c', 'd']);
    const alreadyStored = events[2]!.eventId;
    const calls: string[][] = [];
    const { channel, processor } = setUp({
      record: (batch) => {
        calls.push(batch.map((event) => event.nickname));
        expect(channel.acked).toHaveLength(calls.length === 1 ? 0 : calls[0]!.length);
        return Promise.resolve(batch.filter((event) => event.eventId !== alreadyStored).length);
      },
    });
    for (const event of events) processor.enqueue({ channel, message: eventMessage(event) });
    await processor.drained();
    // The first message starts a store at once; the three that arrive meanwhile go together.
    expect(calls).toEqual([['a'], ['b', 'c', 'd']]);
    expect(channel.acked).toHaveLength(4);
    expect(processor.stats).toMatchObject({ received: 4, recorded: 3, duplicates: 1, retried: 0, deadLettered: 0 });
  });

  it('returns a malformed message to the queue after the retry pause while it has attempts left', async () => {
    const { channel, processor } = setUp();
    const bad = message('{not json', 1);
    processor.enqueue({ channel, message: bad });
    await processor.drained();
    expect(channel.requeued).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(channel.requeued).toEqual([bad]);
    expect(channel.acked).toEqual([]);
    expect(processor.stats).toMatchObject({ retried: 1, deadLettered: 0 });
  });

  it('dead-letters a message on its last attempt: a confirmed copy with the reason, then the ack', async () => {
    const { channel, processor } = setUp();
    const bad = message(JSON.stringify({ type: 'NicknameChanged', version: 2 ** 31 }), 2);
    processor.enqueue({ channel, message: bad });
    await processor.drained();
    expect(channel.sent).toHaveLength(1);
    const [copy] = channel.sent;
    expect(copy!.queue).toBe('dlq');
    expect(copy!.content).toEqual(bad.content);
    expect(copy!.options).toMatchObject({ persistent: true, messageId: bad.properties.messageId });
    expect(copy!.options.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.reason]: expect.stringMatching(/^invalid NicknameChanged: /),
      [DEAD_LETTER_HEADERS.attempts]: 3,
      [DEAD_LETTER_HEADERS.originalRoutingKey]: 'member.NicknameChanged',
      [DEAD_LETTER_HEADERS.failedAt]: expect.any(String),
    });
    expect(copy!.options.headers).not.toHaveProperty(DELIVERY_COUNT_HEADER);
    expect(channel.confirms).toBe(1);
    expect(channel.acked).toEqual([bad]);
    expect(processor.stats).toMatchObject({ deadLettered: 1 });
  });

  it('never stores a body that is not UTF-8 (decoding would store U+FFFD): it dead-letters on its last attempt', async () => {
    const { channel, stored, processor } = setUp();
    const sound = eventMessage(chainOf(randomUUID(), ['BROKEN'])[0]!, 2);
    const content = Buffer.from(sound.content);
    content[content.indexOf('BROKEN')] = 0xff;
    const bad = { ...sound, content } as ConsumeMessage;
    processor.enqueue({ channel, message: bad });
    await processor.drained();
    expect(stored).toEqual([]);
    expect(channel.sent).toEqual([
      expect.objectContaining({
        options: expect.objectContaining({
          headers: expect.objectContaining({ [DEAD_LETTER_HEADERS.reason]: 'malformed body: not valid UTF-8' }),
        }),
      }),
    ]);
    expect(channel.acked).toEqual([bad]);
  });

  it('when the database refuses the batch, stores one by one so only the culprit fails', async () => {
    const events = chainOf(randomUUID(), ['a', 'b', 'c']);
    const culprit = events[1]!.eventId;
    const { channel, stored, processor } = setUp({
      maxAttempts: 1,
      record: (batch) => {
        if (batch.some((event) => event.eventId === culprit)) return Promise.reject(new Error('violates check constraint'));
        stored.push(...batch);
        return Promise.resolve(batch.length);
      },
    });
    const messages = events.map((event) => eventMessage(event));
    for (const m of messages) processor.enqueue({ channel, message: m });
    await processor.drained();
    expect(stored.map((event) => event.nickname)).toEqual(['a', 'c']);
    expect(channel.sent.map((sent) => (sent.options.headers as Record<string, unknown>)[DEAD_LETTER_HEADERS.reason])).toEqual([
      'store failed: violates check constraint',
    ]);
    expect(channel.acked).toHaveLength(3);
  });

  it('holds messages while the database is unreachable, and stores them once it is back', async () => {
    let reachable = false;
    let tries = 0;
    const { channel, stored, processor } = setUp({
      databaseReachable: () => Promise.resolve(reachable),
      record: (events) => {
        tries += 1;
        if (tries === 3) reachable = true;
        if (!reachable) return Promise.reject(new Error('connection refused'));
        stored.push(...events);
        return Promise.resolve(events.length);
      },
    });
    processor.enqueue({ channel, message: eventMessage(chainOf(randomUUID(), ['held'])[0]!) });
    await processor.drained();
    expect(stored.map((event) => event.nickname)).toEqual(['held']);
    expect(channel.acked).toHaveLength(1);
    expect(channel.sent).toEqual([]);
    expect(processor.stats).toMatchObject({ retried: 0, deadLettered: 0 });
  });

  it('leaves deliveries of a channel that is gone to the broker: no store, no ack', async () => {
    const { channel, stored, processor } = setUp({ isLive: () => false });
    processor.enqueue({ channel, message: eventMessage(chainOf(randomUUID(), ['late'])[0]!) });
    await processor.drained();
    expect(stored).toEqual([]);
    expect(channel.acked).toEqual([]);
  });
});
