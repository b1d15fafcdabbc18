import CircuitBreaker from 'opossum';
import { GraphQLError } from 'graphql';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { currentTraceCarrier, type Logger } from '@mp/service-kit';
import { currentRequestSignal, RequestAbandonedError } from './request-signal.js';
import type { SubgraphFetchOutcome } from './observability/gateway-metrics.js';

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

/** A subgraph's answer larger than the gateway will hold for one fetch. */
export class ResponseTooLargeError extends GraphQLError {
  constructor(serviceName: string, maxBytes: number) {
    super(`The ${serviceName} service's answer is over ${maxBytes} bytes: ask for fewer items or fields.`, {
      extensions: { code: 'RESPONSE_TOO_LARGE', serviceName },
    });
  }
}

/**
 * The response, refused when it says it is over `maxBytes`, or cut off once it streams past them
 * when it does not say (chunked); its body is cancelled either way, so the bytes stop coming.
 */
async function capped(response: Response, maxBytes: number, serviceName: string): Promise<Response> {
  const declared = response.headers.get('content-length');
  if (declared !== null) {
    if (Number(declared) <= maxBytes) return response;
    await response.body?.cancel();
    throw new ResponseTooLargeError(serviceName, maxBytes);
  }
  if (!response.body) return response;
  let received = 0;
  const limited = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > maxBytes) controller.error(new ResponseTooLargeError(serviceName, maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Not the subgraph's failure: the caller gave up, or asked for too much. */
const isCallersDoing = (error: unknown) => error instanceof RequestAbandonedError || error instanceof ResponseTooLargeError;

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
export interface SubgraphFetchLimits {
  /** One fetch's deadline. */
  timeoutMs: number;
  /** The largest answer one fetch may bring. */
  maxResponseBytes: number;
}

export function createSubgraphFetcher(
  serviceName: string,
  limits: SubgraphFetchLimits,
  logger: Logger,
  circuit: CircuitOptions = DEFAULT_CIRCUIT,
  onFetch: (outcome: SubgraphFetchOutcome, seconds: number) => void = () => {},
): SubgraphFetcher {
  const send = async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const deadline = AbortSignal.timeout(limits.timeoutMs);
    // The client's request ending (gone, or past its own deadline) cancels its fetches too.
    const requestSignal = currentRequestSignal();
    const response = await fetch(url, {
      method: init?.method ?? 'POST',
      ...(init?.headers ? { headers: init.headers } : {}),
      ...(init?.body !== undefined ? { body: init.body } : {}),
      signal: requestSignal ? AbortSignal.any([deadline, requestSignal]) : deadline,
    });
    return capped(response, limits.maxResponseBytes, serviceName);
  };
  const breaker = new CircuitBreaker(send, {
    timeout: false, // the AbortSignal above is the deadline, and it also cancels the request
    // Abandoned requests must not open the circuit for everyone else.
    errorFilter: isCallersDoing,
    volumeThreshold: circuit.volumeThreshold,
    errorThresholdPercentage: circuit.errorThresholdPercentage,
    resetTimeout: circuit.resetTimeoutMs,
  });
  breaker.on('open', () => logger.warn({ serviceName }, 'subgraph circuit opened: failing fast'));
  breaker.on('halfOpen', () => logger.info({ serviceName }, 'subgraph circuit half-open: trying one request'));
  breaker.on('close', () => logger.info({ serviceName }, 'subgraph circuit closed'));

  // The same subgraph URL every time: parsed once, not per fetch.
  let lastUrl = '';
  let lastHost = '';
  const hostOf = (url: string) => {
    if (url !== lastUrl) [lastUrl, lastHost] = [url, new URL(url).hostname];
    return lastHost;
  };
  const tracer = trace.getTracer('gateway');
  return {
    fetcher: (url, init) =>
      // The CLIENT span of this fetch; its context goes to the subgraph as `traceparent`.
      tracer.startActiveSpan(
        'POST',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'http.request.method': 'POST', 'server.address': hostOf(url), 'peer.service': serviceName },
        },
        async (span) => {
          const started = performance.now();
          const observe = (outcome: SubgraphFetchOutcome) => {
            onFetch(outcome, (performance.now() - started) / 1000);
            span.setAttribute('gateway.subgraph.fetch.outcome', outcome);
            if (outcome === 'failure' || outcome === 'circuit_open') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
            span.end();
          };
          try {
            const response = await breaker.fire(url, { ...init, headers: { ...init?.headers, ...currentTraceCarrier() } });
            span.setAttribute('http.response.status_code', response.status);
            observe(response.ok ? 'success' : 'http_error');
            return response;
          } catch (cause) {
            observe(isCallersDoing(cause) ? 'cancelled' : breaker.opened && !breaker.halfOpen ? 'circuit_open' : 'failure');
            if (isCallersDoing(cause)) throw cause;
            throw new GraphQLError(`The ${serviceName} service is unavailable`, {
              extensions: { code: 'SERVICE_UNAVAILABLE', serviceName },
              originalError: cause instanceof Error ? cause : undefined,
            });
          }
        },
      ),
    state: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed'),
    shutdown: () => breaker.shutdown(),
  };
}
