import { GraphQLError } from 'graphql';
import type { Fetcher } from '@apollo/utils.fetcher';

/**
 * Subgraph HTTP with a deadline. Network failures and timeouts become one client-safe error
 * naming the service, never a message carrying internal hosts and ports.
 */
export function createSubgraphFetcher(serviceName: string, timeoutMs: number): Fetcher {
  return async (url, init) => {
    try {
      const response = await fetch(url, {
        method: init?.method ?? 'POST',
        ...(init?.headers ? { headers: init.headers } : {}),
        ...(init?.body !== undefined ? { body: init.body } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return response;
    } catch (cause) {
      throw new GraphQLError(`The ${serviceName} service is unavailable`, {
        extensions: { code: 'SERVICE_UNAVAILABLE', serviceName },
        originalError: cause instanceof Error ? cause : undefined,
      });
    }
  };
}
