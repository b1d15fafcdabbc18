// Reads on a real streaming replica that replays 500 ms late (recovery_min_apply_delay), with the
// write fences in the real Redis: the writer always reads its write, others read stale only within
// the lag bound and never into the gateway's cache, and a replica that stops moves reads to the primary.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { applyMigrations, openDatabase, type OpenedDatabase } from '@mp/prisma';
import { PrismaClient } from '@mp/prisma/members';
import { createMetricsRegistry, startReadReplicas, type Identity, type ReadReplicas } from '@mp/service-kit';
import { metricValue, StreamingReplicaPair, waitFor } from '@mp/testkit';
import { buildServer, type MembersServer } from '../src/server.js';
import { TEST_GATEWAY_SECRET } from './support/server.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type ChangeNicknameData, type CreateMemberData } from './support/operations.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const APPLY_DELAY_MS = 500;
const MAX_LAG_MS = 2_000;

const MEMBER = /* GraphQL */ `
  query Member($id: ID!) {
    member(id: $id) {
      id
      nickname
    }
  }
`;
const ME = /* GraphQL */ `
  query Me {
    me {
      id
      nickname
    }
  }
`;
type MemberData = { member: { id: string; nickname: string } | null };
type MeData = { me: { id: string; nickname: string } | null };

let pair: StreamingReplicaPair;
let primaryDatabase: OpenedDatabase;
let replicaDatabase: OpenedDatabase;
let primary: PrismaClient;
let replica: PrismaClient;
let replicas: ReadReplicas<PrismaClient>;
let server: MembersServer;
const registry = createMetricsRegistry('members');

beforeAll(async () => {
  pair = await StreamingReplicaPair.start({ applyDelayMs: APPLY_DELAY_MS });
  primaryDatabase = await openDatabase({ kind: 'postgres', url: pair.primaryUrl() });
  await applyMigrations('members', primaryDatabase);
  replicaDatabase = await openDatabase({ kind: 'postgres', url: pair.replicaUrl() });
  primary = new PrismaClient({ adapter: primaryDatabase.adapterFactory });
  replica = new PrismaClient({ adapter: replicaDatabase.adapterFactory });
  const logger = pino({ level: 'silent' });
  replicas = await startReadReplicas({
    // A name of this run's own: the fences live in the shared Redis.
    database: `members-test-${randomBytes(4).toString('hex')}`,
    primary,
    primaryProbe: primary,
    replicas: [{ name: 'replica-1', client: replica, probe: replica }],
    maxLagMs: MAX_LAG_MS,
    checkIntervalMs: 50,
    redisUrl: REDIS_URL,
    logger,
    registry,
  });
  server = await buildServer({
    db: primary,
    routing: replicas.routing,
    logger,
    gatewaySecret: TEST_GATEWAY_SECRET,
    metricsRegistry: registry,
  });
  // The migrations reach the replica half a second later.
  const tableOnReplica = async () =>
    (await replica.$queryRawUnsafe<{ found: boolean }[]>(`SELECT to_regclass('public.member') IS NOT NULL AS found`))[0]!.found;
  await waitFor('the migrations on the replica', tableOnReplica, Boolean, { timeoutMs: 15_000 });
  await waitFor('the replica to serve reads', () => Promise.resolve(replicas.routing.status()[0]!.serving), Boolean, { timeoutMs: 15_000 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await replicas?.close();
  await primary?.$disconnect();
  await replica?.$disconnect();
  await primaryDatabase?.close();
  await replicaDatabase?.close();
  await pair?.stop();
});

async function run<TData>(query: string, variables: Record<string, unknown>, caller: Identity) {
  const response = await server.apollo.executeOperation<TData>({ query, variables }, { contextValue: server.createContext(caller) });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const { data, errors } = response.body.singleResult;
  if (errors) throw new Error(JSON.stringify(errors));
  return { data: data!, cacheControl: response.http.headers.get('cache-control') ?? null };
}

const readsFrom = async (target: 'primary' | 'replica') => (await metricValue(registry, 'database_reads_total', { target })) ?? 0;

/** A member of its own (signed up, then visible on the replica), and its owner. */
async function memberOnReplica(): Promise<{ id: string; owner: Identity }> {
  const owner: Identity = { subject: `writer-${randomBytes(4).toString('hex')}`, scopes: [] };
  const { data } = await run<CreateMemberData>(CREATE_MEMBER, { input: signUpInput() }, owner);
  const id = data.createMember.member!.id;
  await waitFor('the replica to replay the sign-up', () => replica.member.findUnique({ where: { id } }), Boolean, { timeoutMs: 10_000 });
  return { id, owner };
}

describe('reads on a streaming replica 500 ms behind', () => {
  it('the writer reads its own nickname change back 100 times at once, never stale', async () => {
    const { id, owner } = await memberOnReplica();
    const replicaReadsBefore = await readsFrom('replica');
    await run(MEMBER, { id }, { subject: 'someone-else', scopes: [] });
    // Another caller's read went to the replica: the writer's reads below are routed, not all on the primary.
    expect(await readsFrom('replica')).toBe(replicaReadsBefore + 1);

    let replicaBehind = 0;
    for (let round = 0; round < 100; round += 1) {
      const nickname = `w${round}`;
      const { data } = await run<ChangeNicknameData>(CHANGE_NICKNAME, { input: { memberId: id, nickname } }, owner);
      expect(data.changeNickname.member?.nickname).toBe(nickname);
      const [byId, mine, onReplica] = await Promise.all([
        run<MemberData>(MEMBER, { id }, owner),
        run<MeData>(ME, {}, owner),
        replica.member.findUnique({ where: { id } }),
      ]);
      expect(byId.data.member?.nickname).toBe(nickname);
      expect(mine.data.me?.nickname).toBe(nickname);
      if (onReplica?.nickname !== nickname) replicaBehind += 1;
    }
    // The replica was behind while the writer read (it replays 500 ms late), so the reads above were routed around it.
    expect(replicaBehind).toBeGreaterThan(0);
  }, 60_000);

  it('another caller reads stale only within the lag bound, and no stale answer may be cached', async () => {
    const { id, owner } = await memberOnReplica();
    const other: Identity = { subject: `reader-${randomBytes(4).toString('hex')}`, scopes: [] };
    // Cacheable once the replica's checked position has passed the sign-up's fence.
    const fresh = await waitFor(
      'a cacheable answer',
      () => run<MemberData>(MEMBER, { id }, other),
      (a) => a.cacheControl !== 'no-store',
      {
        timeoutMs: MAX_LAG_MS,
        intervalMs: 20,
      },
    );
    expect(fresh.cacheControl).toMatch(/^max-age=\d+, public$/);

    await run<ChangeNicknameData>(CHANGE_NICKNAME, { input: { memberId: id, nickname: 'changed' } }, owner);
    const committedAt = performance.now();
    const stale: { afterMs: number; cacheControl: string | null }[] = [];
    let seenAfterMs = 0;
    for (;;) {
      const answer = await run<MemberData>(MEMBER, { id }, other);
      const afterMs = performance.now() - committedAt;
      if (answer.data.member?.nickname === 'changed') {
        seenAfterMs = afterMs;
        break;
      }
      stale.push({ afterMs, cacheControl: answer.cacheControl });
      expect(afterMs).toBeLessThan(MAX_LAG_MS);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The replica was behind (so this caller read it), and every stale answer was marked uncacheable.
    expect(stale.length).toBeGreaterThan(0);
    expect(stale.every(({ cacheControl }) => cacheControl === 'no-store')).toBe(true);
    expect(seenAfterMs).toBeLessThan(MAX_LAG_MS);
    // Once the replica has replayed the change, its answers are cacheable again.
    await waitFor(
      'a cacheable answer from the replica',
      () => run<MemberData>(MEMBER, { id }, other),
      (answer) => answer.cacheControl !== 'no-store' && answer.data.member?.nickname === 'changed',
      { timeoutMs: MAX_LAG_MS, intervalMs: 50 },
    );
  }, 30_000);

  it('reports each replica’s lag: in its status and as a metric', async () => {
    const { id, owner } = await memberOnReplica();
    await run<ChangeNicknameData>(CHANGE_NICKNAME, { input: { memberId: id, nickname: 'lagging' } }, owner);
    // While the change waits out the apply delay, the measured lag grows toward it.
    const behind = await waitFor(
      'the replica to measure behind',
      () => Promise.resolve(replicas.routing.status()[0]!),
      (s) => (s.lagMs ?? 0) >= 100,
      {
        timeoutMs: 5_000,
        intervalMs: 10,
      },
    );
    expect(behind).toMatchObject({ name: 'replica-1', up: true, serving: true });
    expect(behind.lagMs).toBeLessThan(MAX_LAG_MS);
    expect(await metricValue(registry, 'database_replica_lag_seconds', { replica: 'replica-1' })).toEqual(expect.any(Number));
    await waitFor(
      'the replica to catch up',
      () => Promise.resolve(replicas.routing.status()[0]!.lagMs),
      (lag) => lag === 0,
      { timeoutMs: 5_000 },
    );
  }, 20_000);

  it('keeps answering from the primary while the replica is stopped, and uses it again once it is back', async () => {
    const { id, owner } = await memberOnReplica();
    const other: Identity = { subject: `reader-${randomBytes(4).toString('hex')}`, scopes: [] };
    await pair.stopReplica();
    try {
      for (let i = 0; i < 100; i += 1) {
        const { data } = await run<MemberData>(MEMBER, { id }, i % 2 === 0 ? other : owner);
        expect(data.member?.id).toBe(id);
      }
      expect(replicas.routing.status()[0]).toMatchObject({ up: false, serving: false });
    } finally {
      await pair.startReplica();
    }
    await waitFor('the replica to serve again', () => Promise.resolve(replicas.routing.status()[0]!.serving), Boolean, {
      timeoutMs: 15_000,
    });
    const replicaReadsBefore = await readsFrom('replica');
    await run(MEMBER, { id }, other);
    expect(await readsFrom('replica')).toBe(replicaReadsBefore + 1);
  }, 60_000);
});
