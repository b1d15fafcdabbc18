// Benchmark: what metrics and tracing cost. Two copies of the whole system (gateway and both
// subgraphs, each its own process, production settings, on the same PostgreSQL data) take the
// cross-subgraph query in interleaved rounds: one with metrics served and every request traced
// (sampling 100 %, spans exported over OTLP to a collector stand-in here), one with tracing off
// and no metrics port. Prometheus collection itself has no switch: both copies count.
// Run: npm run bench:observability   (prints figures; asserts nothing)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTestDatabase } from '@mp/prisma/testing';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 20);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const MEMBERS = 100;
const QUERY = `query Page { members(first: 10) { edges { node { id nickname nicknameHistory(first: 5) { edges { node { nickname changedAt } } } } } } }`;

// An identity provider of the bench's own: production gateways verify tokens against its JWKS.
const { publicKey, privateKey } = await generateKeyPair('ES256');
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' }] };
const ISSUER = 'urn:bench:issuer';
const AUDIENCE = 'members-platform';
const mint = (subject: string, scopes: string[]) =>
  new SignJWT({ scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(privateKey);

// The JWKS, and an OTLP/HTTP collector stand-in that takes spans and counts what it received.
const exported = { requests: 0, bytes: 0 };
const helper = createServer((req, res) => {
  if (req.url === '/jwks.json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    return;
  }
  req.on('data', (chunk: Buffer) => (exported.bytes += chunk.length));
  req.on('end', () => {
    exported.requests += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => helper.listen(0, '127.0.0.1', resolve));
const helperUrl = `http://127.0.0.1:${(helper.address() as AddressInfo).port}`;

const databases = { members: await createTestDatabase('bench_members'), history: await createTestDatabase('bench_history') };
const children: ChildProcess[] = [];

const common = {
  NODE_ENV: 'production',
  // Production's level: the gateway writes its access-log line for every request.
  LOG_LEVEL: 'info',
  HOST: '127.0.0.1',
  GATEWAY_SECRET: randomBytes(32).toString('hex'),
  EVENTS_SECRET: randomBytes(32).toString('hex'),
  MEMBERS_DATABASE_URL: databases.members.url,
  NICKNAME_HISTORY_DATABASE_URL: databases.history.url,
};

interface Copy {
  name: string;
  url: string;
  processes: { service: string; pid: number }[];
}

const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function waitReady(url: string) {
  for (let i = 0; i < 600; i += 1) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never became ready`);
}

/** One copy of the system on ports base, base+1, base+2. */
async function startCopy(name: string, base: number, observed: boolean): Promise<Copy> {
  const observability = (metricsPort: number): Record<string, string> =>
    observed
      ? {
          METRICS_PORT: String(metricsPort),
          OTEL_EXPORTER_OTLP_ENDPOINT: helperUrl,
          OTEL_TRACES_SAMPLER: 'always_on',
          // Variations to find where the cost is, e.g. '{"OTEL_TRACES_SAMPLER":"always_off"}'.
          ...(JSON.parse(process.env['BENCH_OBSERVED_ENV'] ?? '{}') as Record<string, string>),
        }
      : { OTEL_SDK_DISABLED: 'true' };
  const services: [string, Record<string, string>, number][] = [
    [
      'subgraphs/members/dist/main.js',
      { PORT: String(base + 1), NICKNAME_HISTORY_EVENTS_URL: `http://127.0.0.1:${base + 2}/internal/events`, ...observability(base + 11) },
      base + 1,
    ],
    ['subgraphs/nickname-history/dist/main.js', { PORT: String(base + 2), ...observability(base + 12) }, base + 2],
    [
      'gateway/dist/main.js',
      {
        PORT: String(base),
        MEMBERS_URL: `http://127.0.0.1:${base + 1}/graphql`,
        NICKNAME_HISTORY_URL: `http://127.0.0.1:${base + 2}/graphql`,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_JWKS_URL: `${helperUrl}/jwks.json`,
        REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
        RATE_LIMIT_KEY_PREFIX: `bench:${name}:${randomBytes(4).toString('hex')}`,
        // Limits stay on; the budgets are sized for a load test from a handful of accounts.
        RATE_LIMIT_REQUESTS: '100000000/60',
        ...observability(base + 10),
      },
      base,
    ],
  ];
  const processes: Copy['processes'] = [];
  for (const [entry, env, port] of services) {
    // One after the other: two members services must not race to migrate the same database.
    // BENCH_CPU_PROFILE_DIR: a V8 CPU profile per process, to see where the difference goes.
    const profile = process.env['BENCH_CPU_PROFILE_DIR']
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROFILE_DIR']}/${name}`]
      : [];
    const child = spawn(process.execPath, [...profile, entry], {
      cwd: ROOT,
      env: { ...process.env, ...common, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    processes.push({ service: entry.startsWith('subgraphs/') ? entry.split('/')[1]! : 'gateway', pid: child.pid! });
    await waitReady(`http://127.0.0.1:${port}/readyz`);
  }
  return { name, url: `http://127.0.0.1:${base}/graphql`, processes };
}

async function call(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors) throw new Error(`${url}: ${JSON.stringify(body.errors).slice(0, 300)}`);
  return body.data!;
}

async function seed(url: string) {
  for (let i = 0; i < MEMBERS; i += 1) {
    const token = await mint(`bench-member-${i}`, []);
    const created = await call(url, token, 'mutation($input: CreateMemberInput!) { createMember(input: $input) { member { id } } }', {
      input: { email: `bench${i}@example.com`, nickname: `m${i}`, birthDate: '1990-01-01' },
    });
    const memberId = (created['createMember'] as { member: { id: string } }).member.id;
    for (let c = 0; c < 3; c += 1) {
      await call(url, token, 'mutation($input: ChangeNicknameInput!) { changeNickname(input: $input) { member { id } } }', {
        input: { memberId, nickname: `m${i}v${c}` },
      });
    }
  }
}

const run = (url: string, token: string) =>
  autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY, operationName: 'Page' }),
  });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
  process.stderr.write('starting two copies of the system…\n');
  const observed = await startCopy('observed', 4300, true);
  const plain = await startCopy('plain', 4400, false);
  process.stderr.write(`seeding ${MEMBERS} members × 4 nicknames…\n`);
  await seed(plain.url);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const reader = await mint('bench-reader', ['members:read']);
  for (const copy of [observed, plain]) await call(copy.url, reader, QUERY);

  const results: Record<
    string,
    { rps: number[]; p50: number[]; p99: number[]; errors: number; cpuMsPerRequest: Record<string, number[]> }
  > = {};
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const copy of round % 2 === 1 ? [plain, observed] : [observed, plain]) {
      process.stderr.write(`round ${round}/${ROUNDS}: ${copy.name}…\n`);
      const cpuBefore = copy.processes.map(({ pid }) => cpuSeconds(pid));
      const result = await run(copy.url, reader);
      const row = (results[copy.name] ??= { rps: [], p50: [], p99: [], errors: 0, cpuMsPerRequest: {} });
      copy.processes.forEach(({ service, pid }, index) =>
        (row.cpuMsPerRequest[service] ??= []).push(((cpuSeconds(pid) - cpuBefore[index]!) * 1000) / result.requests.total),
      );
      row.rps.push(result.requests.average);
      row.p50.push(result.latency.p50);
      row.p99.push(result.latency.p99);
      row.errors += result.errors + result.non2xx + result.timeouts;
    }
  }
  const base = median(results['plain']!.rps);
  console.log(
    `Cross-subgraph page (10 members × 5 history entries), ${CONNECTIONS} connections, ${SECONDS}s × ${ROUNDS} rounds interleaved; medians`,
  );
  console.table(
    Object.fromEntries(
      Object.entries(results).map(([name, r]) => [
        name === 'plain' ? 'tracing off, metrics not served' : 'metrics served + every request traced',
        {
          'req/s': Math.round(median(r.rps)),
          'p50 ms': median(r.p50),
          'p99 ms': median(r.p99),
          errors: r.errors,
          'vs off': `${((median(r.rps) / base) * 100).toFixed(1)} %`,
          ...Object.fromEntries(Object.entries(r.cpuMsPerRequest).map(([service, ms]) => [`${service} CPU ms/req`, median(ms).toFixed(2)])),
          // What the three services do per core they burn (PostgreSQL and the load generator aside).
          'req/s per core': Math.round(1000 / Object.values(r.cpuMsPerRequest).reduce((sum, ms) => sum + median(ms), 0)),
        },
      ]),
    ),
  );
  console.log(`spans exported: ${exported.requests} OTLP requests, ${(exported.bytes / 1e6).toFixed(1)} MB`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))),
  );
  helper.close();
  await databases.members.drop();
  await databases.history.drop();
}
