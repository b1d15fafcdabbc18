// Benchmark: our gateway beside Hive Gateway and a default Apollo Gateway, on the same subgraphs,
// the same supergraph and the same queries, in interleaved rounds. Ours runs in production
// settings: JWKS-verified tokens, Redis rate limits, cost and depth limits, metrics served,
// traces sampled at 10 % and exported. The peers (installed into a cache folder outside the
// repo on first use) get the gateway secret and a signed identity as client headers.
// Run: npm run bench   (prints figures; asserts nothing)
import autocannon from 'autocannon';
import { signIdentity } from '@mp/service-kit';
import { installPeers, PeerProcesses, supergraphFor, waitAnswers } from './support/peer-gateways.js';
import { RoundResults, type MeasuredProcesses } from './support/rounds.js';
import { BenchSystem, median, type SystemCopy } from './support/system-processes.js';

const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const MEMBERS = 200;
const CALLERS = 1_000;

const HISTORY = 'nicknameHistory(first: 5) { edges { node { nickname changedAt } } }';

interface Target extends MeasuredProcesses {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** Headers of many different callers, taken in turn, one request each (none for one caller). */
  callers?: Record<string, string>[];
}

/** An autocannon request hook giving each request the next caller's headers. */
function takeTurns(callers: Record<string, string>[]) {
  let next = 0;
  return (request: autocannon.Request): autocannon.Request => {
    const caller = callers[next++ % callers.length]!;
    return { ...request, headers: { ...request.headers, ...caller } };
  };
}

const system = await BenchSystem.start();
const peers = new PeerProcesses();
try {
  installPeers();
  process.stderr.write('starting the system…\n');
  // The gateway's own work: its cache of subgraph answers is off here (bench/cache.ts measures it).
  const production = (metricsPort: number) => ({
    SUBGRAPH_CACHE: 'false',
    METRICS_PORT: String(metricsPort),
    OTEL_EXPORTER_OTLP_ENDPOINT: system.helperUrl,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.1',
  });
  const ours = await system.startCopy('ours', { base: 4500, env: production });
  // The same system with two gateway processes on one port: whether a second process pays on this machine.
  const oursTwice = await system.startCopy('ours-2', { base: 4700, env: production, gatewayProcesses: 2 });
  process.stderr.write(`seeding ${MEMBERS} members × 4 nicknames…\n`);
  const ids = await system.seed(ours.url, MEMBERS);
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  const supergraphFile = supergraphFor(ours);
  const hivePid = peers.hive('hive', supergraphFile, 4620);
  const naivePid = peers.naiveApollo(supergraphFile, 4610);

  // An administrator: the queries read private fields (email, birth date) too.
  const reader = { subject: 'bench-reader', scopes: ['members:admin'] };
  const token = await system.mint(reader.subject, reader.scopes);
  // What our gateway sends its subgraphs, signed for the whole run: the peers forward it.
  const asGateway = {
    'x-gateway-secret': system.gatewaySecret,
    'x-member-identity': await signIdentity(reader, system.gatewaySecret, 7_200),
  };
  const pidsOf = (copy: SystemCopy, ...services: string[]) => copy.processes.filter((p) => services.includes(p.service)).map((p) => p.pid);
  // Every target shares these subgraphs: their CPU per request counts toward the whole system's.
  const subgraphPids = pidsOf(ours, 'members', 'nickname-history');
  const gateways: Target[] = [
    { name: 'ours', url: ours.url, headers: { authorization: `Bearer ${token}` }, gatewayPids: pidsOf(ours, 'gateway'), subgraphPids },
    {
      name: 'ours, 2 gateway processes',
      url: oursTwice.url,
      headers: { authorization: `Bearer ${token}` },
      gatewayPids: pidsOf(oursTwice, 'gateway'),
      subgraphPids: pidsOf(oursTwice, 'members', 'nickname-history'),
    },
    { name: 'hive', url: 'http://127.0.0.1:4620/graphql', headers: asGateway, gatewayPids: [hivePid], subgraphPids },
    { name: 'naive apollo', url: 'http://127.0.0.1:4610/', headers: asGateway, gatewayPids: [naivePid], subgraphPids },
  ];
  for (const target of gateways.slice(1)) await waitAnswers(target.url, target.headers);

  // Many callers: no two requests in flight are likely to be the same caller's, so no gateway can
  // share one subgraph answer between them (answers depend on who asks).
  process.stderr.write(`signing in ${CALLERS} callers…\n`);
  const callers = Array.from({ length: CALLERS }, (_, i) => ({ subject: `bench-caller-${i}`, scopes: ['members:admin'] }));
  const bearers = await Promise.all(
    callers.map(async (caller) => ({ authorization: `Bearer ${await system.mint(caller.subject, caller.scopes)}` })),
  );
  const identities = await Promise.all(
    callers.map(async (caller) => ({
      'x-gateway-secret': system.gatewaySecret,
      'x-member-identity': await signIdentity(caller, system.gatewaySecret, 7_200),
    })),
  );
  const manyCallers = gateways.map((target) => ({ ...target, callers: target.name.startsWith('ours') ? bearers : identities }));

  const aliases = ids
    .slice(0, 10)
    .map((id, i) => `m${i}: member(id: "${id}") { id nickname ${HISTORY} }`)
    .join(' ');
  const shapes: { title: string; query: string; targets: Target[] }[] = [
    {
      title: 'members(first: 10) with nicknameHistory(first: 5) (both subgraphs)',
      query: `query Page { members(first: 10) { edges { node { id nickname email birthDate ${HISTORY} } } } }`,
      targets: gateways,
    },
    {
      title: 'members(first: 10) (members only)',
      query: 'query Page { members(first: 10) { edges { node { id nickname email birthDate createdAt } } } }',
      targets: [...gateways, { name: 'direct to subgraph', url: ours.membersUrl, headers: asGateway, gatewayPids: [], subgraphPids }],
    },
    { title: '10 aliased member(id) with nicknameHistory(first: 5)', query: `query Page { ${aliases} }`, targets: gateways },
    {
      title: `members(first: 10) with nicknameHistory(first: 5), ${CALLERS} different callers`,
      query: `query Page { members(first: 10) { edges { node { id nickname email birthDate ${HISTORY} } } } }`,
      targets: manyCallers,
    },
    {
      title: `members(first: 10) (members only), ${CALLERS} different callers`,
      query: 'query Page { members(first: 10) { edges { node { id nickname email birthDate createdAt } } } }',
      targets: [
        ...manyCallers,
        { name: 'direct to subgraph', url: ours.membersUrl, headers: asGateway, callers: identities, gatewayPids: [], subgraphPids },
      ],
    },
  ];

  for (const shape of shapes) {
    const body = JSON.stringify({ query: shape.query, operationName: 'Page' });
    for (const target of shape.targets) {
      const response = (await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body,
      }).then((r) => r.json())) as { errors?: unknown[] };
      if (response.errors) throw new Error(`${target.name}: ${JSON.stringify(response.errors).slice(0, 300)}`);
    }
    const results = new RoundResults();
    for (let round = 1; round <= ROUNDS; round += 1) {
      const order = round % 2 === 1 ? shape.targets : [...shape.targets].reverse();
      for (const target of order) {
        process.stderr.write(`${shape.title}: round ${round}/${ROUNDS}, ${target.name}…\n`);
        await results.measure(target.name, target, () =>
          autocannon({
            url: target.url,
            method: 'POST',
            connections: CONNECTIONS,
            duration: SECONDS,
            headers: { 'content-type': 'application/json', ...target.headers },
            body,
            ...(target.callers ? { requests: [{ setupRequest: takeTurns(target.callers) }] } : {}),
          }),
        );
      }
    }
    console.log(`\n${shape.title}: ${CONNECTIONS} connections, ${SECONDS}s × ${ROUNDS} rounds interleaved; medians`);
    results.print({ 'vs hive': 'hive' }, (r) => ({ 'req/s per core': Math.round(median(r.perCore)) }));
  }
} finally {
  await peers.stop();
  await system.close();
}
