import { prunePublished } from '@mp/members';
import { reconcile } from '@mp/reconcile';
import { EventFlow, nicknameOf } from './support/event-flow.js';
import { checkHistories } from './support/verify-history.js';

let flow: EventFlow;
let ids: string[];
beforeAll(async () => {
  flow = await EventFlow.start('reconcile');
  await flow.startConsumer();
  await flow.startRelay();
  ids = await flow.createMembers(4);
  for (const [index, id] of ids.entries()) {
    for (let change = 1; change <= 3; change += 1) await flow.changeNickname(id, nicknameOf(index, change));
  }
  await flow.delivered();
});
afterAll(async () => {
  await flow.close();
});

const eventIdOf = async (memberId: string, version: number) =>
  (await flow.history.client.nicknameChange.findUniqueOrThrow({ where: { memberId_version: { memberId, version } } })).id;

it('reports drift, re-publishes what is missing (from the outbox, or anew when pruned) and then finds none', async () => {
  const [newestLost, middleLost, pruned] = ids as [string, string, string, string];
  // Simulate losses downstream: entries gone from the history (e.g. a dead-lettered event).
  const prunedEventId = await eventIdOf(pruned, 4);
  await flow.history.client.nicknameChange.deleteMany({
    where: {
      OR: [
        { memberId: newestLost, version: 4 },
        { memberId: middleLost, version: 2 },
        { memberId: pruned, version: 4 },
      ],
    },
  });
  await flow.members.client.outboxEvent.delete({ where: { id: prunedEventId } });

  const dry = await reconcile(flow.members.client, flow.history.client, { dryRun: true, graceMs: 0 });
  expect(dry).toMatchObject({ membersChecked: 4, inSync: 1, drifted: 3, conflicts: 0, unrecoverableVersions: 0 });
  expect(dry.republishedEventIds).toHaveLength(2);
  expect(dry.synthesizedEventIds).toHaveLength(1);
  expect(dry.details.find((d) => d.memberId === middleLost)).toMatchObject({ missingVersions: [2], action: 'republished' });
  expect(await flow.unpublished()).toBe(0); // a dry run changes nothing

  const repaired = await reconcile(flow.members.client, flow.history.client, { dryRun: false, graceMs: 0 });
  expect(repaired.drifted).toBe(3);
  await flow.delivered();
  expect((await checkHistories(flow)).problems).toEqual([]);

  const after = await reconcile(flow.members.client, flow.history.client, { dryRun: true, graceMs: 0 });
  expect(after).toMatchObject({ membersChecked: 4, inSync: 4, drifted: 0 });
});

it('counts a change whose event is still unpublished as in flight, not as missing', async () => {
  for (const handle of [...flow.relays]) await handle.stop();
  await flow.changeNickname(ids[3]!, 'inflight');
  const report = await reconcile(flow.members.client, flow.history.client, { dryRun: false, graceMs: 0 });
  expect(report).toMatchObject({ drifted: 1, inFlight: 1, republishedEventIds: [], synthesizedEventIds: [] });
  await flow.startRelay();
  await flow.delivered();
});

it('prunes published outbox rows older than the retention and keeps the rest', async () => {
  for (const handle of [...flow.relays]) await handle.stop();
  await flow.changeNickname(ids[0]!, 'unsent');
  const total = await flow.members.client.outboxEvent.count();
  await flow.members.client.$executeRaw`
    UPDATE outbox_event SET published_at = now() - interval '2 hours' WHERE published_at IS NOT NULL`;
  // A relay configured with a one-hour retention prunes on its next pass.
  const relay = await flow.startRelay({ relayOptions: { retentionMs: 3_600_000, pruneIntervalMs: 50 } });
  await flow.delivered();
  await relay.stop();
  const left = await flow.members.client.outboxEvent.findMany();
  expect(total).toBeGreaterThan(10);
  expect(left.map((row) => row.payload)).toEqual([expect.objectContaining({ nickname: 'unsent' })]);
  expect(await prunePublished(flow.members.client, 3_600_000)).toBe(0);
});
