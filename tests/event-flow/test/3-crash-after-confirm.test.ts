import type { EventPublisher } from '@mp/members';
import { EventFlow, sleep } from './support/event-flow.js';
import { expectLossless, runScenario } from './support/scenario.js';

let flow: EventFlow;
beforeAll(async () => {
  flow = await EventFlow.start('crash');
});
afterAll(async () => {
  await flow.close();
});

/** The broker confirms the batch, then the relay process dies before marking the rows sent. */
function dieAfterConfirm(afterBatches: number, onDeath: (events: number) => void) {
  return (inner: EventPublisher): EventPublisher => {
    let batches = 0;
    return {
      async publish(events) {
        await inner.publish(events);
        batches += 1;
        if (batches < afterBatches) return;
        onDeath(events.length);
        // A dead process never continues: the rows stay claimed until their lease runs out.
        await new Promise<never>(() => undefined);
      },
    };
  };
}

it('records no duplicate when a relay dies between the broker confirm and marking the rows sent', async () => {
  const consumer = await flow.startConsumer();
  let deaths = 0;
  let eventsConfirmedButUnmarked = 0;

  const result = await runScenario(flow, async (driver) => {
    // Generations start early enough (by change 400 of 1,000) that traffic is left for each
    // to publish its three batches, however slow the machine.
    for (let generation = 0; generation < 5; generation += 1) {
      await driver.reached(generation * 100);
      let dying: () => void = () => {};
      const death = new Promise<void>((resolve) => (dying = resolve));
      const relay = await flow.startRelay({
        name: `relay-${generation}`,
        relayOptions: { leaseMs: 1_000 },
        wrap: dieAfterConfirm(3, (events) => {
          eventsConfirmedButUnmarked += events;
          dying();
        }),
      });
      const died = death.then(() => true);
      if (!(await Promise.race([died, driver.done.then(() => false)]))) {
        // The changes are all made; the dead relays' rows (leases of 1 s) are still to come.
        if (!(await Promise.race([died, sleep(5_000).then(() => false)]))) {
          throw new Error(`relay generation ${generation} had nothing left to publish`);
        }
      }
      await relay.kill();
      deaths += 1;
    }
    // The replacement picks the dead relays' rows up once their leases expire.
    await flow.startRelay({ name: 'survivor', relayOptions: { leaseMs: 1_000 } });
  });

  expectLossless(result);
  expect(deaths).toBe(5);
  // Those events were really published twice, and the store skipped the second copies.
  expect(eventsConfirmedButUnmarked).toBeGreaterThanOrEqual(5);
  expect(consumer.stats.duplicates).toBeGreaterThanOrEqual(eventsConfirmedButUnmarked);
});
