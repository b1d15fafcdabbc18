import { setTimeout as sleep } from 'node:timers/promises';
import { bulkhead, BulkheadRejectedError } from 'cockatiel';
import { GraphQLError } from 'graphql';
import { RetryBudget } from './retry-budget.js';
import { untilAbandoned } from './request-signal.js';

export { BulkheadRejectedError };

/** The compartment of one subgraph is full: more of its fetches are waiting than it may queue. */
export class SubgraphBusyError extends GraphQLError {
  constructor(serviceName: string) {
    super(`The ${serviceName} service is busy: try again shortly.`, { extensions: { code: 'SERVICE_UNAVAILABLE', serviceName } });
  }
}

/**
 * A bulkhead per subgraph: at most `maxConcurrent` fetches in flight and `maxQueued` waiting; past
 * that a fetch is refused at once (BulkheadRejectedError). A hanging subgraph fills its own
 * compartment and no other, so fields of the other subgraphs keep their latency. A waiting fetch
 * whose request is abandoned stops waiting at once.
 */
export function compartment(maxConcurrent: number, maxQueued: number) {
  const policy = bulkhead(maxConcurrent, maxQueued);
  return <T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> => untilAbandoned(policy.execute(work, signal), signal);
}

const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** A failure worth one more try: the connection was refused or broke (another replica may answer). Never a timeout. */
export const isConnectionFailure = (error: unknown): boolean => {
  const cause: unknown = error instanceof GraphQLError ? error.originalError : error;
  const code = (cause as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && CONNECTION_FAILURES.has(code);
};

/** A replica or balancer that could not serve this time. */
export const isUnavailableAnswer = (status: number): boolean => status === 502 || status === 503;

export interface QueryRetryOptions {
  /** Retries after the first try (0: none). */
  retries: number;
  budget: RetryBudget;
  /** First backoff ceiling; each retry doubles it, and the delay is drawn below it (full jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
  onRetry: () => void;
}

/**
 * Retries for queries only (a mutation may have been applied even when its answer was lost): on a
 * connection failure or a 502/503 answer, with exponential backoff and full jitter, within the
 * request's deadline (its signal ends the waiting), and only while the retry budget allows.
 */
export function retryingQueries(options: QueryRetryOptions) {
  return async <T extends { status: number }>(attempt: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
    options.budget.recordRequest();
    for (let retry = 0; ; retry += 1) {
      const mayRetry = () => retry < options.retries && options.budget.tryRetry();
      try {
        const answer = await attempt();
        if (!isUnavailableAnswer(answer.status) || !mayRetry()) return answer;
      } catch (error) {
        if (!isConnectionFailure(error) || !mayRetry()) throw error;
      }
      options.onRetry();
      const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
      await sleep(Math.random() * ceiling, undefined, signal ? { signal } : {}).catch(() => {
        throw signal?.reason;
      });
    }
  };
}
