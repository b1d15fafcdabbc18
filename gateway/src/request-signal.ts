import { context, createContextKey } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';

/**
 * The abort signal of the client request being served. @apollo/gateway calls the subgraph fetcher
 * with no per-request hook for cancellation, so the signal travels with the request's async
 * context: OpenTelemetry's, which buildGateway makes sure follows async work.
 */
const REQUEST_SIGNAL = createContextKey('request abort signal');

/** The signal of the request this code runs for, if any. */
export const currentRequestSignal = (): AbortSignal | undefined => context.active().getValue(REQUEST_SIGNAL) as AbortSignal | undefined;

/** Why a request's work was abandoned. */
export class RequestAbandonedError extends GraphQLError {
  constructor(readonly reason: 'deadline' | 'client-gone') {
    super(reason === 'deadline' ? 'The request ran past its deadline: ask for less, or try again.' : 'The client went away.', {
      extensions: { code: 'REQUEST_DEADLINE_EXCEEDED' },
    });
  }
}

/**
 * Ends a request's subgraph work when its client goes away or when its overall deadline passes,
 * so an abandoned or runaway request stops costing the subgraphs. Mounted right before Apollo:
 * from there on the request runs on promises, which carry the async context.
 */
export function abandonWithRequest(deadlineMs: number): RequestHandler {
  return (_req, res, next) => {
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(new RequestAbandonedError('deadline')), deadlineMs);
    deadline.unref();
    res.once('close', () => {
      clearTimeout(deadline);
      if (!res.writableFinished) controller.abort(new RequestAbandonedError('client-gone'));
    });
    context.with(context.active().setValue(REQUEST_SIGNAL, controller.signal), next);
  };
}

/**
 * `work`'s outcome, or the signal's reason as soon as it aborts (then `onAbandon` runs): the
 * caller stops waiting even when the work itself goes on for others.
 */
export function untilAbandoned<T>(work: Promise<T>, signal: AbortSignal | undefined, onAbandon: () => void = () => {}): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abandon = () => {
      onAbandon();
      reject(signal.reason as Error);
    };
    // Handled before anything else: the work may fail after this caller stopped waiting (or at
    // once, refusing an aborted signal), and an unhandled rejection would end the process.
    work
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', abandon))
      .catch(() => {});
    if (signal.aborted) return abandon();
    signal.addEventListener('abort', abandon, { once: true });
  });
}
