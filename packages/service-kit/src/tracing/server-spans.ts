import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { RequestHandler, Response } from 'express';

export interface ServerSpanOptions {
  /** The instrumentation scope: the service's name. */
  tracerName: string;
  /** `http.route` for this handler's requests (a fixed string: never the client's URL). */
  route: string;
  /** Whether the answer counts as failed although its status is below 500 (e.g. GraphQL errors). */
  failed?: (res: Response) => boolean;
}

const SPAN_KEY = 'serverSpan';
const CONTEXT_KEY = 'serverSpanContext';

/** The request's server span, for handlers that add what they learn (operation name, caller). */
export const serverSpanOf = (res: Response): Span | undefined => res.locals[SPAN_KEY] as Span | undefined;

/**
 * One SERVER span per request, continuing the caller's W3C trace context, ended when the response
 * closes. Handlers run inside it until the body is read: stream callbacks leave the async context,
 * so `continueRequestTrace` re-enters it after body parsing (one context switch per request rather
 * than wrapping every listener of the request and response emitters).
 */
export function traceRequests({ tracerName, route, failed }: ServerSpanOptions): RequestHandler {
  const tracer = trace.getTracer(tracerName);
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      `${req.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'http.route': route, 'url.path': req.path } },
      parent,
    );
    res.locals[SPAN_KEY] = span;
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (!res.writableFinished) span.setAttribute('error.type', 'aborted');
      if (res.statusCode >= 500 || failed?.(res)) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    const active = trace.setSpan(parent, span);
    res.locals[CONTEXT_KEY] = active;
    context.with(active, next);
  };
}

/** Runs the rest of the request inside its server span again (mount it after body parsing). */
export const continueRequestTrace = (): RequestHandler => (_req, res, next) => {
  const active = res.locals[CONTEXT_KEY] as Context | undefined;
  if (active) context.with(active, next);
  else next();
};
