import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_HEADERS, deadLetterReason, routingKeyFor } from '@mp/messaging';
import { waitFor } from '@mp/testkit';
import { EventFlow } from './support/event-flow.js';
import { expectLossless, runScenario } from './support/scenario.js';

let flow: EventFlow;
beforeAll(async () => {
  flow = await EventFlow.start('poison');
});
afterAll(async () => {
  await flow.close();
});

const poison = [
  { body: 'not json {', reason: /^malformed JSON/ },
  { body: JSON.stringify({ type: 'NicknameChanged', eventId: 'nope', version: -1 }), reason: /^invalid NicknameChanged/ },
  // What the database cannot hold is refused by the contract, before any store is tried.
  ...[
    { patch: { version: 2 ** 31 }, reason: /^invalid NicknameChanged: version: / }, // beyond the integer column
    { patch: { nickname: 'nul\u0000here' }, reason: /^invalid NicknameChanged: nickname: must be well-formed/ }, // PostgreSQL text cannot hold NUL
  ].map(({ patch, reason }) => ({
    body: JSON.stringify({
      type: 'NicknameChanged',
      eventId: randomUUID(),
      memberId: randomUUID(),
      version: 1,
      previousNickname: null,
      nickname: 'poison',
      changedAt: new Date().toISOString(),
      ...patch,
    }),
    reason,
  })),
];

it('moves poison messages to the dead-letter queue with their reason while the rest flow on', async () => {
  const consumer = await flow.startConsumer({ maxAttempts: 3, retryDelayMs: 50 });
  await flow.startRelay();
  const admin = await flow.adminChannel();

  const result = await runScenario(flow, async (driver) => {
    for (const [index, { body }] of poison.entries()) {
      await driver.reached(200 + index * 200);
      admin.publish(flow.topology.exchange, routingKeyFor('NicknameChanged'), Buffer.from(body), {
        persistent: true,
        messageId: `poison-${index}`,
      });
    }
  });
  expectLossless(result);

  await waitFor(
    'every poison message in the dead-letter queue',
    () => consumer.status(),
    (status) => status.deadLetterDepth === poison.length,
    {
      timeoutMs: 10_000,
      intervalMs: 50,
    },
  );
  expect(await consumer.status()).toMatchObject({ connected: true, queueDepth: 0, deadLetterDepth: poison.length });
  expect(consumer.stats.deadLettered).toBe(poison.length);

  const dead = new Map<string, { reason: string | null; attempts: unknown }>();
  for (let i = 0; i < poison.length; i += 1) {
    const message = await admin.get(flow.topology.deadLetterQueue, { noAck: true });
    if (!message) break;
    dead.set(String(message.properties.messageId), {
      reason: deadLetterReason(message.properties.headers),
      attempts: message.properties.headers?.[DEAD_LETTER_HEADERS.attempts],
    });
  }
  poison.forEach(({ reason }, index) => {
    expect(dead.get(`poison-${index}`)).toEqual({ reason: expect.stringMatching(reason), attempts: 3 });
  });
});
