import { createLogger, createMetricsRegistry, onShutdownSignal, startMetricsServer, startTracing, startupPhases } from '@mp/service-kit';
import { authConfig, exposure, readEnv } from './env.js';
import { tokenVerifierFor } from './auth/token-verifier-for.js';
import { createRateLimits } from './limits/rate-limits.js';
import { connectRedis } from './limits/redis-connection.js';
import { loadPersistedDocuments } from './persisted-documents.js';
import { buildGateway } from './server.js';
import { DEFAULT_CIRCUIT } from './subgraph-fetcher.js';
import { subgraphUrlsFrom } from './subgraphs.js';
import { SKIPPED_GATEWAY_SPANS } from './observability/tracing-options.js';
import { subgraphAnswerCacheFrom } from './subgraph-cache-connection.js';

const startup = startupPhases();
const env = readEnv();
const tracing = startTracing({ service: 'gateway', env, skipSpans: SKIPPED_GATEWAY_SPANS });
const logger = createLogger({ service: 'gateway', level: env.LOG_LEVEL });
const manifestPath = env.PERSISTED_DOCUMENTS_MANIFEST;
const { graphiql, introspection, fieldSuggestions } = exposure(env);

const persistedDocuments = manifestPath
  ? { manifest: await loadPersistedDocuments(manifestPath), trustedOnly: env.TRUSTED_DOCUMENTS_ONLY }
  : null;
const metricsRegistry = createMetricsRegistry('gateway');
const auth = authConfig(env);
const redis = env.REDIS_URL ? connectRedis(env.REDIS_URL, logger.child({ component: 'redis' })) : null;
const rateLimits = createRateLimits(
  {
    requests: env.RATE_LIMIT_REQUESTS,
    mutations: env.RATE_LIMIT_MUTATIONS,
    signUps: env.RATE_LIMIT_SIGN_UPS,
    maxMutationFields: env.MAX_MUTATION_FIELDS,
  },
  redis,
  env.RATE_LIMIT_KEY_PREFIX,
);
const subgraphCache = env.SUBGRAPH_CACHE
  ? subgraphAnswerCacheFrom(env, redis, logger.child({ component: 'subgraph-cache' }), metricsRegistry)
  : null;
const tokenVerifier = await tokenVerifierFor(auth);
const gateway = await startup.time('apollo', () =>
  buildGateway({
    logger,
    subgraphUrls: subgraphUrlsFrom(env),
    gatewaySecret: env.GATEWAY_SECRET,
    tokenVerifier,
    metricsRegistry,
    rateLimits,
    fieldSuggestions,
    operationLimits: {
      maxCost: env.MAX_OPERATION_COST,
      maxDepth: env.MAX_DEPTH,
      maxAliases: env.MAX_ALIASES,
      maxDirectives: env.MAX_DIRECTIVES,
      maxTokens: env.MAX_TOKENS,
      maxRootFields: env.MAX_ROOT_FIELDS,
    },
    trustProxyHops: env.TRUST_PROXY_HOPS,
    subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
    maxSubgraphResponseBytes: env.MAX_SUBGRAPH_RESPONSE_BYTES,
    subgraphBulkhead: { maxConcurrent: env.SUBGRAPH_MAX_CONCURRENT_FETCHES, maxQueued: env.SUBGRAPH_MAX_QUEUED_FETCHES },
    subgraphQueryRetries: env.SUBGRAPH_QUERY_RETRIES,
    requestDeadlineMs: env.REQUEST_DEADLINE_MS,
    connectionLimits: {
      maxConnections: env.MAX_CONNECTIONS,
      keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
      headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    },
    corsOrigins: env.CORS_ORIGINS,
    circuit: { ...DEFAULT_CIRCUIT, resetTimeoutMs: env.SUBGRAPH_CIRCUIT_RESET_MS },
    graphiql,
    introspection,
    persistedDocuments,
    subgraphCache: subgraphCache && { cache: subgraphCache.cache, maxTtlMs: subgraphCache.maxTtlMs },
  }),
);
// Registered before announcing readiness: a signal that arrives right after must not kill
// the process uncleaned.
const metricsServer = env.METRICS_PORT === undefined ? null : await startMetricsServer(metricsRegistry, env.METRICS_PORT, env.HOST);
onShutdownSignal(
  logger,
  async () => {
    await gateway.close();
    await metricsServer?.close();
    redis?.disconnect();
    subgraphCache?.close();
    await tracing.shutdown();
  },
  { begin: () => gateway.beginDrain(), delayMs: env.SHUTDOWN_DELAY_MS },
);

// Listening at once lets probes see the process alive (/healthz) while /readyz and /graphql
// answer 503 until every subgraph has answered.
const url = await gateway.http.listen(env.PORT, env.HOST, { reusePort: env.REUSE_PORT });
logger.info({ url, startup: startup.summary() }, 'gateway listening, waiting for subgraphs');
void gateway.ready.then(() =>
  logger.info(
    {
      url: `${url}/graphql`,
      ...(graphiql ? { graphiql: `${url}/graphiql/` } : {}),
      trustedDocumentsOnly: env.TRUSTED_DOCUMENTS_ONLY,
      ...(metricsServer ? { metrics: metricsServer.url } : {}),
      tokens: auth.kind === 'oidc' ? { issuer: auth.issuer } : { issuer: 'development', mint: 'npm run token -- --sub <subject>' },
      startup: startup.summary(),
    },
    'gateway ready',
  ),
);
