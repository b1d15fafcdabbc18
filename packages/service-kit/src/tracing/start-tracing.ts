import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { ensureContextManager } from './context-manager.js';
import { KeepFailedTraces } from './keep-failed-traces.js';
import { SkippingTracerProvider } from './skipping-tracer-provider.js';
import { RecordUnsampled, samplerFromEnv } from './sampler.js';
import { otlpTracesUrl, type TracingEnv } from './tracing-env.js';

export interface TracingOptions {
  /** `service.name` of every span this process exports. */
  service: string;
  env: TracingEnv;
  /** Where spans go; by default OTLP/HTTP when the env names an endpoint, else nowhere. */
  exporter?: SpanExporter;
  /** Hand each span to the exporter as it ends (tests) instead of in batches. */
  exportEachSpan?: boolean;
  /** Prisma's spans: one per SQL statement. */
  prisma?: boolean;
  /** Span names a library makes that are not made at all: their work runs in the surrounding span. */
  skipSpans?: readonly string[];
}

export interface Tracing {
  /** False when OTEL_SDK_DISABLED: no spans are made. */
  readonly enabled: boolean;
  /** Whether spans leave the process. */
  readonly exporting: boolean;
  forceFlush(): Promise<void>;
  /** Exports what is pending, then stops. */
  shutdown(): Promise<void>;
}

const DISABLED: Tracing = { enabled: false, exporting: false, forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };

/**
 * This process's OpenTelemetry SDK: W3C trace context in and out, AsyncLocalStorage context,
 * OTEL_* sampling with errors always kept, OTLP export when configured. Start it before serving:
 * libraries (Apollo Gateway, Prisma) pick up the global provider whenever they make a span.
 */
export function startTracing(options: TracingOptions): Tracing {
  const { env } = options;
  if (env.OTEL_SDK_DISABLED) return DISABLED;
  const url = otlpTracesUrl(env);
  // OTLP/HTTP with JSON bodies: measured here, protobuf (the specification's default) costs the
  // services 2 to 3 times the CPU per span to encode for a quarter of the bytes.
  const exporter = options.exporter ?? (url ? new OTLPTraceExporter({ url }) : null);
  const processors: SpanProcessor[] = exporter
    ? [
        new KeepFailedTraces(
          options.exportEachSpan
            ? new SimpleSpanProcessor(exporter)
            : // Room for a few seconds of a busy process's spans while an export is on the wire.
              new BatchSpanProcessor(exporter, { maxQueueSize: 8_192, maxExportBatchSize: 1_024 }),
        ),
      ]
    : [];
  const provider = new SkippingTracerProvider(
    {
      resource: defaultResource().merge(resourceFromAttributes({ 'service.name': options.service, 'service.instance.id': randomUUID() })),
      sampler: new RecordUnsampled(samplerFromEnv(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG)),
      spanProcessors: processors,
    },
    options.skipSpans ?? [],
  );
  ensureContextManager();
  provider.register({ contextManager: null });
  // One span per SQL statement (`prisma:client:db_query`, its text in `db.query.text`) under the
  // resolver or DataLoader batch that sent it; Prisma's operation, serialize and compile steps
  // around it would triple the span count for little more to see.
  const prisma = () =>
    new PrismaInstrumentation({ ignoreSpanTypes: ['prisma:client:operation', 'prisma:client:serialize', 'prisma:client:compile'] });
  const unregister = options.prisma ? registerInstrumentations({ instrumentations: [prisma()] }) : () => {};
  return {
    enabled: true,
    exporting: exporter !== null,
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      unregister();
      await provider.shutdown();
      trace.disable();
    },
  };
}
