import { EventFlow } from './support/event-flow.js';
import { expectLossless, runScenario } from './support/scenario.js';

let flow: EventFlow;
beforeAll(async () => {
  flow = await EventFlow.start('two_relays');
});
afterAll(async () => {
  await flow.close();
});

it('never publishes one outbox row twice when two relays run over the same outbox', async () => {
  const consumer = await flow.startConsumer();
  const a = await flow.startRelay({ name: 'relay-a' });
  const b = await flow.startRelay({ name: 'relay-b' });

  const result = await runScenario(flow, () => Promise.resolve());

  expectLossless(result);
  const rows = await flow.members.client.outboxEvent.count();
  // Both did work, and together they published each row exactly once (SKIP LOCKED claims).
  expect(a.published).toBeGreaterThan(0);
  expect(b.published).toBeGreaterThan(0);
  expect(a.published + b.published).toBe(rows);
  expect(consumer.stats.duplicates).toBe(0);
});
