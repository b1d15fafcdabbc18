import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Leaves spans with these names out of the export. Only for leaf spans a library makes whose time
 * their parent already shows (a skipped span with children would orphan them in the backend).
 */
export class SkipSpans implements SpanProcessor {
  private readonly names: ReadonlySet<string>;

  constructor(
    private readonly next: SpanProcessor,
    names: readonly string[],
  ) {
    this.names = new Set(names);
  }

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (!this.names.has(span.name)) this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
