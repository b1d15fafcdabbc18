// The gateway's cache of subgraph answers, through the whole system on PostgreSQL and a real Redis:
// two gateway replicas share it, a write is never read stale by its writer on either replica,
// private fields never reach another caller, concurrent misses load once, and Redis stopping
// mid-run only makes reads go around it.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { connectRedis } from '@mp/service-kit';
import { TcpProxy, waitFor } from '@mp/testkit';
import { buildGateway, type GatewayServer } from '../src/server.js';
import { subgraphAnswerCacheFrom } from '../src/subgraph-cache-connection.js';
import { protectionDefaults } from './support/gateway-defaults.js';
import { TEST_GATEWAY_SECRET } from '@mp/system-testkit';
import { TestSystem, freshMember, type Caller } from './support/system.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type ChangeNicknameData, type CreateMemberData } from './support/operations.js';

const REDIS = new URL(process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379');

const PUBLIC_MEMBER = `query($id: ID!) {
  member(id: $id) { id nickname nicknameHistory(first: 5) { totalCount edges { node { nickname } } } }
}`;
const PRIVATE_MEMBER = 'query($id: ID!) { member(id: $id) { id nickname email } }';

interface PublicMemberData {
  member: { id: string; nickname: string; nicknameHistory: { totalCount: number; edges: { node: { nickname: string } }[] } };
}

const silent = pino({ level: 'silent' });

/** One replica's cache as main.ts builds it, on its own connections to `redisUrl`. */
function replicaCache(redisUrl: string, name: string, registry: Registry) {
  const env = {
    REDIS_URL: redisUrl,
    SUBGRAPH_CACHE_NAME: name,
    SUBGRAPH_CACHE_MAX_TTL_MS: 300_000,
    SUBGRAPH_CACHE_MAX_ENTRIES: 10_000,
    SUBGRAPH_CACHE_MAX_BYTES: 16_000_000,
  };
  const redis = connectRedis(redisUrl, silent, { down: 'down', up: 'up' });
  const cache = subgraphAnswerCacheFrom(env, redis, silent, registry);
  return {
    subgraphCache: { cache: cache.cache, maxTtlMs: cache.maxTtlMs },
    close: () => {
      cache.close();
      redis.disconnect();
    },
  };
}

/** Cache reads of a replica by where they were answered. */
async function cacheReads(registry: Registry) {
  const exposition = await registry.getSingleMetricAsString('cache_requests_total');
  const count = (result: string) => Number(new RegExp(`result="${result}"\\} (\\d+)`).exec(exposition)?.[1] ?? 0);
  return { local: count('local'), redis: count('redis'), miss: count('miss') };
}

/** Tags a replica has dropped so far. */
async function invalidatedTags(registry: Registry) {
  return Number(/\} (\d+)/.exec(await registry.getSingleMetricAsString('cache_invalidations_total'))?.[1] ?? 0);
}

/** Subgraph HTTP requests a replica made, per subgraph. */
async function subgraphRequests(registry: Registry) {
  const counts: Record<string, number> = {};
  const exposition = await registry.getSingleMetricAsString('gateway_subgraph_request_duration_seconds');
  for (const [, subgraph, count] of exposition.matchAll(/_count\{subgraph="([^"]+)",outcome="[^"]+"\} (\d+)/g)) {
    counts[subgraph!] = (counts[subgraph!] ?? 0) + Number(count);
  }
  return counts;
}

describe('two gateway replicas sharing the cache', () => {
  const name = `test-${randomUUID()}`;
  const redisUrl = REDIS.href;
  const [registryA, registryB] = [new Registry(), new Registry()];
  const [cacheA, cacheB] = [replicaCache(redisUrl, name, registryA), replicaCache(redisUrl, name, registryB)];
  let system: TestSystem;
  let second: GatewayServer;
  let secondUrl: string;
  const owner = freshMember();
  let memberId: string;

  beforeAll(async () => {
    system = await TestSystem.start(
      'postgres',
      { subgraphCache: cacheA.subgraphCache, metricsRegistry: registryA },
      { cache: { redisUrl, name } },
    );
    second = await buildGateway({
      logger: silent,
      gatewaySecret: TEST_GATEWAY_SECRET,
      subgraphTimeoutMs: 5_000,
      subgraphUrls: system.subgraphUrls,
      tokenVerifier: system.issuer.verifier(),
      ...protectionDefaults(),
      metricsRegistry: registryB,
      subgraphCache: cacheB.subgraphCache,
      graphiql: false,
      introspection: true,
      persistedDocuments: null,
    });
    secondUrl = `${await second.http.listen(0)}/graphql`;
    await second.ready;
    await Promise.all([cacheA.subgraphCache.cache.listening(), cacheB.subgraphCache.cache.listening()]);
    memberId = await signUp(owner);
  });

  /**
   * A new member, once everything its sign-up sets off has settled: its first nickname reaches the
   * history by event, and the history then invalidates the member. B drops the tags of members'
   * message (3) and of the history's (1).
   */
  async function signUp(as: Caller): Promise<string> {
    const before = await invalidatedTags(registryB);
    const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('cache') }, as);
    await system.drained();
    await waitFor(
      'the history to invalidate the new member',
      () => invalidatedTags(registryB),
      (tags) => tags >= before + 4,
      {
        timeoutMs: 5_000,
        intervalMs: 20,
      },
    );
    return data!.createMember.member!.id;
  }
  afterAll(async () => {
    await second.close();
    await system.close();
    cacheA.close();
    cacheB.close();
  });

  const send = async <T>(url: string, query: string, variables: Record<string, unknown>, as: Caller) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await system.issuer.headersFor(as)) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  };

  it('answers a repeated query from the local tier, and the other replica from Redis', async () => {
    const [beforeA, beforeB] = [await cacheReads(registryA), await cacheReads(registryB)];
    const sentBefore = await subgraphRequests(registryB);
    const first = await send<PublicMemberData>(system.gatewayUrl, PUBLIC_MEMBER, { id: memberId }, 'anonymous');
    const again = await send<PublicMemberData>(system.gatewayUrl, PUBLIC_MEMBER, { id: memberId }, freshMember());
    const elsewhere = await send<PublicMemberData>(secondUrl, PUBLIC_MEMBER, { id: memberId }, 'anonymous');
    expect(first.errors).toBeUndefined();
    expect(again).toEqual(first);
    expect(elsewhere).toEqual(first);
    const [afterA, afterB] = [await cacheReads(registryA), await cacheReads(registryB)];
    // Two fetches per query (members, then the history entity): missed once, then local on A; Redis on B.
    expect(afterA.miss - beforeA.miss).toBe(2);
    expect(afterA.local - beforeA.local).toBe(2);
    expect(afterB.redis - beforeB.redis).toBe(2);
    expect(await subgraphRequests(registryB)).toEqual(sentBefore);
  });

  it('never shows a writer its old nickname, whichever replica it writes through and reads from', async () => {
    const replicas = [system.gatewayUrl, secondUrl];
    for (let round = 0; round < 20; round += 1) {
      // Both replicas hold the current answer in their own tier before the write.
      for (const url of replicas) await send(url, PUBLIC_MEMBER, { id: memberId }, owner);
      const nickname = `c${round}-${randomUUID().slice(0, 4)}`;
      const written = await send<ChangeNicknameData>(replicas[round % 2]!, CHANGE_NICKNAME, { input: { memberId, nickname } }, owner);
      expect(written.data?.changeNickname.userErrors).toEqual([]);
      const read = await send<PublicMemberData>(replicas[(round + 1) % 2]!, PUBLIC_MEMBER, { id: memberId }, owner);
      expect(read.data?.member.nickname).toBe(nickname);
    }
    // The history is written from the event, after the answer: both replicas show it once stored.
    await system.drained();
    const latest = (await send<PublicMemberData>(system.gatewayUrl, PUBLIC_MEMBER, { id: memberId }, owner)).data!.member.nickname;
    for (const url of replicas) {
      await waitFor(
        'the stored change to reach the cached history',
        async () => (await send<PublicMemberData>(url, PUBLIC_MEMBER, { id: memberId }, 'anonymous')).data?.member.nicknameHistory,
        (history) => history?.edges[0]?.node.nickname === latest && history.totalCount === 21,
        { timeoutMs: 5_000, intervalMs: 20 },
      );
    }
  });

  it("never gives one caller another's private fields, while caching them for their owner", async () => {
    const other = freshMember();
    const expected = (await send<{ member: { email: string } }>(system.gatewayUrl, PRIVATE_MEMBER, { id: memberId }, owner)).data!.member
      .email;
    expect(expected).toMatch(/@example\.com$/);
    for (let i = 0; i < 3; i += 1) {
      for (const url of [system.gatewayUrl, secondUrl]) {
        const mine = await send<{ member: { email: string | null } }>(url, PRIVATE_MEMBER, { id: memberId }, owner);
        expect(mine.data?.member.email).toBe(expected);
        for (const stranger of [other, 'anonymous' as const]) {
          const theirs = await send<{ member: { email: string | null } }>(url, PRIVATE_MEMBER, { id: memberId }, stranger);
          expect(theirs.data?.member.email).toBeNull();
          expect(theirs.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        }
      }
    }
    const before = await cacheReads(registryA);
    await send(system.gatewayUrl, PRIVATE_MEMBER, { id: memberId }, owner);
    expect((await cacheReads(registryA)).local - before.local).toBe(1);
  });

  it('loads once for 100 concurrent misses by 100 different callers', async () => {
    const id = await signUp(freshMember());
    const before = await subgraphRequests(registryA);
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => send<PublicMemberData>(system.gatewayUrl, PUBLIC_MEMBER, { id }, freshMember())),
    );
    expect(answers.every((answer) => answer.data?.member.id === id)).toBe(true);
    const after = await subgraphRequests(registryA);
    expect({ members: after['members']! - before['members']!, history: after['nickname-history']! - before['nickname-history']! }).toEqual({
      members: 1,
      history: 1,
    });
  });
});

describe('Redis stopping mid-run', () => {
  it('reads go around the cache and keep working, the writer still reads its write, and caching resumes', async () => {
    const proxy = await TcpProxy.start(Number(REDIS.port || 6379), REDIS.hostname);
    const redisUrl = `redis://127.0.0.1:${proxy.port}`;
    const name = `test-${randomUUID()}`;
    const registry = new Registry();
    const replica = replicaCache(redisUrl, name, registry);
    const system = await TestSystem.start(
      'postgres',
      { subgraphCache: replica.subgraphCache, metricsRegistry: registry },
      { cache: { redisUrl, name } },
    );
    try {
      await replica.subgraphCache.cache.listening();
      const owner = freshMember();
      const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('outage') }, owner);
      const id = data!.createMember.member!.id;
      const read = () => system.query<PublicMemberData>(PUBLIC_MEMBER, { id }, owner);
      await read();

      proxy.down();
      proxy.cut();
      for (let i = 0; i < 5; i += 1) {
        const nickname = `o${i}-${randomUUID().slice(0, 4)}`;
        const written = await system.query<ChangeNicknameData>(CHANGE_NICKNAME, { input: { memberId: id, nickname } }, owner);
        expect(written.data?.changeNickname.userErrors).toEqual([]);
        const answer = await read();
        expect(answer.errors).toBeUndefined();
        expect(answer.data?.member.nickname).toBe(nickname);
      }
      const errors = await registry.getSingleMetricAsString('cache_redis_errors_total');
      expect(Number(/\} (\d+)/.exec(errors)?.[1])).toBeGreaterThan(0);

      proxy.up();
      await waitFor(
        'the local tier to answer again',
        async () => {
          const before = (await cacheReads(registry)).local;
          await read();
          return (await cacheReads(registry)).local - before;
        },
        (localReads) => localReads > 0,
        { timeoutMs: 10_000, intervalMs: 100 },
      );
    } finally {
      await system.close();
      replica.close();
      await proxy.close();
    }
  });
});
