import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { TEST_GATEWAY_SECRET } from '@mp/system-testkit';
import { TcpProxy } from '@mp/testkit';
import { protectionDefaults } from './support/gateway-defaults.js';
import { buildGateway, type GatewayServer } from '../src/server.js';
import { createRateLimits, type RateLimitOptions } from '../src/limits/rate-limits.js';
import { connectRedis } from '../src/limits/redis-connection.js';
import { CREATE_MEMBER, signUpInput, type CreateMemberData } from './support/operations.js';
import { freshMember, TestSystem, type Caller } from './support/system.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const redisAddress = new URL(REDIS_URL);
const PLENTY = { points: 1_000_000, seconds: 60 };
const limitsOf = (overrides: Partial<RateLimitOptions>): RateLimitOptions => ({
  requests: PLENTY,
  mutations: PLENTY,
  signUps: PLENTY,
  maxMutationFields: 5,
  ...overrides,
});
const uniquePrefix = () => `test:rate:${randomUUID()}`;

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function send(system: TestSystem, url: string, query: string, variables: Record<string, unknown>, as: Caller): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await system.issuer.headersFor(as)) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

const codes = (answer: Answer) => answer.body.errors?.map((error) => error.extensions?.['code']) ?? [];
const PUBLIC_QUERY = 'query($id: ID!) { member(id: $id) { id } }';
const someId = () => ({ id: randomUUID() });

function countSubgraphRequests(system: TestSystem) {
  const counter = { count: 0 };
  system.membersServer.http.server.on('request', () => counter.count++);
  return counter;
}

function expectRateLimited(answer: Answer) {
  expect(answer.status).toBe(429);
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  expect(codes(answer)).toEqual(['RATE_LIMITED']);
}

describe('one gateway, budgets in process', () => {
  let system: TestSystem;
  afterEach(() => system?.close());

  it('refuses a caller over the request budget with 429 and Retry-After, before any subgraph is asked; each account has its own', async () => {
    system = await TestSystem.start('postgres', {
      rateLimits: createRateLimits(limitsOf({ requests: { points: 3, seconds: 60 } }), null, uniquePrefix()),
    });
    const subgraph = countSubgraphRequests(system);
    const alice = freshMember();
    for (let i = 0; i < 3; i += 1) expect((await send(system, system.gatewayUrl, PUBLIC_QUERY, someId(), alice)).status).toBe(200);
    const before = subgraph.count;
    expectRateLimited(await send(system, system.gatewayUrl, PUBLIC_QUERY, someId(), alice));
    expect(subgraph.count).toBe(before);
    // Another account from the same address has a budget of its own; so do anonymous callers (per address).
    expect((await send(system, system.gatewayUrl, PUBLIC_QUERY, someId(), freshMember())).status).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await send(system, system.gatewayUrl, PUBLIC_QUERY, someId(), 'anonymous')).status).toBe(200);
    expectRateLimited(await send(system, system.gatewayUrl, PUBLIC_QUERY, someId(), 'anonymous'));
  });

  it('charges mutations per field, caps fields per operation, and refuses without changing anything', async () => {
    system = await TestSystem.start('postgres', {
      rateLimits: createRateLimits(limitsOf({ mutations: { points: 4, seconds: 60 }, maxMutationFields: 3 }), null, uniquePrefix()),
    });
    const admin = { sub: `admin-${randomUUID()}`, scope: 'members:admin' };
    const created = await send(system, system.gatewayUrl, CREATE_MEMBER, { input: signUpInput('rl') }, admin);
    const memberId = (created.body.data as unknown as CreateMemberData).createMember.member!.id;
    const renames = (count: number, from: number) =>
      `mutation { ${Array.from({ length: count }, (_, i) => `r${i}: changeNickname(input: { memberId: "${memberId}", nickname: "rl-${from + i}" }) { userErrors { code } }`).join(' ')} }`;

    // 1 (sign-up) + 3 fields = 4 points: the whole budget.
    expect(codes(await send(system, system.gatewayUrl, renames(3, 0), {}, admin))).toEqual([]);
    const events = await system.members.client.outboxEvent.count();
    const refused = await send(system, system.gatewayUrl, renames(1, 10), {}, admin);
    expectRateLimited(refused);
    expect(refused.body.data).toBeUndefined();

    // Four fields in one operation: over the cap, refused whole, whoever asks.
    const tooMany = await send(system, system.gatewayUrl, renames(4, 20), {}, freshMember());
    expect(tooMany.status).toBe(400);
    expect(codes(tooMany)).toEqual(['TOO_MANY_MUTATION_FIELDS']);
    expect(tooMany.body.errors?.[0]?.extensions).toMatchObject({ count: 4, max: 3 });

    const member = await system.members.client.member.findUniqueOrThrow({ where: { id: memberId } });
    expect(member.nickname).toBe('rl-2');
    expect(await system.members.client.outboxEvent.count()).toBe(events);
  });

  it('limits sign-ups per caller more strictly: aliased createMember fields each count', async () => {
    system = await TestSystem.start('postgres', {
      rateLimits: createRateLimits(limitsOf({ signUps: { points: 2, seconds: 3600 } }), null, uniquePrefix()),
    });
    const probe = (count: number) =>
      `mutation { ${Array.from({ length: count }, (_, i) => `s${i}: createMember(input: { email: "probe${i}-${randomUUID()}@example.com", nickname: "p${i}", birthDate: "1990-01-01" }) { userErrors { code } }`).join(' ')} }`;
    const members = await system.members.client.member.count();
    // Anonymous sign-ups fail (UNAUTHENTICATED) but still count: probing which emails exist stays slow.
    expect(codes(await send(system, system.gatewayUrl, probe(2), {}, 'anonymous'))).toEqual(['UNAUTHENTICATED']);
    expectRateLimited(await send(system, system.gatewayUrl, probe(1), {}, 'anonymous'));
    const mallory = freshMember();
    expect((await send(system, system.gatewayUrl, probe(1), {}, mallory)).status).toBe(200);
    expect((await send(system, system.gatewayUrl, probe(1), {}, mallory)).status).toBe(200);
    expectRateLimited(await send(system, system.gatewayUrl, probe(1), {}, mallory));
    expect(await system.members.client.member.count()).toBe(members + 1);
  });
});

describe('gateway replicas sharing Redis', () => {
  let system: TestSystem;
  let second: GatewayServer | undefined;
  const connections: Redis[] = [];
  afterEach(async () => {
    await second?.close();
    second = undefined;
    for (const redis of connections.splice(0)) redis.disconnect();
    await system?.close();
  });

  const logs: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as { level: number; msg: string }) });
  const redisAt = (url: string) => {
    const redis = connectRedis(url, logger);
    connections.push(redis);
    return redis;
  };
  const ready = (redis: Redis) =>
    new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));

  async function secondGateway(options: RateLimitOptions, redis: Redis, prefix: string): Promise<string> {
    second = await buildGateway({
      logger: pino({ level: 'silent' }),
      gatewaySecret: TEST_GATEWAY_SECRET,
      subgraphTimeoutMs: 5_000,
      subgraphUrls: system.subgraphUrls,
      tokenVerifier: system.issuer.verifier(),
      ...protectionDefaults(),
      rateLimits: createRateLimits(options, redis, prefix),
      graphiql: false,
      introspection: true,
      persistedDocuments: null,
    });
    const url = `${await second.http.listen(0)}/graphql`;
    await second.ready;
    return url;
  }

  it('share one budget per caller', async () => {
    const options = limitsOf({ requests: { points: 4, seconds: 60 } });
    const prefix = uniquePrefix();
    const [redisA, redisB] = [redisAt(REDIS_URL), redisAt(REDIS_URL)];
    await Promise.all([ready(redisA), ready(redisB)]);
    system = await TestSystem.start('postgres', { rateLimits: createRateLimits(options, redisA, prefix) });
    const secondUrl = await secondGateway(options, redisB, prefix);
    const carol = freshMember();
    for (const url of [system.gatewayUrl, secondUrl, system.gatewayUrl, secondUrl]) {
      expect((await send(system, url, PUBLIC_QUERY, someId(), carol)).status).toBe(200);
    }
    expectRateLimited(await send(system, system.gatewayUrl, PUBLIC_QUERY, someId(), carol));
    expectRateLimited(await send(system, secondUrl, PUBLIC_QUERY, someId(), carol));
  });

  it('keep serving, and limiting, each on its own while Redis cannot be reached, and say so once', async () => {
    // A TCP path to Redis that the test can cut, as a network failure would.
    const path = await TcpProxy.start(Number(redisAddress.port || 6379), redisAddress.hostname);
    const redis = redisAt(`redis://127.0.0.1:${path.port}`);
    try {
      await ready(redis);
      system = await TestSystem.start('postgres', {
        rateLimits: createRateLimits(limitsOf({ requests: { points: 5, seconds: 60 } }), redis, uniquePrefix()),
      });
      const dave = freshMember();
      expect((await send(system, system.gatewayUrl, PUBLIC_QUERY, someId(), dave)).status).toBe(200);

      path.down();
      path.cut();
      const statuses: number[] = [];
      for (let i = 0; i < 8; i += 1) statuses.push((await send(system, system.gatewayUrl, PUBLIC_QUERY, someId(), dave)).status);
      // The in-process count starts afresh at the outage: five more, then refused.
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      const warnings = logs.filter((line) => line.msg.startsWith('Redis is unreachable'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.level).toBe(40);
    } finally {
      await path.close();
    }
  });
});
