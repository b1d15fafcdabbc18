import './apollo-telemetry.js';
import { readFileSync } from 'node:fs';
import type { GraphQLFormattedError } from 'graphql';
import express from 'express';
import compression from 'compression';
import cors from 'cors';
import helmet from 'helmet';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import {
  createErrorMasker,
  createHttpServer,
  DrainSwitch,
  ensureContextManager,
  graphqlSpanAttributes,
  healthRoutes,
  httpServerMetrics,
  jsonBody,
  identityAssertions,
  traceRequests,
  continueRequestTrace,
  type ConnectionLimits,
  type HttpServer,
  type Logger,
  type TwoTierCache,
} from '@mp/service-kit';
import { graphiqlAssetsDir } from '@mp/graphiql';
import { SubgraphDataSource, WriteGeneration } from './subgraph-data-source.js';
import { SubgraphAnswerCache } from './subgraph-cache.js';
import { createSubgraphFetcher, type CircuitOptions, type SubgraphFetcher } from './subgraph-fetcher.js';
import { graphiqlRoute } from './graphiql-route.js';
import { installInputScalars } from './input-scalars.js';
import { createStartupGate } from './startup-gate.js';
import { SUBGRAPH_NAMES, isSubgraphName, perSubgraph, type SubgraphName } from './subgraphs.js';
import { rootRoute } from './root-route.js';
import { graphqlHttpErrors, requireJsonPost } from './http-guards.js';
import { persistedDocuments, type PersistedDocumentsOptions } from './persisted-documents-middleware.js';
import type { GatewayContext } from './context.js';
import { authenticate, identityOf } from './auth/authenticate.js';
import type { TokenVerifier } from './auth/token-verifier.js';
import type { RateLimits } from './limits/rate-limits.js';
import { clientAddressOf, limitRequests } from './limits/limit-requests.js';
import { hideFieldSuggestions } from './limits/hide-field-suggestions.js';
import { abandonWithRequest } from './request-signal.js';
import type { Registry } from 'prom-client';
import { createGatewayMetrics } from './observability/gateway-metrics.js';
import { observeOperations, observeRequests } from './observability/observe-requests.js';
import { hasServerFault, observationOf } from './observability/request-observation.js';
import { readCostDirectives } from './limits/cost/cost-directives.js';
import { limitTokens } from './limits/limit-tokens.js';
import { limitCodeOf } from './limits/operation-limit-error.js';
import { operationAdmission } from './limits/operation-admission.js';
import type { OperationLimits } from './limits/operation-limits.js';
import { structuralLimitRules } from './limits/structural-limits.js';

/** Composed at build time by scripts/compose-supergraph.ts; never introspected at runtime. */
export const readSupergraphSdl = (): string => readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8');

export interface GatewayDeps {
  logger: Logger;
  subgraphUrls: Record<SubgraphName, string>;
  gatewaySecret: string;
  subgraphTimeoutMs: number;
  /** The largest answer the gateway takes from one subgraph fetch. */
  maxSubgraphResponseBytes: number;
  /** Per-subgraph bulkhead: fetches in flight and waiting; defaults to DEFAULT_BULKHEAD. */
  subgraphBulkhead?: { maxConcurrent: number; maxQueued: number };
  /** Retries of a subgraph query after a connection failure or a 502/503 answer; defaults to DEFAULT_QUERY_RETRIES. */
  subgraphQueryRetries?: number;
  /** A client request's overall deadline: past it, its remaining subgraph work is cancelled. */
  requestDeadlineMs: number;
  /** Client connections: how many, and how long each may take to send its request or stay idle. */
  connectionLimits: ConnectionLimits;
  /** Web origins allowed to call the API from a browser (CORS); empty: same-origin only. */
  corsOrigins: readonly string[];
  /** Where the gateway's metrics are registered (served on the metrics port by main.ts). */
  metricsRegistry: Registry;
  /** Proves callers from their bearer tokens (an OIDC issuer's keys, or the development issuer). */
  tokenVerifier: TokenVerifier;
  /** Per-caller budgets of requests, mutations and sign-ups. */
  rateLimits: RateLimits;
  /** Size, shape and estimated cost one operation may have. */
  operationLimits: OperationLimits;
  /** "Did you mean" in validation errors: a map of the schema for strangers, so off in production. */
  fieldSuggestions: boolean;
  /** Proxies in front of the gateway whose X-Forwarded-For is believed (0: the socket's address is the client's). */
  trustProxyHops?: number;
  /** Per-subgraph circuit breaker; defaults to DEFAULT_CIRCUIT. */
  circuit?: CircuitOptions;
  supergraphSdl?: string;
  /** Serve the bundled GraphiQL explorer at /graphiql (needs `introspection`). */
  graphiql: boolean;
  introspection: boolean;
  /** Documents clients may send by id; with `trustedOnly`, the only ones executed. Null: APQ only. */
  persistedDocuments: PersistedDocumentsOptions | null;
  /** Caches subgraph query answers (subgraph-cache.ts); none when omitted. */
  subgraphCache?: { cache: TwoTierCache; maxTtlMs: number } | null;
}

export interface GatewayServer {
  apollo: ApolloServer<GatewayContext>;
  http: HttpServer;
  /** Resolves once every subgraph has answered; until then GraphQL requests and /readyz get 503. */
  ready: Promise<void>;
  /** `/readyz` answers 503 from now on; requests are still served until `close`. */
  beginDrain(): void;
  /** Stops taking connections, finishes in-flight requests (within Apollo's grace period), and closes. */
  close(): Promise<void>;
}

/** A limit found by a validation rule keeps its own code (Apollo would call it GRAPHQL_VALIDATION_FAILED). */
const withLimitCode = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
  const code = limitCodeOf(error);
  return code ? { ...formatted, extensions: { ...formatted.extensions, code } } : formatted;
};

/** Browsers on these origins may call the API, with a bearer token; preflights are answered here. */
const corsFor = (origins: readonly string[]) =>
  cors({
    origin: [...origins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name'],
    exposedHeaders: ['retry-after'],
    maxAge: 600,
  });

export async function buildGateway(deps: GatewayDeps): Promise<GatewayServer> {
  const { logger, subgraphUrls, gatewaySecret, subgraphTimeoutMs } = deps;
  // Request deadlines and trace context both travel in OpenTelemetry's context.
  ensureContextManager();
  const assertIdentity = identityAssertions(gatewaySecret);
  const maskError = createErrorMasker(logger);
  if (deps.graphiql && !deps.introspection) throw new Error('GraphiQL needs introspection');
  const metrics = createGatewayMetrics(deps.metricsRegistry, () => perSubgraph((name) => fetchers[name].state()));
  const fetchers: Record<SubgraphName, SubgraphFetcher> = perSubgraph((name) =>
    createSubgraphFetcher(
      name,
      subgraphUrls[name],
      {
        timeoutMs: subgraphTimeoutMs,
        maxResponseBytes: deps.maxSubgraphResponseBytes,
        ...deps.subgraphBulkhead,
        ...(deps.subgraphQueryRetries === undefined ? {} : { queryRetries: deps.subgraphQueryRetries }),
      },
      logger,
      deps.circuit,
      (outcome, seconds) => metrics.subgraphFetch(name, outcome, seconds),
      () => metrics.subgraphFetchShared(name),
      () => metrics.subgraphRetry(name),
    ),
  );
  const writes = new WriteGeneration();
  const answerCache = deps.subgraphCache ? new SubgraphAnswerCache(deps.subgraphCache.cache, deps.subgraphCache.maxTtlMs) : null;
  const supergraphSdl = deps.supergraphSdl ?? readSupergraphSdl();
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name }) => {
      if (!isSubgraphName(name)) throw new Error(`supergraph names an unknown subgraph: ${name}`);
      return new SubgraphDataSource(fetchers[name], gatewaySecret, name, logger, writes, answerCache);
    },
  });
  // Registered before Apollo Server subscribes, so the scalars are in place before it validates anything.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => installInputScalars(apiSchema));
  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxyHops) app.set('trust proxy', deps.trustProxyHops);
  const http = createHttpServer(app, deps.connectionLimits);
  // No MIME sniffing, no framing, no referrer; GraphiQL's route sets its own content security policy.
  app.use(helmet({ contentSecurityPolicy: false, frameguard: { action: 'deny' } }));
  app.use(compression({ threshold: 1024 }));
  app.use(httpServerMetrics(deps.metricsRegistry, ['/graphql', '/graphiql', '/healthz', '/readyz']));
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: (formatted, error) => maskError(withLimitCode(formatted, error), error),
    validationRules: structuralLimitRules(deps.operationLimits),
    // Batched requests would multiply every per-request limit.
    allowBatchedHttpRequests: false,
    // main.ts owns shutdown; Apollo's own handlers would re-raise the signal mid-cleanup.
    stopOnTerminationSignals: false,
    introspection: deps.introspection,
    // Trusted documents replace APQ: only the manifest may name documents, clients cannot register.
    persistedQueries: deps.persistedDocuments?.trustedOnly ? false : undefined,
    // Apollo's CDN landing page is off; GraphiQL is served from this process at /graphiql.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: http.server }),
      ApolloServerPluginLandingPageDisabled(),
      operationAdmission({
        maxRootFields: deps.operationLimits.maxRootFields,
        maxCost: deps.operationLimits.maxCost,
        costDirectives: readCostDirectives(supergraphSdl),
        rateLimits: deps.rateLimits,
      }),
      ...(deps.fieldSuggestions ? [] : [hideFieldSuggestions()]),
      observeOperations(),
      graphqlSpanAttributes(),
    ],
  });
  await apollo.start();
  const startupGate = createStartupGate({ subgraphUrls, gatewaySecret, logger: logger.child({ component: 'startup-gate' }) });

  // Circuit states tell operators which subgraph the gateway is currently failing fast.
  const drain = new DrainSwitch();
  let closing: Promise<void> | undefined;
  app.use(
    healthRoutes(() => {
      const waitingFor = startupGate.waitingFor();
      if (waitingFor.length > 0) return Promise.reject(new Error(`waiting for subgraphs: ${waitingFor.join(', ')}`));
      return Promise.resolve({ subgraphs: perSubgraph((name) => fetchers[name].state()) });
    }, drain),
  );
  app.get('/', rootRoute({ graphiql: deps.graphiql }));
  if (deps.graphiql) app.use('/graphiql', graphiqlRoute(graphiqlAssetsDir));
  app.use(
    '/graphql',
    traceRequests({ tracerName: 'gateway', route: '/graphql', failed: (res) => hasServerFault(observationOf(res)) }),
    observeRequests(metrics, logger.child({ component: 'access' })),
    ...(deps.corsOrigins.length > 0 ? [corsFor(deps.corsOrigins)] : []),
    startupGate.holdRequests,
    requireJsonPost,
    authenticate(deps.tokenVerifier, logger.child({ component: 'authenticate' })),
    limitRequests(deps.rateLimits),
    jsonBody('100kb'),
    continueRequestTrace(),
    limitTokens(deps.operationLimits.maxTokens),
    ...(deps.persistedDocuments ? [persistedDocuments(deps.persistedDocuments)] : []),
    abandonWithRequest(deps.requestDeadlineMs),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const identity = identityOf(res);
        const observation = observationOf(res);
        if (identity) observation.subject = identity.subject;
        return {
          requestId: observation.requestId,
          observation,
          identity,
          identityAssertion: identity ? await assertIdentity(identity) : null,
          clientAddress: clientAddressOf(req),
        };
      },
    }),
    graphqlHttpErrors(logger),
  );

  return {
    apollo,
    http,
    ready: startupGate.ready,
    beginDrain: () => drain.begin(),
    // Once: a signal and a test's own cleanup may both ask.
    close: () =>
      (closing ??= (async () => {
        drain.begin();
        startupGate.stop();
        await apollo.stop();
        await http.close();
        await Promise.all(SUBGRAPH_NAMES.map((name) => fetchers[name].shutdown()));
      })()),
  };
}
