import { context, propagation, ROOT_CONTEXT, trace, type Context, type Link } from '@opentelemetry/api';

/** W3C trace context as text (`traceparent`, maybe `tracestate`): what crosses a process boundary. */
export type TraceCarrier = Record<string, string>;

/** The active trace context as headers, to send along or store beside what this trace wrote. */
export function currentTraceCarrier(from: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(from, carrier);
  return carrier;
}

/** The context a carrier (headers, stored row, message properties) names; the root context when it names none. */
export function contextFromCarrier(carrier: Readonly<Record<string, unknown>> | null | undefined): Context {
  const headers: TraceCarrier = {};
  for (const [key, value] of Object.entries(carrier ?? {})) {
    if (typeof value === 'string') headers[key.toLowerCase()] = value;
    else if (Buffer.isBuffer(value)) headers[key.toLowerCase()] = value.toString('utf8');
  }
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** A span link to the context a carrier names, or nothing when it names none. */
export function linkToCarrier(carrier: Readonly<Record<string, unknown>> | null | undefined): Link[] {
  const spanContext = trace.getSpanContext(contextFromCarrier(carrier));
  return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
}

/** Ids for log lines, following OpenTelemetry's log data model names. */
export function traceIdsOf(from: Context = context.active()): { trace_id: string; span_id: string } | Record<string, never> {
  const spanContext = trace.getSpanContext(from);
  return spanContext && trace.isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}
