import { SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * A DataLoader batch function run inside a span named for its loader, with the batch's size: the
 * span tree shows one batch (and its one query) where a resolver per key would show many.
 */
export function tracedBatch<K, V>(
  loader: string,
  batch: (keys: readonly K[]) => Promise<readonly V[]>,
): (keys: readonly K[]) => Promise<readonly V[]> {
  const tracer = trace.getTracer('@mp/service-kit');
  return (keys) =>
    tracer.startActiveSpan(
      `dataloader.batch ${loader}`,
      { attributes: { 'dataloader.name': loader, 'dataloader.batch.size': keys.length } },
      (span) =>
        batch(keys).then(
          (values) => {
            span.end();
            return values;
          },
          (error: unknown) => {
            span.recordException(error instanceof Error ? error : String(error));
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.end();
            throw error;
          },
        ),
    );
}
