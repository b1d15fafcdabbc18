import {
  context,
  INVALID_SPAN_CONTEXT,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerOptions,
} from '@opentelemetry/api';
import { NodeTracerProvider, type NodeTracerConfig } from '@opentelemetry/sdk-trace-node';

/** What a skipped span's code is handed: every call on it does nothing. */
const NOT_MADE: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Makes no span for the skipped names and leaves the context as it is, so whatever the skipped
 * code starts becomes a child of the surrounding span. For a library's wrapper spans: making and
 * exporting them costs CPU on every request and shows nothing their parent and children do not.
 */
class SkippingTracer implements Tracer {
  constructor(
    private readonly inner: Tracer,
    private readonly skipped: ReadonlySet<string>,
  ) {}

  startSpan(name: string, options?: SpanOptions, parent?: Context): Span {
    return this.skipped.has(name) ? NOT_MADE : this.inner.startSpan(name, options, parent);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, parent: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...args: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    if (!this.skipped.has(name)) {
      switch (args.length) {
        case 1:
          return this.inner.startActiveSpan(name, args[0]);
        case 2:
          return this.inner.startActiveSpan(name, args[0], args[1]);
        case 3:
          return this.inner.startActiveSpan(name, args[0], args[1], args[2]);
      }
    }
    if (args.length === 3) return context.with(args[1], () => args[2](NOT_MADE) as ReturnType<F>);
    const fn = args.length === 1 ? args[0] : args[1];
    return fn(NOT_MADE) as ReturnType<F>;
  }
}

/** A NodeTracerProvider whose tracers make no span for the given names (see SkippingTracer). */
export class SkippingTracerProvider extends NodeTracerProvider {
  private readonly skipped: ReadonlySet<string>;

  constructor(config: NodeTracerConfig, skipped: readonly string[]) {
    super(config);
    this.skipped = new Set(skipped);
  }

  override getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const tracer = super.getTracer(name, version, options);
    return this.skipped.size > 0 ? new SkippingTracer(tracer, this.skipped) : tracer;
  }
}
