import CircuitBreaker from 'opossum';
import { GraphQLError } from 'graphql';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import type { Logger } from '@mp/service-kit';

export interface CircuitOptions {
  /** Requests in the rolling window before the error rate is judged. */
  volumeThreshold: number;
  /** Failure percentage in the window that opens the circuit. */
  errorThresholdPercentage: number;
  /** How long an open circuit fails fast before one trial request is let through. */
  resetTimeoutMs: number;
}

export const DEFAULT_CIRCUIT: CircuitOptions = { volumeThreshold: 5, errorThresholdPercentage: 50, resetTimeoutMs: 10_000 };

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface SubgraphFetcher {
  fetcher: Fetcher;
  state(): CircuitState;
  /** Stops the breaker's statistics timers. */
  shutdown(): void;
}

/**
 * Subgraph HTTP with a deadline and a circuit breaker. A subgraph that keeps failing (refused,
 * reset, timed out) is failed fast instead of making every request wait out the deadline, so one
 * sick service does not hold the gateway's capacity. Any failure becomes one client-safe error
 * naming the service, never a message carrying internal hosts and ports. HTTP error statuses are
 * answers, not failures: the gateway reads their GraphQL errors.
 */
export function createSubgraphFetcher(
  serviceName: string,
  timeoutMs: number,
  logger: Logger,
  circuit: CircuitOptions = DEFAULT_CIRCUIT,
): SubgraphFetcher {
  const send = async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> =>
    fetch(url, {
      method: init?.method ?? 'POST',
      ...(init?.headers ? { headers: init.headers } : {}),
      ...(init?.body !== undefined ? { body: init.body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  const breaker = new CircuitBreaker(send, {
    timeout: false, // the AbortSignal above is the deadline, and it also cancels the request
    volumeThreshold: circuit.volumeThreshold,
    errorThresholdPercentage: circuit.errorThresholdPercentage,
    resetTimeout: circuit.resetTimeoutMs,
  });
  breaker.on('open', () => logger.warn({ serviceName }, 'subgraph circuit opened: failing fast'));
  breaker.on('halfOpen', () => logger.info({ serviceName }, 'subgraph circuit half-open: trying one request'));
  breaker.on('close', () => logger.info({ serviceName }, 'subgraph circuit closed'));

  return {
    fetcher: async (url, init) => {
      try {
        return await breaker.fire(url, init);
      } catch (cause) {
        throw new GraphQLError(`The ${serviceName} service is unavailable`, {
          extensions: { code: 'SERVICE_UNAVAILABLE', serviceName },
          originalError: cause instanceof Error ? cause : undefined,
        });
      }
    },
    state: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed'),
    shutdown: () => breaker.shutdown(),
  };
}
