import { EventFlow, sleep } from './support/event-flow.js';
import { expectLossless, runScenario } from './support/scenario.js';
import { TcpProxy } from '@mp/testkit';

let flow: EventFlow;
let databaseLink: TcpProxy;
beforeAll(async () => {
  flow = await EventFlow.start('db_cut');
  databaseLink = await TcpProxy.start(5432);
});
afterAll(async () => {
  await flow.close();
  await databaseLink.close();
});

it("resumes publishing without a restart after the relay's members-database connection is cut and restored", async () => {
  await flow.startConsumer();
  // This replica reaches the members database through the proxy; the API replica does not,
  // so changes keep being accepted while the relay is cut off.
  const relay = await flow.startRelay({ databaseProxy: databaseLink, relayOptions: { leaseMs: 2_000 } });
  let publishedWhileDown = -1;
  let backlogWhileDown = 0;
  let connectionsBeforeRestore = 0;

  const result = await runScenario(flow, async (driver) => {
    await driver.reached(250);
    databaseLink.down();
    const publishedAtCut = relay.published;
    await driver.reached(600);
    await sleep(200);
    publishedWhileDown = relay.published - publishedAtCut;
    backlogWhileDown = await flow.unpublished();
    connectionsBeforeRestore = databaseLink.connections;
    databaseLink.up();
  });

  expectLossless(result);
  expect(publishedWhileDown).toBeLessThanOrEqual(100); // at most the batch in hand at the cut
  expect(backlogWhileDown).toBeGreaterThanOrEqual(300);
  // The same relay (never restarted) opened new connections once the database was back.
  expect(flow.relays.has(relay)).toBe(true);
  expect(databaseLink.connections).toBeGreaterThan(connectionsBeforeRestore);
});
