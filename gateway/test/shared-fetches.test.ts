// Identical queries in flight at once cost the subgraph one request, shared only among callers of
// the same identity; mutations are never shared, and no query sent after a write's answer joins a
// fetch that began before it. One client giving up does not cancel what others still wait for.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { waitFor } from '@mp/testkit';
import type { GatewayServer } from '../src/server.js';
import { gatewayInFront } from './support/stand-in-gateway.js';
import { TestIssuer, type Caller } from './support/issuer.js';

const PAGE = '{ members(first: 1) { edges { node { id } } } }';
const RENAME = 'mutation { changeNickname(input: { memberId: "m1", nickname: "renamed" }) { member { id } } }';

/** A members stand-in that holds every query until released and answers mutations at once. */
class MembersStandIn {
  readonly held: { res: ServerResponse; body: string; identity: string | undefined }[] = [];
  received = { queries: 0, mutations: 0 };
  cancelled = 0;
  private readonly server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const reply = (data: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
      if (body.includes('__typename') && !body.includes('edges')) reply({ __typename: 'Query' });
      else if (body.includes('changeNickname')) {
        this.received.mutations += 1;
        reply({ changeNickname: { member: { id: 'm1' } } });
      } else this.hold(res, body, req.headers['x-member-identity'] as string | undefined);
    });
  });

  private hold(res: ServerResponse, body: string, identity: string | undefined) {
    this.received.queries += 1;
    this.held.push({ res, body, identity });
    res.once('close', () => {
      if (!res.writableFinished) this.cancelled += 1;
    });
  }

  release() {
    for (const { res } of this.held.splice(0)) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: { members: { edges: [{ node: { id: 'm1' } }] } } }));
    }
  }

  url = () => `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  start = () => new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  stop = async () => {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  };
}

let members: MembersStandIn;
let gateway: GatewayServer;
let issuer: TestIssuer;
let url: string;
let metrics: Registry;

beforeEach(async () => {
  members = new MembersStandIn();
  await members.start();
  issuer = await TestIssuer.create();
  metrics = new Registry();
  // History is never asked by these operations: any address will do.
  const started = await gatewayInFront(
    { members: members.url(), 'nickname-history': members.url() },
    { tokenVerifier: issuer.verifier(), metricsRegistry: metrics },
  );
  gateway = started.gateway;
  url = `${started.origin}/graphql`;
});
afterEach(async () => {
  await gateway.close();
  await members.stop();
});

async function ask(query: string, as: Caller, signal?: AbortSignal) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await issuer.headersFor(as)) },
    body: JSON.stringify({ query }),
    ...(signal ? { signal } : {}),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

const heldCount = (count: number) =>
  waitFor(
    `${count} requests held by the subgraph`,
    () => Promise.resolve(members.held.length),
    (held) => held === count,
  );

const alice: Caller = { sub: 'alice', scope: 'members:read' };
const bob: Caller = { sub: 'bob', scope: 'members:read' };
const page = { members: { edges: [{ node: { id: 'm1' } }] } };

it('sends identical concurrent queries of one caller once, and never shares between callers', async () => {
  const answers = Promise.all([...Array.from({ length: 10 }, () => ask(PAGE, alice)), ask(PAGE, bob), ask(PAGE, bob)]);
  await heldCount(2);
  // A beat for any request that was going to be sent separately to arrive.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(members.held).toHaveLength(2);
  expect(new Set(members.held.map((held) => held.identity)).size).toBe(2);
  members.release();
  for (const answer of await answers) expect(answer).toEqual({ data: page });
  expect(members.received.queries).toBe(2);
  expect(await metrics.getSingleMetricAsString('gateway_subgraph_shared_fetches_total')).toContain(
    'gateway_subgraph_shared_fetches_total{subgraph="members"} 10',
  );
});

it('never shares mutations, and no query after a write joins a fetch that began before it', async () => {
  const before = ask(PAGE, alice);
  await heldCount(1);
  const renames = await Promise.all([ask(RENAME, alice), ask(RENAME, alice), ask(RENAME, alice)]);
  for (const rename of renames) expect(rename.errors).toBeUndefined();
  expect(members.received.mutations).toBe(3);
  // The same query as the one still in flight, but sent after the writes were answered.
  const after = ask(PAGE, alice);
  await heldCount(2);
  members.release();
  expect(await before).toEqual({ data: page });
  expect(await after).toEqual({ data: page });
  expect(members.received.queries).toBe(2);
});

it('keeps a shared fetch for the callers still waiting when one goes away, and cancels it when all have', async () => {
  const leaving = new AbortController();
  const staying = ask(PAGE, alice);
  await heldCount(1);
  const left = ask(PAGE, alice, leaving.signal).catch(() => 'gave up');
  await new Promise((resolve) => setTimeout(resolve, 100));
  leaving.abort();
  expect(await left).toBe('gave up');
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(members.cancelled).toBe(0);
  members.release();
  expect(await staying).toEqual({ data: page });

  const everyone = [new AbortController(), new AbortController()];
  const gone = everyone.map((client) => ask(PAGE, alice, client.signal).catch(() => 'gave up'));
  await heldCount(1);
  for (const client of everyone) client.abort();
  expect(await Promise.all(gone)).toEqual(['gave up', 'gave up']);
  await waitFor(
    'the shared fetch to be cancelled',
    () => Promise.resolve(members.cancelled),
    (cancelled) => cancelled === 1,
  );
});
