import { pino } from 'pino';
import { waitFor } from '@mp/testkit';
import { buildGateway, type GatewayServer } from '../src/server.js';
import { TestIssuer } from './support/issuer.js';
import { protectionDefaults } from './support/gateway-defaults.js';
import { StandInSubgraph, freePort } from './support/stand-in-subgraph.js';

// Stand-in subgraphs on ports reserved before the gateway starts, started only later: the
// gateway comes up first, as it does when every service starts at once.
const SECRET = 'startup-gate-test-secret-0123456789abcdef';

const post = (url: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });

describe('gateway start-up gate', () => {
  let members: StandInSubgraph;
  let history: StandInSubgraph;
  let gateway: GatewayServer;
  let origin: string;

  beforeEach(async () => {
    members = new StandInSubgraph(await freePort(), SECRET);
    history = new StandInSubgraph(await freePort(), SECRET);
    gateway = await buildGateway({
      tokenVerifier: (await TestIssuer.create()).verifier(),
      ...protectionDefaults(),
      logger: pino({ level: 'silent' }),
      gatewaySecret: SECRET,
      subgraphTimeoutMs: 1_000,
      subgraphUrls: { members: members.url, 'nickname-history': history.url },
      // A breaker this touchy opens on the first failures: start-up must not cause any.
      circuit: { volumeThreshold: 1, errorThresholdPercentage: 1, resetTimeoutMs: 60_000 },
      graphiql: false,
      introspection: true,
      persistedDocuments: null,
    });
    origin = await gateway.http.listen(0);
  });
  afterEach(async () => {
    await gateway.close();
    await Promise.all([members.stop(), history.stop()]);
  });

  it('answers 503 (readyz and GraphQL) until every subgraph answers, then serves with every circuit closed', async () => {
    const early = await post(`${origin}/graphql`);
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');
    expect(await early.json()).toEqual({
      errors: [{ message: 'The gateway is starting: waiting for members, nickname-history', extensions: { code: 'SERVICE_UNAVAILABLE' } }],
    });
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${origin}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ reason: 'waiting for subgraphs: members, nickname-history' });

    await members.start();
    await waitFor(
      'a probe to reach members',
      () => members.received,
      (received) => received > 0,
    );
    expect((await fetch(`${origin}/readyz`)).status).toBe(503);
    expect((await post(`${origin}/graphql`)).status).toBe(503);

    await history.start();
    await gateway.ready;
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', subgraphs: { members: 'closed', 'nickname-history': 'closed' } });
    expect(await (await post(`${origin}/graphql`)).json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('is not fooled by a subgraph that refuses the gateway secret', async () => {
    await members.start();
    await history.start(() => ({ status: 401, body: { errors: [{ message: 'Unauthorized' }] } }));
    await waitFor(
      'two probes to reach nickname-history',
      () => history.received,
      (received) => received >= 2,
    );
    expect((await fetch(`${origin}/readyz`)).status).toBe(503);
    expect(await (await post(`${origin}/graphql`)).json()).toMatchObject({
      errors: [{ message: 'The gateway is starting: waiting for nickname-history' }],
    });
  });
});
