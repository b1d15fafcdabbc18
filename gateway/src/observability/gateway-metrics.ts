import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DURATION_BUCKETS } from '@mp/service-kit';
import type { CircuitState } from '../subgraph-fetcher.js';

/** Why the gateway refused a request itself, before or instead of asking a subgraph. */
export type RejectionReason = 'auth' | 'rate' | 'cost' | 'limits' | 'deadline';

const REJECTION_BY_CODE: Record<string, RejectionReason> = {
  RATE_LIMITED: 'rate',
  TOO_MANY_MUTATION_FIELDS: 'rate',
  COST_ESTIMATED_TOO_EXPENSIVE: 'cost',
  MAX_DEPTH_EXCEEDED: 'limits',
  MAX_ALIASES_EXCEEDED: 'limits',
  MAX_DIRECTIVES_EXCEEDED: 'limits',
  MAX_TOKENS_EXCEEDED: 'limits',
  MAX_ROOT_FIELDS_EXCEEDED: 'limits',
  REQUEST_DEADLINE_EXCEEDED: 'deadline',
};

/** The gateway's refusal reason for an error code, if the code is one of its refusals. */
export const rejectionReason = (code: string, httpStatus: number): RejectionReason | null =>
  code === 'UNAUTHENTICATED' && httpStatus === 401 ? 'auth' : (REJECTION_BY_CODE[code] ?? null);

/** `busy`: refused by the subgraph's full bulkhead, never sent. */
export type SubgraphFetchOutcome = 'success' | 'http_error' | 'failure' | 'cancelled' | 'circuit_open' | 'busy';

const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];
// Label values come from clients (operation names) or subgraphs (error codes): bounded, always.
const MAX_LABEL_VALUES = 100;
const NAME_SHAPE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const CODE_SHAPE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** A label whose values are the first `max` well-formed ones seen, then "other". */
function boundedLabel(shape: RegExp, known: Iterable<string> = []) {
  const seen = new Set(known);
  return (value: string): string => {
    if (seen.has(value)) return value;
    if (!shape.test(value) || seen.size >= MAX_LABEL_VALUES) return 'other';
    seen.add(value);
    return value;
  };
}

export interface GatewayMetrics {
  operation(name: string | undefined, type: string | undefined, outcome: 'success' | 'error' | 'rejected', seconds: number): void;
  errors(codes: readonly string[]): void;
  rejected(reason: RejectionReason): void;
  subgraphFetch(subgraph: string, outcome: SubgraphFetchOutcome, seconds: number): void;
  /** A query that joined an identical one in flight instead of being sent. */
  subgraphFetchShared(subgraph: string): void;
  /** A query sent again after a connection failure or a 502/503 answer. */
  subgraphRetry(subgraph: string): void;
}

/**
 * RED metrics of the gateway: operations by name and outcome, GraphQL errors by code, refusals by
 * reason, subgraph fetches by subgraph and outcome, and each subgraph's circuit state.
 * `knownOperations` (the persisted documents' names) are always their own label value.
 */
export function createGatewayMetrics(
  registry: Registry,
  circuits: () => Record<string, CircuitState>,
  knownOperations: Iterable<string> = [],
): GatewayMetrics {
  const operationName = boundedLabel(NAME_SHAPE, knownOperations);
  const errorCode = boundedLabel(CODE_SHAPE);
  const operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operations served by the gateway, by operation name and outcome.',
    labelNames: ['graphql_operation_name', 'graphql_operation_type', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const errorCount = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors in responses, by code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'gateway_rejected_requests_total',
    help: 'Requests the gateway refused itself, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const fetchDuration = new Histogram({
    name: 'gateway_subgraph_request_duration_seconds',
    help: 'Subgraph fetches, by subgraph and outcome.',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const sharedFetches = new Counter({
    name: 'gateway_subgraph_shared_fetches_total',
    help: 'Subgraph queries not sent because an identical one was in flight: its answer was shared.',
    labelNames: ['subgraph'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'gateway_subgraph_retries_total',
    help: 'Subgraph queries sent again after a connection failure or a 502/503 answer (within the retry budget).',
    labelNames: ['subgraph'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'gateway_subgraph_circuit_state',
    help: "1 for each subgraph's current circuit breaker state.",
    labelNames: ['subgraph', 'state'] as const,
    registers: [registry],
    collect() {
      for (const [subgraph, current] of Object.entries(circuits())) {
        for (const state of CIRCUIT_STATES) this.set({ subgraph, state }, state === current ? 1 : 0);
      }
    },
  });
  return {
    operation: (name, type, outcome, seconds) =>
      operationDuration.observe(
        { graphql_operation_name: name ? operationName(name) : 'anonymous', graphql_operation_type: type ?? 'unknown', outcome },
        seconds,
      ),
    errors: (codes) => {
      for (const code of codes) errorCount.inc({ code: errorCode(code) });
    },
    rejected: (reason) => rejections.inc({ reason }),
    subgraphFetch: (subgraph, outcome, seconds) => fetchDuration.observe({ subgraph, outcome }, seconds),
    subgraphFetchShared: (subgraph) => sharedFetches.inc({ subgraph }),
    subgraphRetry: (subgraph) => retries.inc({ subgraph }),
  };
}
