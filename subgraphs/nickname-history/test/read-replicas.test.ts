// History read from a real streaming replica that replays 500 ms late: events the intake stored are
// fenced, so a history answer read before the replica replayed them is served but never cacheable.
import { randomBytes, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { applyMigrations, openDatabase, type OpenedDatabase } from '@mp/prisma';
import { PrismaClient } from '@mp/prisma/nickname-history';
import { startReadReplicas, type ReadReplicas } from '@mp/service-kit';
import { StreamingReplicaPair, waitFor } from '@mp/testkit';
import { buildServer, type HistoryServer } from '../src/server.js';
import { fencedInvalidation, invalidatingCache } from '../src/intake/cache-invalidation.js';
import { chainOf } from './support/events.js';
import { TEST_EVENTS_SECRET, TEST_GATEWAY_SECRET } from './support/server.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const MAX_LAG_MS = 2_000;

const HISTORY = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Member {
        nicknameHistory(first: 5) {
          totalCount
        }
      }
    }
  }
`;
type HistoryData = { _entities: { nicknameHistory: { totalCount: number } }[] };

let pair: StreamingReplicaPair;
let databases: OpenedDatabase[] = [];
let primary: PrismaClient;
let replica: PrismaClient;
let replicas: ReadReplicas<PrismaClient>;
let server: HistoryServer;
let eventsUrl: string;
const invalidated: string[][] = [];

beforeAll(async () => {
  pair = await StreamingReplicaPair.start({ applyDelayMs: 500 });
  const primaryDatabase = await openDatabase({ kind: 'postgres', url: pair.primaryUrl() });
  await applyMigrations('nickname-history', primaryDatabase);
  const replicaDatabase = await openDatabase({ kind: 'postgres', url: pair.replicaUrl() });
  databases = [primaryDatabase, replicaDatabase];
  primary = new PrismaClient({ adapter: primaryDatabase.adapterFactory });
  replica = new PrismaClient({ adapter: replicaDatabase.adapterFactory });
  const logger = pino({ level: 'silent' });
  replicas = await startReadReplicas({
    database: `history-test-${randomBytes(4).toString('hex')}`,
    primary,
    primaryProbe: primary,
    replicas: [{ name: 'replica-1', client: replica, probe: replica }],
    maxLagMs: MAX_LAG_MS,
    checkIntervalMs: 50,
    redisUrl: REDIS_URL,
    logger,
  });
  const invalidate = (tags: readonly string[]) => {
    invalidated.push([...tags]);
    return Promise.resolve();
  };
  server = await buildServer({
    db: primary,
    routing: replicas.routing,
    logger,
    gatewaySecret: TEST_GATEWAY_SECRET,
    eventsSecret: TEST_EVENTS_SECRET,
    recordedEvents: invalidatingCache(fencedInvalidation(replicas.routing, invalidate)),
  });
  eventsUrl = `${await server.http.listen(0)}/internal/events`;
  const tableOnReplica = async () =>
    (await replica.$queryRawUnsafe<{ found: boolean }[]>(`SELECT to_regclass('public.nickname_change') IS NOT NULL AS found`))[0]!.found;
  await waitFor('the migrations on the replica', tableOnReplica, Boolean, { timeoutMs: 15_000 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await replicas?.close();
  await primary?.$disconnect();
  await replica?.$disconnect();
  for (const database of databases) await database.close();
  await pair?.stop();
});

async function historyOf(memberId: string) {
  const response = await server.apollo.executeOperation<HistoryData>(
    { query: HISTORY, variables: { representations: [{ __typename: 'Member', id: memberId }] } },
    { contextValue: server.createContext() },
  );
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return {
    totalCount: response.body.singleResult.data!._entities[0]!.nicknameHistory.totalCount,
    cacheControl: response.http.headers.get('cache-control'),
  };
}

it('history stored moments ago reads stale from the lagging replica only within the lag bound, and never cacheable until the replica has it', async () => {
  const member = randomUUID();
  await waitFor('the replica to serve reads', () => Promise.resolve(replicas.routing.status()[0]!.serving), Boolean, { timeoutMs: 15_000 });
  const stored = await fetch(eventsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-events-secret': TEST_EVENTS_SECRET },
    body: JSON.stringify({ events: chainOf(member, ['h1', 'h2']) }),
  });
  expect(stored.status).toBe(200);
  await waitFor('the invalidation', () => Promise.resolve(invalidated.some((tags) => tags.some((tag) => tag.endsWith(member)))), Boolean);

  const storedAt = performance.now();
  const stale: (string | undefined)[] = [];
  for (;;) {
    const answer = await historyOf(member);
    if (answer.totalCount === 2) break;
    stale.push(answer.cacheControl);
    expect(performance.now() - storedAt).toBeLessThan(MAX_LAG_MS);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // The replica was behind, so the first reads were stale, and not one of them may be cached.
  expect(stale.length).toBeGreaterThan(0);
  expect(stale.every((cacheControl) => cacheControl === 'no-store')).toBe(true);
  await waitFor(
    'a cacheable, current answer',
    () => historyOf(member),
    (a) => a.totalCount === 2 && a.cacheControl !== 'no-store',
    {
      timeoutMs: MAX_LAG_MS,
      intervalMs: 50,
    },
  );
}, 30_000);
