// Benchmark: what metrics and tracing cost. Two copies of the whole system (gateway and both
// subgraphs, each its own process, production settings, on the same PostgreSQL data) take the
// cross-subgraph query in interleaved rounds: one with metrics served and every request traced
// (sampling 100 %, spans exported over OTLP to a collector stand-in here), one with tracing off
// and no metrics port. Prometheus collection itself has no switch: both copies count.
// Run: npm run bench:observability   (prints figures; asserts nothing)
import autocannon from 'autocannon';
import { BenchSystem, call, cpuSeconds, median } from './support/system-processes.js';

const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 20);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const MEMBERS = 100;
const QUERY = `query Page { members(first: 10) { edges { node { id nickname nicknameHistory(first: 5) { edges { node { nickname changedAt } } } } } } }`;

const system = await BenchSystem.start();

const run = (url: string, token: string) =>
  autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY, operationName: 'Page' }),
  });

try {
  process.stderr.write('starting two copies of the system…\n');
  const profileDir = process.env['BENCH_CPU_PROFILE_DIR'];
  const observed = await system.startCopy(
    'observed',
    {
      base: 4300,
      env: (metricsPort) => ({
        METRICS_PORT: String(metricsPort),
        OTEL_EXPORTER_OTLP_ENDPOINT: system.helperUrl,
        OTEL_TRACES_SAMPLER: 'always_on',
        // Variations to find where the cost is, e.g. '{"OTEL_TRACES_SAMPLER":"always_off"}'.
        ...(JSON.parse(process.env['BENCH_OBSERVED_ENV'] ?? '{}') as Record<string, string>),
      }),
    },
    profileDir,
  );
  const plain = await system.startCopy('plain', { base: 4400, env: () => ({ OTEL_SDK_DISABLED: 'true' }) }, profileDir);
  process.stderr.write(`seeding ${MEMBERS} members × 4 nicknames…\n`);
  await system.seed(plain.url, MEMBERS);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const reader = await system.mint('bench-reader', ['members:read']);
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
  console.log(`spans exported: ${system.exported.requests} OTLP requests, ${(system.exported.bytes / 1e6).toFixed(1)} MB`);
} finally {
  await system.close();
}
