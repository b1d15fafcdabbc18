import { DEFAULT_OPERATION_LIMITS } from '../../src/limits/operation-limits.js';
import { DEFAULT_MAX_SUBGRAPH_RESPONSE_BYTES, DEFAULT_REQUEST_DEADLINE_MS, PUBLIC_CONNECTION_LIMITS } from '../../src/public-http.js';
import { Registry } from 'prom-client';
import { createRateLimits } from '../../src/limits/rate-limits.js';

const PLENTY = { points: 1_000_000, seconds: 60 };

/** The production defaults of every protection, with rate limits no test reaches unless it is about them. */
export const protectionDefaults = () => ({
  // Budgets no test reaches unless it is about them (rate-limits.test.ts sets its own).
  rateLimits: createRateLimits({ requests: PLENTY, mutations: PLENTY, signUps: PLENTY, maxMutationFields: 5 }, null, 'test'),
  operationLimits: DEFAULT_OPERATION_LIMITS,
  fieldSuggestions: true,
  maxSubgraphResponseBytes: DEFAULT_MAX_SUBGRAPH_RESPONSE_BYTES,
  requestDeadlineMs: DEFAULT_REQUEST_DEADLINE_MS,
  connectionLimits: PUBLIC_CONNECTION_LIMITS,
  corsOrigins: [] as string[],
  metricsRegistry: new Registry(),
});
