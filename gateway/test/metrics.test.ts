// What an operator scrapes from the gateway, and the one access-log line per request.
import type { Registry } from 'prom-client';
import { createMetricsRegistry, startMetricsServer, type MetricsServer } from '@mp/service-kit';
import { metricLabels, metricValue } from '@mp/testkit';
import { freshAdmin, TestSystem } from './support/system.js';

let system: TestSystem;
let registry: Registry;
let metrics: MetricsServer;

beforeAll(async () => {
  registry = createMetricsRegistry('gateway');
  system = await TestSystem.start('postgres', { metricsRegistry: registry }, { logLevel: 'info' });
  metrics = await startMetricsServer(registry, 0);
});
afterAll(async () => {
  await metrics?.close();
  await system?.close();
});

const scrape = async () => (await fetch(metrics.url)).text();
const valueOf = (name: string, labels: Record<string, string>) => metricValue(registry, name, labels);

async function post(body: unknown, authorization?: string) {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : await system.issuer.headersFor(freshAdmin())) },
    body: JSON.stringify(body),
  });
  return response.status;
}

it('counts operations by name and outcome, errors by code, refusals by reason, fetches by subgraph', async () => {
  expect(await post({ query: 'query MembersPage { members(first: 2) { edges { node { id } } } }', operationName: 'MembersPage' })).toBe(
    200,
  );
  const expensive = '{ members(first: 100) { edges { node { nicknameHistory(first: 100) { edges { node { nickname } } } } } } }';
  expect(await post({ query: expensive })).toBe(400);
  expect(await post({ query: '{ me { id } }' }, 'Bearer not-a-token')).toBe(401);

  expect(
    await valueOf('graphql_operation_duration_seconds_count', {
      graphql_operation_name: 'MembersPage',
      graphql_operation_type: 'query',
      outcome: 'success',
    }),
  ).toBe(1);
  expect(await valueOf('graphql_errors_total', { code: 'COST_ESTIMATED_TOO_EXPENSIVE' })).toBe(1);
  expect(await valueOf('gateway_rejected_requests_total', { reason: 'cost' })).toBe(1);
  expect(await valueOf('gateway_rejected_requests_total', { reason: 'auth' })).toBe(1);
  expect(
    await valueOf('gateway_subgraph_request_duration_seconds_count', { subgraph: 'members', outcome: 'success' }),
  ).toBeGreaterThanOrEqual(1);
  expect(await valueOf('gateway_subgraph_circuit_state', { subgraph: 'members', state: 'closed' })).toBe(1);
  expect(await valueOf('gateway_subgraph_circuit_state', { subgraph: 'members', state: 'open' })).toBe(0);
  expect(
    await valueOf('http_server_request_duration_seconds_count', {
      http_request_method: 'POST',
      http_route: '/graphql',
      http_response_status_code: '401',
    }),
  ).toBe(1);
});

it('keeps label values bounded: client-chosen operation names beyond the first hundred are "other"', async () => {
  for (let i = 0; i < 120; i += 1) await post({ query: `query Op${i} { __typename }` });
  const names = new Set(
    (await metricLabels(registry, 'graphql_operation_duration_seconds_count')).map((labels) => labels['graphql_operation_name']),
  );
  // A hundred names, "other", and "anonymous" for unnamed operations.
  expect(names.size).toBeLessThanOrEqual(102);
  expect(names.has('other')).toBe(true);
});

it('writes one access-log line per request: operation, status, duration, codes, hashed subject; never the token', async () => {
  const token = await system.issuer.token('access-log-subject', 'members:read');
  await post({ query: 'query Listed { members(first: 1) { edges { node { id } } } }' }, `Bearer ${token}`);
  const lines = system.logs.filter((line) => line['msg'] === 'request' && line['operationName'] === 'Listed');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ method: 'POST', status: 200, errorCodes: [], subject: expect.stringMatching(/^[0-9a-f]{16}$/) });
  expect(lines[0]!['durationMs']).toEqual(expect.any(Number));
  expect(JSON.stringify(system.logs)).not.toContain(token);
  expect(JSON.stringify(system.logs)).not.toContain('access-log-subject');
});

it('serves no metrics on the public port', async () => {
  expect((await fetch(new URL('/metrics', system.gatewayUrl))).status).toBe(404);
  expect(await scrape()).toMatch(/^nodejs_eventloop_lag_seconds\{service="gateway"\}/m);
});
