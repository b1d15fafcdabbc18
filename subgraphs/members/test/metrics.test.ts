// What an operator scrapes from members: HTTP requests, and the outbox's lag and deliveries.
import { pino } from 'pino';
import { connectionPoolMetrics, createMetricsRegistry, sqlMetrics } from '@mp/service-kit';
import { metricLabels, metricValue } from '@mp/testkit';
import type { NicknameChanged } from '@mp/events';
import { createMembersTestDb, type MembersTestDb } from './support/database.js';
import { TEST_GATEWAY_SECRET, execute } from './support/server.js';
import { CREATE_MEMBER, signUpInput } from './support/operations.js';
import { buildServer, type MembersServer } from '../src/server.js';
import { measuredPublisher, registerOutboxGauges } from '../src/outbox/outbox-metrics.js';
import { markPublished } from '../src/outbox/outbox-store.js';

let testDb: MembersTestDb;
let server: MembersServer;
const registry = createMetricsRegistry('members');

beforeAll(async () => {
  testDb = await createMembersTestDb();
  server = await buildServer({
    db: testDb.db,
    logger: pino({ level: 'silent' }),
    gatewaySecret: TEST_GATEWAY_SECRET,
    metricsRegistry: registry,
  });
  registerOutboxGauges(registry, testDb.db);
  connectionPoolMetrics(registry, 'members', () => testDb.poolStats());
  const observeSql = sqlMetrics(registry, ['member', 'outbox_event']);
  // The test database's client emits query events (support/database.ts); its type does not say so.
  const emitting = testDb.db as unknown as { $on(event: 'query', listener: (event: { query: string; duration: number }) => void): void };
  emitting.$on('query', (event) => observeSql(event.query, event.duration));
});
afterAll(async () => {
  await server.close();
  await testDb.close();
});

const sample = (name: string, labels: Record<string, string> = {}) => metricValue(registry, name, labels);

it('reports the outbox backlog: pending events and the age of the oldest', async () => {
  expect(await sample('outbox_pending_events')).toBe(0);
  expect(await sample('outbox_oldest_pending_age_seconds')).toBe(0);
  for (let i = 0; i < 3; i += 1) await execute(server, CREATE_MEMBER, { input: signUpInput() });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await sample('outbox_pending_events')).toBe(3);
  expect(await sample('outbox_oldest_pending_age_seconds')).toBeGreaterThan(0);
  const pending = await testDb.db.outboxEvent.findMany({ select: { id: true } });
  await markPublished(
    testDb.db,
    pending.map((row) => row.id),
  );
  expect(await sample('outbox_pending_events')).toBe(0);
});

it("times and counts the relay's deliveries by transport and outcome", async () => {
  let fail = false;
  const publisher = measuredPublisher(
    {
      publish: () => (fail ? Promise.reject(new Error('receiver down')) : Promise.resolve()),
    },
    registry,
    'http',
  );
  const batch = [{}, {}] as unknown as NicknameChanged[];
  await publisher.publish(batch);
  fail = true;
  await expect(publisher.publish(batch)).rejects.toThrow('receiver down');
  expect(await sample('outbox_relay_events_total', { transport: 'http', outcome: 'success' })).toBe(2);
  expect(await sample('outbox_relay_events_total', { transport: 'http', outcome: 'failure' })).toBe(2);
  expect(await sample('outbox_relay_publish_duration_seconds_count', { transport: 'http', outcome: 'failure' })).toBe(1);
});

it('measures its HTTP requests by route and status, with process metrics beside them', async () => {
  const url = await server.http.listen(0);
  await fetch(`${url}/healthz`);
  await fetch(`${url}/graphql`, { method: 'POST' });
  expect(await sample('http_server_request_duration_seconds_count', { http_route: '/healthz', http_response_status_code: '200' })).toBe(1);
  expect(await sample('http_server_request_duration_seconds_count', { http_route: '/graphql', http_response_status_code: '401' })).toBe(1);
  expect(await sample('process_resident_memory_bytes')).toBeGreaterThan(0);
});

it('times SQL by table and statement kind, never by the statement text', async () => {
  await execute(server, CREATE_MEMBER, { input: signUpInput() });
  expect(
    await sample('db_client_operation_duration_seconds_count', { db_collection_name: 'member', db_operation_name: 'INSERT' }),
  ).toBeGreaterThanOrEqual(1);
  expect(
    await sample('db_client_operation_duration_seconds_count', { db_collection_name: 'outbox_event', db_operation_name: 'INSERT' }),
  ).toBeGreaterThanOrEqual(1);
  // Raw statements too (the outbox backlog query above).
  expect(
    await sample('db_client_operation_duration_seconds_count', { db_collection_name: 'outbox_event', db_operation_name: 'SELECT' }),
  ).toBeGreaterThanOrEqual(1);
  const labels = await metricLabels(registry, 'db_client_operation_duration_seconds_count');
  for (const { db_collection_name, db_operation_name } of labels) {
    expect(['member', 'outbox_event', 'other']).toContain(db_collection_name);
    expect(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'WITH', 'OTHER']).toContain(db_operation_name);
  }
});

it("reports the database pool's connections by state, its waiting queries and its size", async () => {
  await execute(server, CREATE_MEMBER, { input: signUpInput() });
  const pool = { db_client_connection_pool_name: 'members' };
  const used = await sample('db_client_connection_count', { ...pool, db_client_connection_state: 'used' });
  const idle = await sample('db_client_connection_count', { ...pool, db_client_connection_state: 'idle' });
  // Between requests every connection the pool opened is idle again.
  expect(used).toBe(0);
  expect(idle).toBeGreaterThan(0);
  expect(await sample('db_client_connection_pending_requests', pool)).toBe(0);
  expect(await sample('db_client_connection_max', pool)).toBe(20);
});
