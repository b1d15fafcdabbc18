// A replica leaving the balancer's rotation: /readyz turns 503 first, requests in flight are
// finished, new connections are refused once it closes, and only then is it gone.
import { waitFor } from '@mp/testkit';
import type { GatewayServer } from '../src/server.js';
import { gatewayInFront } from './support/stand-in-gateway.js';
import { HeldSubgraph } from './support/held-subgraph.js';

let members: HeldSubgraph;
let history: HeldSubgraph;
let gateway: GatewayServer;
let origin: string;

beforeEach(async () => {
  members = new HeldSubgraph();
  history = new HeldSubgraph();
  await Promise.all([members.start(), history.start()]);
  ({ gateway, origin } = await gatewayInFront({ members: members.url, 'nickname-history': history.url }));
});
afterEach(async () => {
  await gateway.close();
  await Promise.all([members.stop(), history.stop()]);
});

const readiness = async () => {
  const response = await fetch(`${origin}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string } };
};

it('answers /readyz 503 once draining, finishes the request in flight, then refuses new connections', async () => {
  expect((await readiness()).status).toBe(200);
  const inFlight = fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ members(first: 1) { edges { node { id } } } }' }),
  });
  await waitFor(
    'the subgraph to hold the request',
    () => Promise.resolve(members.held.length),
    (held) => held === 1,
  );

  gateway.beginDrain();
  expect(await readiness()).toEqual({ status: 503, body: { status: 'draining' } });

  const closed = gateway.close();
  await waitFor(
    'the port to refuse new connections',
    () =>
      fetch(`${origin}/healthz`).then(
        () => 'accepted',
        () => 'refused',
      ),
    (outcome) => outcome === 'refused',
  );
  members.held[0]!.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({ data: { members: { edges: [{ node: { id: 'm1' } }] } } }),
  );
  const response = await inFlight;
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ data: { members: { edges: [{ node: { id: 'm1' } }] } } });
  await closed;
});
