import { SpanStatusCode, TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

interface HeldTrace {
  spans: ReadableSpan[];
  failed: boolean;
}

export interface KeepFailedTracesLimits {
  /** Unsampled traces held at once; the oldest is forgotten beyond it. */
  maxTraces: number;
  /** Spans held per trace; later ones are not kept. */
  maxSpansPerTrace: number;
}

const DEFAULT_LIMITS: KeepFailedTracesLimits = { maxTraces: 2_048, maxSpansPerTrace: 256 };

/** The same span, marked sampled so exporters take it. */
const asSampled = (span: ReadableSpan): ReadableSpan => {
  const sampled = { ...span.spanContext(), traceFlags: span.spanContext().traceFlags | TraceFlags.SAMPLED };
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => sampled,
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
};

/** This process's first span of the trace: when it ends, the process's part of the trace is done. */
const isLocalRoot = (span: ReadableSpan) => span.parentSpanContext === undefined || span.parentSpanContext.isRemote === true;

/**
 * Errors are always sampled: sampled spans go straight to the exporting processor; the spans of an
 * unsampled trace are held in memory (bounded) until this process's root span of that trace ends,
 * and exported only if one of them ended with an error status.
 */
export class KeepFailedTraces implements SpanProcessor {
  private readonly held = new Map<string, HeldTrace>();

  constructor(
    private readonly exporting: SpanProcessor,
    private readonly limits: KeepFailedTracesLimits = DEFAULT_LIMITS,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.exporting.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const { traceId, traceFlags } = span.spanContext();
    if ((traceFlags & TraceFlags.SAMPLED) !== 0) {
      this.exporting.onEnd(span);
      return;
    }
    let trace = this.held.get(traceId);
    if (!trace) {
      trace = { spans: [], failed: false };
      this.held.set(traceId, trace);
      if (this.held.size > this.limits.maxTraces) this.held.delete(this.held.keys().next().value as string);
    }
    if (trace.spans.length < this.limits.maxSpansPerTrace) trace.spans.push(span);
    if (span.status.code === SpanStatusCode.ERROR) trace.failed = true;
    if (!isLocalRoot(span)) return;
    this.held.delete(traceId);
    if (trace.failed) for (const held of trace.spans) this.exporting.onEnd(asSampled(held));
  }

  forceFlush(): Promise<void> {
    return this.exporting.forceFlush();
  }

  shutdown(): Promise<void> {
    this.held.clear();
    return this.exporting.shutdown();
  }
}
