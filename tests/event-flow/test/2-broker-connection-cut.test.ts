import { EventFlow, sleep } from './support/event-flow.js';
import { expectLossless, runScenario } from './support/scenario.js';
import { TcpProxy } from '@mp/testkit';

let flow: EventFlow;
let publisherLink: TcpProxy;
let consumerLink: TcpProxy;
beforeAll(async () => {
  flow = await EventFlow.start('broker_cut');
  publisherLink = await TcpProxy.start(5672);
  consumerLink = await TcpProxy.start(5672);
});
afterAll(async () => {
  await flow.close();
  await publisherLink.close();
  await consumerLink.close();
});

/** The link goes silent for a moment (whatever is in flight is lost), then is reset. */
async function breakLink(link: TcpProxy): Promise<void> {
  link.blackhole();
  await sleep(300);
  link.cut();
}

it('loses nothing when the broker connection is cut mid-stream on the publisher side and on the consumer side', async () => {
  const consumer = await flow.startConsumer({ brokerProxy: consumerLink });
  await flow.startRelay({ brokerProxy: publisherLink });

  const result = await runScenario(flow, async (driver) => {
    await driver.reached(150);
    await breakLink(publisherLink); // published, never confirmed: must be published again
    await driver.reached(350);
    await breakLink(consumerLink); // delivered and stored, acks lost: redelivered, skipped
    await driver.reached(550);
    await Promise.all([breakLink(publisherLink), breakLink(consumerLink)]);
    await driver.reached(800);
    publisherLink.cut();
    consumerLink.cut();
  });

  expectLossless(result);
  // Each side reconnected by itself after every break.
  expect(publisherLink.connections).toBeGreaterThanOrEqual(4);
  expect(consumerLink.connections).toBeGreaterThanOrEqual(4);
  expect(consumer.connected).toBe(true);
  // Events sent into the silent link were never confirmed, so they were published again.
  expect(await flow.members.client.outboxEvent.count({ where: { attempts: { gt: 1 } } })).toBeGreaterThan(0);
});
