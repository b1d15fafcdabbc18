// Work of a request nobody waits for any more must stop: a client that goes away, or a request
// past its overall deadline, cancels its subgraph fetches, and abandoned requests do not open the
// subgraph's circuit for everyone else. An oversized subgraph answer is refused, not buffered.
import { waitFor } from '@mp/testkit';
import type { GatewayServer } from '../src/server.js';
import { gatewayInFront } from './support/stand-in-gateway.js';
import { HeldSubgraph } from './support/held-subgraph.js';

const PAGE = JSON.stringify({ query: '{ members(first: 1) { edges { node { id } } } }' });

let members: HeldSubgraph;
let history: HeldSubgraph;
let gateway: GatewayServer;
let url: string;

async function start(options: { requestDeadlineMs: number; maxSubgraphResponseBytes?: number }) {
  members = new HeldSubgraph();
  history = new HeldSubgraph();
  await Promise.all([members.start(), history.start()]);
  ({ gateway, origin: url } = await gatewayInFront({ members: members.url, 'nickname-history': history.url }, options));
}

afterEach(async () => {
  await gateway.close();
  await Promise.all([members.stop(), history.stop()]);
});

const ask = (signal?: AbortSignal) =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: PAGE, ...(signal ? { signal } : {}) });

it('cancels the subgraph fetch when the client goes away', async () => {
  await start({ requestDeadlineMs: 30_000 });
  const client = new AbortController();
  const pending = ask(client.signal).catch(() => 'client gave up');
  await waitFor(
    'the subgraph to hold the request',
    () => Promise.resolve(members.held.length),
    (held) => held === 1,
  );
  client.abort();
  expect(await pending).toBe('client gave up');
  await waitFor(
    'the gateway to cancel its fetch',
    () => Promise.resolve(members.cancelled),
    (cancelled) => cancelled === 1,
  );
});

it('ends a request at its deadline with REQUEST_DEADLINE_EXCEEDED, cancels its fetch, and keeps the circuit closed', async () => {
  await start({ requestDeadlineMs: 300 });
  for (let i = 0; i < 8; i += 1) {
    const response = await ask();
    const body = (await response.json()) as { data: unknown; errors: { extensions: { code: string } }[] };
    expect(body.errors.map((error) => error.extensions.code)).toEqual(['REQUEST_DEADLINE_EXCEEDED']);
  }
  await waitFor(
    'every held fetch cancelled',
    () => Promise.resolve(members.cancelled),
    (cancelled) => cancelled === 8,
  );
  // Eight abandoned requests are more than the breaker's volume threshold: had they counted as
  // the subgraph's failures, the circuit would be open now.
  const readiness = (await (await fetch(`${url}/readyz`)).json()) as { subgraphs: Record<string, string> };
  expect(readiness.subgraphs).toEqual({ members: 'closed', 'nickname-history': 'closed' });
});

it.each([
  ['says its size (content-length)', false],
  ['streams it (chunked)', true],
])('refuses a subgraph answer over MAX_SUBGRAPH_RESPONSE_BYTES that %s', async (_label, chunked) => {
  await start({ requestDeadlineMs: 30_000, maxSubgraphResponseBytes: 64 * 1024 });
  members.answer = { bytes: 200 * 1024, chunked };
  const body = (await (await ask()).json()) as { data: unknown; errors: { message: string; extensions: { code: string } }[] };
  expect(body.data).toBeNull();
  expect(body.errors.map((error) => error.extensions.code)).toEqual(['RESPONSE_TOO_LARGE']);
  expect(body.errors[0]!.message).toMatch(/members service's answer is over 65536 bytes/);
  members.answer = { bytes: 1024, chunked };
  expect(((await (await ask()).json()) as { errors?: unknown }).errors).toBeUndefined();
});
