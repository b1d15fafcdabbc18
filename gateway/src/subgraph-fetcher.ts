import CircuitBreaker from 'opossum';
import { GraphQLError } from 'graphql';
import { Pool, type Dispatcher } from 'undici';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { CACHE_TAG_HEADER, currentTraceCarrier, type Logger } from '@mp/service-kit';
import { currentRequestSignal, RequestAbandonedError } from './request-signal.js';
import type { SubgraphFetchOutcome } from './observability/gateway-metrics.js';
import { sharedFetches } from './shared-fetches.js';
import { DEFAULT_BULKHEAD, DEFAULT_QUERY_RETRIES } from './public-http.js';
import { RetryBudget } from './retry-budget.js';
import { BulkheadRejectedError, compartment, retryingQueries, SubgraphBusyError } from './subgraph-resilience.js';

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
 * The answer's text, refused when it says it is over `maxBytes`, or cut off once it streams past
 * them when it does not say (chunked); its body is destroyed either way, so the bytes stop coming.
 */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
  declaredLength: string | string[] | undefined,
  maxBytes: number,
  serviceName: string,
): Promise<string> {
  if (declaredLength !== undefined && Number(declaredLength) > maxBytes) {
    body.destroy();
    throw new ResponseTooLargeError(serviceName, maxBytes);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    received += chunk.byteLength;
    if (received > maxBytes) throw new ResponseTooLargeError(serviceName, maxBytes);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
}

/** Not the subgraph's failure: the caller gave up, or asked for too much. */
const isCallersDoing = (error: unknown) => error instanceof RequestAbandonedError || error instanceof ResponseTooLargeError;

/** One POST to a subgraph: its headers and its JSON body. */
export interface SubgraphRequest {
  headers: Record<string, string>;
  body: string;
  /**
   * Set for queries only: what the answer depends on besides the body (the caller's signed
   * identity). An identical request already in flight is joined instead of sent again.
   */
  shareKey?: string;
}

/** A subgraph's answer, read whole. */
export interface SubgraphAnswer {
  status: number;
  contentType: string | undefined;
  /** The headers the gateway reads: `cache-control` and CACHE_TAG_HEADER. */
  headers: Partial<Record<'cache-control' | typeof CACHE_TAG_HEADER, string>>;
  text: string;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export interface SubgraphFetcher {
  send(request: SubgraphRequest): Promise<SubgraphAnswer>;
  state(): CircuitState;
  /** Stops the breaker's statistics timers and closes the connections. */
  shutdown(): Promise<void>;
}

export interface SubgraphFetchLimits {
  /** One fetch's deadline for the answer's headers, and for each pause in its body. */
  timeoutMs: number;
  /** The largest answer one fetch may bring. */
  maxResponseBytes: number;
  /** Fetches in flight to this subgraph at once (its bulkhead, and its connections). */
  maxConcurrent?: number;
  /** Fetches waiting for a place; beyond them a fetch is refused at once. */
  maxQueued?: number;
  /** Retries of a query after a connection failure or a 502/503 answer. */
  queryRetries?: number;
}

/**
 * Subgraph HTTP with a deadline and a circuit breaker. A subgraph that keeps failing (refused,
 * reset, timed out) is failed fast instead of making every request wait out the deadline, so one
 * sick service does not hold the gateway's capacity. Any failure becomes one client-safe error
 * naming the service, never a message carrying internal hosts and ports. HTTP error statuses are
 * answers, not failures: the gateway reads their GraphQL errors. Queries go through the shared
 * in-flight fetches and the retries (subgraph-resilience.ts); every attempt goes through the
 * subgraph's bulkhead.
 *
 * Requests go through one undici pool of keep-alive connections per subgraph: no web streams or
 * Request/Response objects, and the deadline runs on undici's timer wheel instead of a timer and
 * an AbortSignal per fetch. No `accept-encoding` is sent: compressing on loopback costs the
 * subgraph more CPU than the bytes cost the network.
 */
export function createSubgraphFetcher(
  serviceName: string,
  url: string,
  limits: SubgraphFetchLimits,
  logger: Logger,
  circuit: CircuitOptions = DEFAULT_CIRCUIT,
  onFetch: (outcome: SubgraphFetchOutcome, seconds: number) => void = () => {},
  onShared: () => void = () => {},
  onRetry: () => void = () => {},
): SubgraphFetcher {
  const { maxConcurrent = DEFAULT_BULKHEAD.maxConcurrent, maxQueued = DEFAULT_BULKHEAD.maxQueued } = limits;
  const target = new URL(url);
  const path = target.pathname + target.search;
  const pool = new Pool(target.origin, { connections: maxConcurrent });
  const exchange = async (headers: Record<string, string>, body: string, signal: AbortSignal | undefined): Promise<SubgraphAnswer> => {
    const response = await pool.request({
      path,
      method: 'POST',
      headers,
      body,
      signal,
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
    });
    const cacheControl = first(response.headers['cache-control']);
    const cacheTags = first(response.headers[CACHE_TAG_HEADER]);
    return {
      status: response.statusCode,
      contentType: first(response.headers['content-type']),
      headers: {
        ...(cacheControl === undefined ? {} : { 'cache-control': cacheControl }),
        ...(cacheTags === undefined ? {} : { [CACHE_TAG_HEADER]: cacheTags }),
      },
      text: await readCapped(response.body, response.headers['content-length'], limits.maxResponseBytes, serviceName),
    };
  };
  const inCompartment = compartment(maxConcurrent, maxQueued);
  const post = (headers: Record<string, string>, body: string, signal: AbortSignal | undefined) =>
    inCompartment(() => exchange(headers, body, signal), signal);
  const breaker = new CircuitBreaker(post, {
    timeout: false, // undici's headers and body timeouts are the deadline, and they also end the request
    // Abandoned requests, and those the full compartment refused, say nothing of the subgraph's health.
    errorFilter: (error: unknown) => isCallersDoing(error) || error instanceof BulkheadRejectedError,
    volumeThreshold: circuit.volumeThreshold,
    errorThresholdPercentage: circuit.errorThresholdPercentage,
    resetTimeout: circuit.resetTimeoutMs,
  });
  breaker.on('open', () => logger.warn({ serviceName }, 'subgraph circuit opened: failing fast'));
  breaker.on('halfOpen', () => logger.info({ serviceName }, 'subgraph circuit half-open: trying one request'));
  breaker.on('close', () => logger.info({ serviceName }, 'subgraph circuit closed'));

  const tracer = trace.getTracer('gateway');
  const spanOptions = {
    kind: SpanKind.CLIENT,
    attributes: { 'http.request.method': 'POST', 'server.address': target.hostname, 'peer.service': serviceName },
  };
  // One HTTP exchange, its CLIENT span (whose context goes to the subgraph as `traceparent`) and its metrics.
  const fetchOnce = (request: SubgraphRequest, signal: AbortSignal | undefined) =>
    tracer.startActiveSpan('POST', spanOptions, async (span) => {
      const started = performance.now();
      const observe = (outcome: SubgraphFetchOutcome) => {
        onFetch(outcome, (performance.now() - started) / 1000);
        span.setAttribute('gateway.subgraph.fetch.outcome', outcome);
        if (outcome === 'failure' || outcome === 'circuit_open') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        span.end();
      };
      try {
        const answer = await breaker.fire({ ...request.headers, ...currentTraceCarrier() }, request.body, signal);
        span.setAttribute('http.response.status_code', answer.status);
        observe(answer.status >= 200 && answer.status < 300 ? 'success' : 'http_error');
        return answer;
      } catch (thrown) {
        // undici reports an abort in its own words: the reason the request was abandoned is ours.
        const cause: unknown = signal?.aborted ? signal.reason : thrown;
        if (cause instanceof BulkheadRejectedError) {
          observe('busy');
          throw new SubgraphBusyError(serviceName);
        }
        observe(isCallersDoing(cause) ? 'cancelled' : breaker.opened && !breaker.halfOpen ? 'circuit_open' : 'failure');
        if (isCallersDoing(cause)) throw cause;
        throw new GraphQLError(`The ${serviceName} service is unavailable`, {
          extensions: { code: 'SERVICE_UNAVAILABLE', serviceName },
          originalError: cause instanceof Error ? cause : undefined,
        });
      }
    });
  const shared = sharedFetches<SubgraphAnswer>(onShared);
  const retryQuery = retryingQueries({
    retries: limits.queryRetries ?? DEFAULT_QUERY_RETRIES,
    budget: new RetryBudget(),
    baseDelayMs: 25,
    maxDelayMs: 250,
    onRetry,
  });
  return {
    send: (request) => {
      // The client's request ending (gone, or past its own deadline) cancels its fetches too.
      const requestSignal = currentRequestSignal();
      // A mutation is sent once: it may have been applied even when its answer was lost.
      if (request.shareKey === undefined) return fetchOnce(request, requestSignal);
      return shared.run(`${request.shareKey}\n${request.body}`, requestSignal, (signal) =>
        retryQuery(() => fetchOnce(request, signal), signal),
      );
    },
    state: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed'),
    shutdown: async () => {
      breaker.shutdown();
      await pool.close();
    },
  };
}
