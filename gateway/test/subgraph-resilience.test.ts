// Failure isolation at the gateway: a bulkhead per subgraph (a hanging subgraph fills only its own
// compartment), retries for queries only (connection failures and 502/503, with backoff), and a
// retry budget that keeps retries from multiplying load during an outage.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { waitFor } from '@mp/testkit';
import type { GatewayServer } from '../src/server.js';
import { gatewayInFront } from './support/stand-in-gateway.js';
import { RetryBudget } from '../src/retry-budget.js';
import { compartment } from '../src/subgraph-resilience.js';
import { RequestAbandonedError } from '../src/request-signal.js';
import { TestIssuer, type Caller } from './support/issuer.js';

const reader: Caller = { sub: 'reader', scope: 'members:read' };

type Behaviour = (body: string, res: ServerResponse) => void;

/** A stand-in subgraph: answers the start-up probe, and everything else as `behaviour` says; counts requests. */
class StandIn {
  received = 0;
  behaviour: Behaviour = (_body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
  private readonly server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (body.includes('__typename') && !body.includes('edges') && !body.includes('_entities')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"__typename":"Query"}}');
        return;
      }
      this.received += 1;
      this.behaviour(body, res);
    });
  });
  url = () => `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  start = () => new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  stop = async () => {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  };
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const page = (first: number) => ({
  data: {
    members: { edges: Array.from({ length: first }, (_, i) => ({ node: { __typename: 'Member', id: `m${i}`, nickname: `n${i}` } })) },
  },
});
/** Answers a members page for any `members(first: N)` query, or a rename for a mutation. */
const membersAnswer: Behaviour = (body, res) => {
  if (body.includes('changeNickname')) json(res, 200, { data: { changeNickname: { member: { id: 'm0' } } } });
  else json(res, 200, page(Number(/first:\s*(\d+)/.exec(body)?.[1] ?? 1)));
};

let members: StandIn;
let history: StandIn;
let gateway: GatewayServer | undefined;
let issuer: TestIssuer;
let metrics: Registry;
let url: string;

async function start(options: { subgraphBulkhead?: { maxConcurrent: number; maxQueued: number }; subgraphQueryRetries?: number } = {}) {
  const started = await gatewayInFront(
    { members: members.url(), 'nickname-history': history.url() },
    { tokenVerifier: issuer.verifier(), metricsRegistry: metrics, ...options },
  );
  gateway = started.gateway;
  url = `${started.origin}/graphql`;
}

beforeEach(async () => {
  members = new StandIn();
  history = new StandIn();
  members.behaviour = membersAnswer;
  await Promise.all([members.start(), history.start()]);
  issuer = await TestIssuer.create();
  metrics = new Registry();
});
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await Promise.all([members.stop(), history.stop()]);
});

async function ask(query: string) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await issuer.headersFor(reader)) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  return { ...body, ms: performance.now() - started };
}

const retriesCounted = async () =>
  Number(/subgraph="members"\} (\d+)/.exec(await metrics.getSingleMetricAsString('gateway_subgraph_retries_total'))?.[1] ?? 0);

describe('retries', () => {
  it('retries a query after a 503 or a broken connection, and never a mutation', async () => {
    await start();
    let failNext: 'none' | '503' | 'reset' = '503';
    members.behaviour = (body, res) => {
      const failure = failNext;
      failNext = 'none';
      if (failure === '503') json(res, 503, { errors: [{ message: 'draining' }] });
      else if (failure === 'reset') res.socket?.destroy();
      else membersAnswer(body, res);
    };
    expect(await ask('{ members(first: 1) { edges { node { id } } } }')).toMatchObject({
      data: { members: { edges: [{ node: { id: 'm0' } }] } },
    });
    expect(members.received).toBe(2);
    failNext = 'reset';
    expect((await ask('{ members(first: 2) { edges { node { id } } } }')).errors).toBeUndefined();
    expect(members.received).toBe(4);
    expect(await retriesCounted()).toBe(2);

    failNext = '503';
    const rename = await ask('mutation { changeNickname(input: { memberId: "m0", nickname: "again" }) { member { id } } }');
    expect(rename.errors?.map((error) => error.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(members.received).toBe(5);
    expect(await retriesCounted()).toBe(2);
  });

  it('keeps retries within the budget while a subgraph keeps failing', async () => {
    await start({ subgraphQueryRetries: 2 });
    members.behaviour = (_body, res) => json(res, 503, { errors: [{ message: 'down' }] });
    for (let first = 1; first <= 40; first += 1) await ask(`{ members(first: ${first}) { edges { node { id } } } }`);
    const retries = await retriesCounted();
    // Without a budget: 80 retries. With it: the starting balance (5), a tenth of 40 requests, and
    // what the seconds of this test earned (5 a second).
    console.log(`retries for 40 failing queries: ${retries} (no budget: 80)`);
    expect(retries).toBeLessThan(40);
    expect(members.received).toBe(40 + retries);
  });

  it('pays a retry from a balance that requests top up by their ratio, and refuses one it cannot pay', () => {
    const budget = new RetryBudget({ ratio: 0.25, minPerSecond: 0, maxBalance: 3 });
    expect(budget.tryRetry()).toBe(false);
    for (let i = 0; i < 4; i += 1) budget.recordRequest();
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    for (let i = 0; i < 100; i += 1) budget.recordRequest();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, true, false]);
  });
});

describe('bulkhead', () => {
  it('refuses fetches past a hanging subgraph’s compartment at once, and keeps the other subgraph’s latency', async () => {
    await start({ subgraphBulkhead: { maxConcurrent: 2, maxQueued: 1 } });
    const held: { res: ServerResponse; body: string }[] = [];
    history.behaviour = (body, res) => held.push({ res, body });
    const answerHeld = () => {
      for (const { res, body } of held.splice(0)) {
        const { representations } = (JSON.parse(body) as { variables: { representations: unknown[] } }).variables;
        json(res, 200, { data: { _entities: representations.map(() => ({ __typename: 'Member', nicknameHistory: { totalCount: 0 } })) } });
      }
    };
    const withHistory = (first: number) =>
      `{ members(first: ${first}) { edges { node { id nicknameHistory(first: 5) { totalCount } } } } }`;
    const hanging = [1, 2, 3].map((first) => ask(withHistory(first)));
    await waitFor(
      'two history fetches held and one queued',
      () => Promise.resolve(held.length),
      (count) => count === 2,
    );
    const refused = await Promise.all([ask(withHistory(4)), ask(withHistory(5))]);
    for (const answer of refused) {
      expect(answer.errors?.map((error) => error.message)).toEqual(['The nickname-history service is busy: try again shortly.']);
      // The members part still arrives: only the history fields are missing.
      expect(answer.data).toMatchObject({
        members: { edges: expect.arrayContaining([{ node: { id: 'm0', nicknameHistory: null } }]) as unknown },
      });
      expect(answer.ms).toBeLessThan(1_000);
    }
    expect(history.received).toBe(2);
    const membersOnly = await ask('{ members(first: 3) { edges { node { id nickname } } } }');
    expect(membersOnly.errors).toBeUndefined();
    expect(membersOnly.ms).toBeLessThan(1_000);

    answerHeld();
    await waitFor(
      'the queued fetch to be sent',
      () => Promise.resolve(held.length),
      (count) => count === 1,
    );
    answerHeld();
    const answered = await Promise.all(hanging);
    expect(answered.map((answer) => answer.errors)).toEqual([undefined, undefined, undefined]);
  });
});

describe('abandoned requests', () => {
  it('refuses a fetch whose request was already abandoned, without leaving a rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const inCompartment = compartment(1, 1);
      const controller = new AbortController();
      const reason = new RequestAbandonedError('client-gone');
      controller.abort(reason);
      let ran = false;
      await expect(
        inCompartment(() => {
          ran = true;
          return Promise.resolve('answer');
        }, controller.signal),
      ).rejects.toBe(reason);
      // The bulkhead's own refusal of the aborted signal settles a turn later.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(ran).toBe(false);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
