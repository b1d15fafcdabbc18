// One trace from the client's request through the gateway, both subgraphs and their SQL, and on
// through the outbox and the event intake to the history row.
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { startTracing, tracingEnvShape, type Tracing } from '@mp/service-kit';
import { z } from 'zod';
import { freshAdmin, TestSystem } from './support/system.js';
import { SKIPPED_GATEWAY_SPANS } from '../src/observability/tracing-options.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, PAGE_WITH_HISTORY, signUpInput, type CreateMemberData } from './support/operations.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let system: TestSystem;

beforeAll(async () => {
  tracing = startTracing({
    service: 'test',
    env: z.object(tracingEnvShape).parse({}),
    exporter,
    exportEachSpan: true,
    prisma: true,
    // As the gateway's main.ts runs it.
    skipSpans: SKIPPED_GATEWAY_SPANS,
  });
  system = await TestSystem.start('postgres', {}, { logLevel: 'info' });
  for (let i = 0; i < 3; i += 1) await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('trace') });
  await system.drained();
});
afterAll(async () => {
  await system?.close();
  await tracing?.shutdown();
});

const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';

async function post(query: string, variables: Record<string, unknown>) {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`,
      ...(await system.issuer.headersFor(freshAdmin())),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

/** The finished spans of one trace, with ways to walk it. */
function traceOf(traceId: string) {
  const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const idOf = (span: ReadableSpan) => span.spanContext().spanId;
  const childrenOf = (parent: ReadableSpan) => spans.filter((span) => span.parentSpanContext?.spanId === idOf(parent));
  const descendantsOf = (parent: ReadableSpan): ReadableSpan[] => childrenOf(parent).flatMap((child) => [child, ...descendantsOf(child)]);
  const one = (predicate: (span: ReadableSpan) => boolean, what: string) => {
    const found = spans.filter(predicate);
    if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
    return found[0]!;
  };
  return { spans, childrenOf, descendantsOf, one };
}

const sqlOf = (spans: readonly ReadableSpan[]) => spans.filter((span) => span.name === 'prisma:client:db_query');

it('continues the client trace through the gateway, one fetch per subgraph, to their SQL', async () => {
  exporter.reset();
  const { data, errors } = await post(PAGE_WITH_HISTORY, { first: 3 });
  expect(errors).toBeUndefined();
  expect(data).toBeDefined();
  await tracing.forceFlush();

  const trace = traceOf(CLIENT_TRACE_ID);
  const gateway = trace.one((s) => s.kind === SpanKind.SERVER && s.instrumentationScope.name === 'gateway', 'gateway server span');
  expect(gateway.parentSpanContext?.spanId).toBe(CLIENT_SPAN_ID);
  expect(gateway.attributes['http.response.status_code']).toBe(200);
  expect(gateway.attributes['graphql.operation.type']).toBe('query');
  // Of Apollo Gateway's own spans only the query plan's is made; its wrappers are not.
  expect(trace.childrenOf(gateway).map((s) => s.name)).toContain('gateway.plan');
  expect(trace.spans.map((s) => s.name)).not.toContain('gateway.execute');

  for (const subgraph of ['members', 'nickname-history']) {
    const fetch = trace.one((s) => s.kind === SpanKind.CLIENT && s.attributes['peer.service'] === subgraph, `${subgraph} fetch`);
    expect(fetch.attributes['http.response.status_code']).toBe(200);
    expect(fetch.parentSpanContext?.spanId).toBe(gateway.spanContext().spanId);
    const server = trace.one((s) => s.kind === SpanKind.SERVER && s.instrumentationScope.name === subgraph, `${subgraph} server span`);
    expect(server.parentSpanContext?.spanId).toBe(fetch.spanContext().spanId);
    expect(sqlOf(trace.descendantsOf(server)).length).toBeGreaterThan(0);
  }

  // The history `_entities` fetch: one DataLoader batch for the page, one SQL statement for it.
  const historyServer = trace.one((s) => s.kind === SpanKind.SERVER && s.instrumentationScope.name === 'nickname-history', 'history');
  const batch = trace.one((s) => s.name === 'dataloader.batch historyPage', 'history page batch');
  expect(trace.descendantsOf(historyServer)).toContain(batch);
  expect(batch.attributes['dataloader.batch.size']).toBe(3);
  expect(sqlOf(trace.descendantsOf(batch))).toHaveLength(1);
});

it('writes the trace ids into the access log line', async () => {
  await post(PAGE_WITH_HISTORY, { first: 1 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const access = system.logs.filter((line) => line['component'] === 'access' && line['trace_id'] === CLIENT_TRACE_ID);
  expect(access.length).toBeGreaterThan(0);
  expect(access.at(-1)!['span_id']).toMatch(/^[0-9a-f]{16}$/);
});

it('follows a nickname change from its commit through the outbox relay to the history row', async () => {
  const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('traced') });
  const memberId = data!.createMember.member!.id;
  await system.drained();
  exporter.reset();
  const changed = await post(CHANGE_NICKNAME, { input: { memberId, nickname: 'tracedNew' } });
  expect(changed.errors).toBeUndefined();
  await system.drained();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await tracing.forceFlush();

  const trace = traceOf(CLIENT_TRACE_ID);
  const members = trace.one((s) => s.kind === SpanKind.SERVER && s.instrumentationScope.name === 'members', 'members server span');
  const publish = trace.one((s) => s.kind === SpanKind.PRODUCER, 'relay publish span');
  // The outbox row kept the writing request's context: the relay's span continues it.
  expect(trace.descendantsOf(members)).toContain(publish);
  expect(publish.attributes['messaging.batch.message_count']).toBe(1);
  const intake = trace.one((s) => s.kind === SpanKind.SERVER && s.attributes['http.route'] === '/internal/events', 'event intake');
  expect(intake.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
  const inserts = sqlOf(trace.descendantsOf(intake)).filter((s) => String(s.attributes['db.query.text']).includes('INSERT'));
  expect(inserts).toHaveLength(1);
});
