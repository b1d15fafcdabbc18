// Benchmark of the subgraph answer cache on a read-heavy mix: 95 % reads of one member with its
// history, 5 % nickname changes, member ids drawn Zipf(1) over 10,000 members. Three targets on the
// same databases, in interleaved rounds after one warm-up each:
// - ours with the cache, two gateway processes (replicas sharing Redis, SO_REUSEPORT as balancer);
// - the same with the cache off (SUBGRAPH_CACHE=false);
// - Hive Gateway with its response cache (whole responses in memory, dropped by mutation results).
// Ours runs in production settings (JWKS tokens, Redis rate limits, cost limits, metrics, tracing at
// 10 %). Prints throughput, latency, the hit ratio and the staleness (commit → every replica has
// dropped what the commit changed) read from the services' own metrics.
// Run: npm run bench:cache   (prints figures; asserts nothing; BENCH_CPU_PROFILE_DIR=dir profiles the cache-on processes)
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { signIdentity } from '@mp/service-kit';
import { installPeers, PeerProcesses, supergraphFor, waitAnswers } from './support/peer-gateways.js';
import { RoundResults } from './support/rounds.js';
import { BenchSystem, type SystemCopy } from './support/system-processes.js';

const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const MEMBERS = Number(process.env['BENCH_CACHE_MEMBERS'] ?? 10_000);
const WRITE_SHARE = Number(process.env['BENCH_WRITE_SHARE'] ?? 0.05);
const ZIPF_EXPONENT = 1;
/** Set: V8 CPU profiles of the cache-on copy's processes are written there (when they exit). */
const CPU_PROFILE_DIR = process.env['BENCH_CPU_PROFILE_DIR'];

const READ =
  'query Member($id: ID!) { member(id: $id) { id nickname nicknameHistory(first: 5) { totalCount edges { node { nickname changedAt } } } } }';
const WRITE =
  'mutation Change($input: ChangeNicknameInput!) { changeNickname(input: $input) { member { id nickname } userErrors { code } } }';

/** Ranks 0..n-1 drawn with probability ∝ 1/(rank+1)^s, by binary search over the cumulative weights. */
function zipf(n: number, s: number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank += 1) cumulative[rank] = total += 1 / (rank + 1) ** s;
  return () => {
    const u = Math.random() * total;
    let [low, high] = [0, n - 1];
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < u) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/** Each request: a read of a Zipf-drawn member, or (5 %) a change of its nickname by `writer`. */
function mix(ids: string[], reader: Record<string, string>, writer: Record<string, string>) {
  const draw = zipf(ids.length, ZIPF_EXPONENT);
  const reads = ids.map((id) => JSON.stringify({ query: READ, variables: { id }, operationName: 'Member' }));
  return (request: autocannon.Request): autocannon.Request => {
    const rank = draw();
    if (Math.random() < WRITE_SHARE) {
      const nickname = `w${randomBytes(6).toString('base64url').slice(0, 8)}`;
      return {
        ...request,
        headers: { ...request.headers, ...writer },
        body: JSON.stringify({ query: WRITE, variables: { input: { memberId: ids[rank], nickname } }, operationName: 'Change' }),
      };
    }
    return { ...request, headers: { ...request.headers, ...reader }, body: reads[rank] };
  };
}

/** Reads every member once, 32 at a time. */
async function readEach(ids: string[], url: string, headers: Record<string, string>) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: READ, variables: { id: ids[i] }, operationName: 'Member' }),
      }).then((response) => response.arrayBuffer());
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

/** Sums of the samples of one metric (optionally filtered by a label text) across endpoints. */
async function scrape(ports: number[], metric: string, labelText = ''): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  for (const port of ports) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    for (const line of text.split('\n')) {
      if (!line.startsWith(metric) || !line.includes(labelText)) continue;
      const [series, value] = [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))];
      sums.set(series, (sums.get(series) ?? 0) + value);
    }
  }
  return sums;
}

/** Where the gateways' cache reads were answered, summed over the replicas. */
async function cacheReads(ports: number[]) {
  const series = await scrape(ports, 'cache_requests_total');
  const count = (result: string) => [...series].filter(([name]) => name.includes(`result="${result}"`)).reduce((sum, [, v]) => sum + v, 0);
  return { local: count('local'), redis: count('redis'), miss: count('miss') };
}

/** Event-loop delay (p99 and max, ms) of each service since its previous scrape (prom-client resets it per scrape). */
async function eventLoopDelays(services: Record<string, number>) {
  const delays: Record<string, string> = {};
  for (const [service, port] of Object.entries(services)) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    const value = (metric: string) => Number(new RegExp(`^${metric}\\{[^}]*\\} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
    delays[service] =
      `p99 ${value('nodejs_eventloop_lag_p99_seconds').toFixed(0)} ms, max ${value('nodejs_eventloop_lag_max_seconds').toFixed(0)} ms`;
  }
  return delays;
}

/** A histogram's cumulative bucket counts by upper bound (seconds), summed over the endpoints (and one `stage`, if given). */
async function histogram(ports: number[], metric: string, stage?: string): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  for (const [name, count] of await scrape(ports, `${metric}_bucket`)) {
    if (stage && !name.includes(`stage="${stage}"`)) continue;
    const le = /le="([^"]+)"/.exec(name)![1]!;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + count);
  }
  return buckets;
}

/** The p99 of what was observed between two snapshots: the upper bound of the bucket holding it, and the count. */
function p99Between(before: Map<number, number>, after: Map<number, number>) {
  const buckets = [...after].map(([le, count]) => ({ le, count: count - (before.get(le) ?? 0) })).sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  return { p99: buckets.find((bucket) => bucket.count >= 0.99 * total)?.le ?? NaN, count: total };
}

/** Where each invalidation histogram stands now: members and history (commit → every replica dropped), gateways (message → dropped). */
const stalenessSnapshot = (gateways: number[]) =>
  Promise.all([
    histogram([4511], 'cache_invalidation_seconds'),
    histogram([4512], 'cache_invalidation_seconds'),
    histogram(gateways, 'cache_invalidation_delay_seconds'),
    histogram([4511, 4512], 'cache_invalidation_stage_seconds', 'script'),
    histogram([4511, 4512], 'cache_invalidation_stage_seconds', 'acknowledged'),
  ]);

/** The staleness p99s observed between two snapshots, as one line. */
function stalenessLine(before: Map<number, number>[], after: Map<number, number>[]) {
  const [members, history, delivery, script, acknowledged] = [0, 1, 2, 3, 4].map((i) => p99Between(before[i]!, after[i]!)) as [
    ReturnType<typeof p99Between>,
    ReturnType<typeof p99Between>,
    ReturnType<typeof p99Between>,
    ReturnType<typeof p99Between>,
    ReturnType<typeof p99Between>,
  ];
  const ms = (seconds: number) => `≤ ${Math.round(seconds * 1000)} ms`;
  return (
    `members ${ms(members.p99)} over ${members.count} writes, nickname-history ${ms(history.p99)} over ${history.count} ` +
    `stored batches; message → replica dropped ${ms(delivery.p99)}; stages: Redis script ${ms(script.p99)}, ` +
    `then every acknowledgement ${ms(acknowledged.p99)}`
  );
}

const system = await BenchSystem.start();
const peers = new PeerProcesses();
try {
  installPeers();
  process.stderr.write('starting the system twice (cache on, cache off)…\n');
  const production = (metricsPort: number) => ({
    METRICS_PORT: String(metricsPort),
    OTEL_EXPORTER_OTLP_ENDPOINT: system.helperUrl,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.1',
    // Limits stay on; one writer account makes every change of the mix.
    RATE_LIMIT_MUTATIONS: '100000000/60',
  });
  const cached = await system.startCopy('cache-on', { base: 4500, env: production, gatewayProcesses: 2 }, CPU_PROFILE_DIR);
  const uncached = await system.startCopy('cache-off', {
    base: 4700,
    env: (port) => ({ ...production(port), SUBGRAPH_CACHE: 'false' }),
    gatewayProcesses: 2,
  });
  process.stderr.write(`seeding ${MEMBERS} members…\n`);
  const ids = await system.seedMany(uncached.url, MEMBERS);
  const hivePid = peers.hive('hive-response-cache', supergraphFor(uncached), 4630);

  // An administrator may change any member's nickname: the one writer of the mix.
  const writer = { subject: 'bench-writer', scopes: ['members:admin'] };
  const ourWriter = { authorization: `Bearer ${await system.mint(writer.subject, writer.scopes)}` };
  // What our gateway sends its subgraphs, signed for the whole run: Hive forwards it.
  const asGateway = {
    'x-gateway-secret': system.gatewaySecret,
    'x-member-identity': await signIdentity(writer, system.gatewaySecret, 7_200),
  };
  const pidsOf = (copy: SystemCopy, ...services: string[]) => copy.processes.filter((p) => services.includes(p.service)).map((p) => p.pid);
  const targets = [
    {
      name: 'ours, cache on (2 replicas)',
      url: cached.url,
      reader: {},
      writer: ourWriter,
      gatewayPids: pidsOf(cached, 'gateway'),
      subgraphPids: pidsOf(cached, 'members', 'nickname-history'),
    },
    {
      name: 'ours, cache off (2 replicas)',
      url: uncached.url,
      reader: {},
      writer: ourWriter,
      gatewayPids: pidsOf(uncached, 'gateway'),
      subgraphPids: pidsOf(uncached, 'members', 'nickname-history'),
    },
    {
      name: 'hive, response cache',
      url: 'http://127.0.0.1:4630/graphql',
      reader: asGateway,
      writer: asGateway,
      gatewayPids: [hivePid],
      subgraphPids: pidsOf(uncached, 'members', 'nickname-history'),
    },
  ];
  await waitAnswers(targets[2]!.url, asGateway);

  const run = (target: (typeof targets)[number], seconds: number) =>
    autocannon({
      url: target.url,
      method: 'POST',
      connections: CONNECTIONS,
      duration: seconds,
      headers: { 'content-type': 'application/json' },
      requests: [{ setupRequest: mix(ids, target.reader, target.writer) }],
    });
  // A system in service has read its members before: each is read once through every target, then
  // every target runs the mix once unmeasured.
  for (const target of targets) {
    process.stderr.write(`warming up ${target.name}…\n`);
    await readEach(ids, target.url, target.reader);
    await run(target, SECONDS);
  }
  const cacheOnGateways = [4510, 4513];
  const readsBefore = await cacheReads(cacheOnGateways);
  const stalenessBefore = await stalenessSnapshot(cacheOnGateways);
  const cacheOnServices = { 'gateway 1': 4510, 'gateway 2': 4513, members: 4511, 'nickname-history': 4512 };
  await eventLoopDelays(cacheOnServices);
  const results = new RoundResults();
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const target of round % 2 === 1 ? targets : [...targets].reverse()) {
      process.stderr.write(`round ${round}/${ROUNDS}, ${target.name}…\n`);
      await results.measure(target.name, target, () => run(target, SECONDS));
    }
  }
  const readsAfter = await cacheReads(cacheOnGateways);
  const reads = {
    local: readsAfter.local - readsBefore.local,
    redis: readsAfter.redis - readsBefore.redis,
    miss: readsAfter.miss - readsBefore.miss,
  };
  const hitRatio = (reads.local + reads.redis) / (reads.local + reads.redis + reads.miss);
  const stalenessAtCapacity = await stalenessSnapshot(cacheOnGateways);
  const loopDelays = await eventLoopDelays(cacheOnServices);

  const [on, off, hive] = targets.map((target) => results.rps(target.name)) as [number, number, number];
  console.log(
    `\nRead-heavy mix: ${MEMBERS} members, Zipf(${ZIPF_EXPONENT}), ${WRITE_SHARE * 100} % nickname changes; ` +
      `${CONNECTIONS} connections, ${SECONDS}s × ${ROUNDS} rounds interleaved after a warm-up; medians`,
  );
  results.print({ 'vs cache off': targets[1]!.name, 'vs hive cache': targets[2]!.name });
  console.log(`cache on: ${(on / off).toFixed(2)}× cache off, ${(on / hive).toFixed(2)}× Hive's response cache`);
  console.log(
    `hit ratio (measured rounds, both replicas): ${(hitRatio * 100).toFixed(1)} % ` +
      `(local ${reads.local}, Redis ${reads.redis}, miss ${reads.miss})`,
  );
  console.log('event-loop delay of the cache-on services over the measured rounds (all three targets ran in them):');
  console.table(loopDelays);
  console.log(
    `staleness p99, commit → every replica dropped the entries, at full load: ${stalenessLine(stalenessBefore, stalenessAtCapacity)}`,
  );

  // Closed-loop rounds run every process flat out, so an invalidation waits for CPU like everything
  // else. At a steady 60 % of the measured capacity it shows its own delay.
  const rate = Math.round(on * 0.6);
  process.stderr.write(`ours, cache on, at a steady ${rate} req/s…\n`);
  const steady = await autocannon({
    url: cached.url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS * 2,
    overallRate: rate,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: mix(ids, {}, ourWriter) }],
  });
  console.log(
    `staleness p99 at a steady ${rate} req/s (60 % of capacity; p99 latency ${steady.latency.p99} ms): ` +
      stalenessLine(stalenessAtCapacity, await stalenessSnapshot(cacheOnGateways)),
  );
} finally {
  await peers.stop();
  await system.close();
}
