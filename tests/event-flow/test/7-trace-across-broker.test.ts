// A nickname change's trace crosses RabbitMQ: the write's span, the relay's publish, the
// consumer's processing and the history INSERT share one trace id.
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind, trace } from '@opentelemetry/api';
import { z } from 'zod';
import { startTracing, tracingEnvShape, type Tracing } from '@mp/service-kit';
import { EventFlow } from './support/event-flow.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let flow: EventFlow;

beforeAll(async () => {
  tracing = startTracing({ service: 'test', env: z.object(tracingEnvShape).parse({}), exporter, exportEachSpan: true, prisma: true });
  flow = await EventFlow.start('trace');
});
afterAll(async () => {
  await flow?.close();
  await tracing?.shutdown();
});

it('links commit, publish, consume and insert in one trace', async () => {
  await flow.startConsumer();
  await flow.startRelay();
  const [memberId] = await flow.createMembers(1);
  await flow.delivered();
  exporter.reset();

  // The change runs in a span of its own, as it would inside the members service's request span.
  const traceId = await trace.getTracer('test').startActiveSpan('change nickname', async (span) => {
    expect(await flow.changeNickname(memberId!, 'traced')).toBe(true);
    span.end();
    return span.spanContext().traceId;
  });
  await flow.delivered();
  await tracing.forceFlush();

  const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const byKind = (kind: SpanKind) => spans.filter((span) => span.kind === kind);
  const parentOf = (span: ReadableSpan) => spans.find((candidate) => candidate.spanContext().spanId === span.parentSpanContext?.spanId);
  const ancestorsOf = (span: ReadableSpan): ReadableSpan[] => {
    const parent = parentOf(span);
    return parent ? [parent, ...ancestorsOf(parent)] : [];
  };

  const [publish] = byKind(SpanKind.PRODUCER);
  const [consume] = byKind(SpanKind.CONSUMER);
  expect(publish).toBeDefined();
  expect(consume).toBeDefined();
  expect(publish!.name).toBe('publish member-events');
  expect(consume!.name).toBe(`process ${flow.topology.queue}`);
  expect(consume!.attributes['messaging.system']).toBe('rabbitmq');
  // The consumer continues the relay's span (sent in the message headers)…
  expect(consume!.parentSpanContext?.spanId).toBe(publish!.spanContext().spanId);
  // …which continues the transaction that wrote the outbox row.
  expect(ancestorsOf(publish!).map((span) => span.name)).toContain('change nickname');
  const outboxWrite = spans.find(
    (span) =>
      span.name === 'prisma:client:db_query' && String(span.attributes['db.query.text']).includes('INSERT INTO "public"."outbox_event"'),
  );
  expect(outboxWrite).toBeDefined();
  const historyInsert = spans.filter(
    (span) => span.name === 'prisma:client:db_query' && String(span.attributes['db.query.text']).includes('nickname_change'),
  );
  expect(historyInsert.length).toBeGreaterThan(0);
  for (const insert of historyInsert) expect(ancestorsOf(insert)).toContain(consume);
});
