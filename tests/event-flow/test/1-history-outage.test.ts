import { EventFlow } from './support/event-flow.js';
import { expectLossless, runScenario } from './support/scenario.js';

let flow: EventFlow;
beforeAll(async () => {
  flow = await EventFlow.start('outage');
});
afterAll(async () => {
  await flow.close();
});

it('loses nothing while nickname-history is stopped mid-stream, and records each change once after it restarts', async () => {
  await flow.startConsumer();
  await flow.startRelay();
  let recordedWhileStopped = -1;
  let queuedWhileStopped = 0;

  const result = await runScenario(flow, async (driver) => {
    await driver.reached(200);
    await flow.stopConsumer();
    const recordedAtStop = await flow.history.client.nicknameChange.count();
    await driver.reached(700);
    recordedWhileStopped = (await flow.history.client.nicknameChange.count()) - recordedAtStop;
    // The broker holds what members published meanwhile.
    queuedWhileStopped = (await (await flow.adminChannel()).checkQueue(flow.topology.queue)).messageCount;
    await flow.startConsumer();
  });

  expectLossless(result);
  expect(recordedWhileStopped).toBe(0);
  expect(queuedWhileStopped).toBeGreaterThanOrEqual(250);
});
