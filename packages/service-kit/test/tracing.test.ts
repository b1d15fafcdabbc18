import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import {
  KeepFailedTraces,
  RecordUnsampled,
  samplerFromEnv,
  SkippingTracerProvider,
  startTracing,
  tracingEnvShape,
  traceIdsOf,
} from '../src/index.js';

const envOf = (values: Record<string, string>) => z.object(tracingEnvShape).parse(values);

describe('errors are always sampled', () => {
  function tracerWith(ratio: number, limits?: { maxTraces: number; maxSpansPerTrace: number }) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      sampler: new RecordUnsampled(samplerFromEnv('parentbased_traceidratio', ratio)),
      spanProcessors: [new KeepFailedTraces(new SimpleSpanProcessor(exporter), limits)],
    });
    return { exporter, tracer: provider.getTracer('test') };
  }

  /** A root span with one child; the child fails when asked. */
  function request(tracer: Tracer, childFails: boolean) {
    const root = tracer.startSpan('root');
    const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), root));
    if (childFails) child.setStatus({ code: SpanStatusCode.ERROR });
    child.end();
    root.end();
    return root.spanContext().traceId;
  }

  it('drops an unsampled trace that succeeded, and exports every span of one that failed, marked sampled', () => {
    const { exporter, tracer } = tracerWith(0);
    request(tracer, false);
    expect(exporter.getFinishedSpans()).toHaveLength(0);

    const failed = request(tracer, true);
    const exported = exporter.getFinishedSpans();
    expect(exported.map((span) => span.name).sort()).toEqual(['child', 'root']);
    for (const span of exported) {
      expect(span.spanContext().traceId).toBe(failed);
      expect(span.spanContext().traceFlags & 1).toBe(1);
    }
  });

  it('exports sampled traces as they end, failed or not', () => {
    const { exporter, tracer } = tracerWith(1);
    request(tracer, false);
    expect(exporter.getFinishedSpans()).toHaveLength(2);
  });

  it('holds a bounded number of unsampled traces and spans', () => {
    const { exporter, tracer } = tracerWith(0, { maxTraces: 2, maxSpansPerTrace: 3 });
    const root = tracer.startSpan('root');
    const inRoot = trace.setSpan(context.active(), root);
    for (let i = 0; i < 10; i += 1) tracer.startSpan(`child ${i}`, {}, inRoot).end();
    // Other traces' roots still open: they push the first trace out once over the limit.
    for (let i = 0; i < 3; i += 1) tracer.startSpan('other', {}, trace.setSpan(context.active(), tracer.startSpan('open root'))).end();
    root.setStatus({ code: SpanStatusCode.ERROR });
    root.end();
    // The first trace was forgotten: only its root (held anew, failed, local root) is exported.
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['root']);

    const { exporter: second, tracer: secondTracer } = tracerWith(0, { maxTraces: 2, maxSpansPerTrace: 3 });
    const failing = secondTracer.startSpan('root');
    for (let i = 0; i < 10; i += 1) secondTracer.startSpan(`child ${i}`, {}, trace.setSpan(context.active(), failing)).end();
    failing.setStatus({ code: SpanStatusCode.ERROR });
    failing.end();
    expect(second.getFinishedSpans()).toHaveLength(3);
  });
});

describe('startTracing', () => {
  it('exports over OTLP/HTTP to the OTEL_EXPORTER_OTLP_ENDPOINT, and puts trace ids in log lines written in a span', async () => {
    const received: { url: string | undefined; body: string }[] = [];
    const collector = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ url: req.url, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    const tracing = startTracing({ service: 'tracing-test', env: envOf({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }) });
    try {
      expect(tracing.exporting).toBe(true);
      const lines: Record<string, unknown>[] = [];
      const logger = pino(
        { mixin: () => traceIdsOf() },
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
            done();
          },
        }),
      );
      const ids = trace.getTracer('test').startActiveSpan('exported span', (span) => {
        logger.info('inside');
        span.end();
        return span.spanContext();
      });
      logger.info('outside');
      await tracing.forceFlush();

      expect(lines[0]).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId });
      expect(lines[1]).not.toHaveProperty('trace_id');
      expect(received).toHaveLength(1);
      expect(received[0]!.url).toBe('/v1/traces');
      expect(received[0]!.body).toContain('exported span');
      expect(received[0]!.body).toContain('tracing-test');
    } finally {
      await tracing.shutdown();
      collector.close();
    }
  });

  it('makes no spans when OTEL_SDK_DISABLED', () => {
    const tracing = startTracing({ service: 'off', env: envOf({ OTEL_SDK_DISABLED: 'true' }) });
    expect(tracing.enabled).toBe(false);
    expect(trace.getTracer('test').startSpan('nothing').isRecording()).toBe(false);
  });
});

describe('SkippingTracerProvider', () => {
  it('makes no span for a skipped name: its work runs in the surrounding span, whose children its children become', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new SkippingTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }, ['wrapper']);
    const tracer = provider.getTracer('library');
    const root = tracer.startSpan('root');
    const inRoot = trace.setSpan(context.active(), root);
    const answer = tracer.startActiveSpan('wrapper', {}, inRoot, (wrapper) => {
      expect(wrapper.isRecording()).toBe(false);
      tracer.startSpan('work', {}, context.active()).end();
      return 42;
    });
    expect(answer).toBe(42);
    expect(tracer.startActiveSpan('wrapper', (span) => span.isRecording())).toBe(false);
    root.end();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['work', 'root']);
    expect(spans[0]!.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
  });
});
