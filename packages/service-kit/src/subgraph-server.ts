import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { DocumentNode } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { createErrorMasker } from './errors.js';
import { DrainSwitch, healthRoutes, type ReadinessCheck } from './health.js';
import { isBodyParserClientError, jsonBody } from './json-body.js';
import { createHttpServer, type HttpServer } from './http-server.js';
import type { Logger } from './logger.js';
import { requestLogger } from './request-context.js';
import type { Registry } from 'prom-client';
import { httpServerMetrics } from './metrics.js';
import { GATEWAY_SECRET_HEADER, requireSharedSecret } from './shared-secret.js';
import { IDENTITY_HEADER, identityReader, type Identity } from './identity.js';
import { continueRequestTrace, traceRequests } from './tracing/server-spans.js';
import { graphqlSpanAttributes } from './tracing/graphql-span-attributes.js';
import { cacheTagsHeader } from './cache/cache-tags.js';
import { fencedCachePolicy } from './replicas/fenced-cache-policy.js';

export interface SubgraphServerOptions<TContext extends object> {
  /** The service's name, for its spans. */
  service: string;
  typeDefs: DocumentNode;
  /** The subgraph's codegen-typed resolver map. */
  resolvers: object;
  logger: Logger;
  gatewaySecret: string;
  /** Builds the per-request context (fresh DataLoaders) for a request's logger and verified caller. */
  createContext(logger: Logger, identity: Identity | null): TContext;
  ready: ReadinessCheck;
  /** Extra internal routes (e.g. event intake) with their own authentication. */
  routes?: Router[];
  /** Where HTTP server metrics are registered; none when omitted. */
  metricsRegistry?: Registry;
  /**
   * The cache tags a request's resolvers collected in its context, sent as CACHE_TAG_HEADER. Apollo's
   * cache-control plugin sends the answer's `cache-control` from the schema's `@cacheControl` hints.
   */
  cacheTagsOf?: (context: TContext) => ReadonlySet<string>;
  /** Whether this request's answer may be cached at all (e.g. not when read from a replica behind a write it holds). */
  mayCache?: (context: TContext) => Promise<boolean>;
}

export interface SubgraphServer<TContext extends object> {
  apollo: ApolloServer<TContext>;
  http: HttpServer;
  /** `/readyz` answers 503 from now on; requests are still served until `close`. */
  beginDrain(): void;
  /** Stops taking connections, finishes in-flight requests (within Apollo's grace period), and closes. */
  close(): Promise<void>;
}

export const SUBGRAPH_BODY_LIMIT = '10mb';

/**
 * The caller as the gateway signed it. A header the gateway did not sign (forged, replayed after
 * expiry) is refused outright rather than treated as anonymous: only a broken or hostile sender
 * produces one.
 */
function identityFromGateway(secret: string, logger: Logger): RequestHandler {
  const readIdentity = identityReader(secret);
  return async (req, res, next) => {
    const header = req.headers[IDENTITY_HEADER];
    try {
      res.locals['identity'] = await readIdentity(typeof header === 'string' ? header : undefined);
    } catch (err) {
      logger.warn({ err }, 'refused a request whose caller identity the gateway did not sign');
      res.status(401).json({ errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    next();
  };
}

/**
 * A federation subgraph on Express 5: answers `/graphql` only for the gateway's secret, masks
 * unexpected errors, serves `/healthz` and `/readyz`, and drains in-flight requests on close.
 */
export async function buildSubgraphServer<TContext extends object>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer<TContext>> {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  const http = createHttpServer(app);
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers as GraphQLResolverMap<TContext> }]),
    formatError: createErrorMasker(logger),
    // main.ts owns shutdown; Apollo's own handlers would re-raise the signal mid-cleanup.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: http.server }),
      ApolloServerPluginLandingPageDisabled(),
      // Traces are for Apollo Studio, which this system does not report to.
      ApolloServerPluginInlineTraceDisabled(),
      graphqlSpanAttributes(),
      ...(options.cacheTagsOf ? [cacheTagsHeader(options.cacheTagsOf)] : []),
      ...(options.mayCache ? [fencedCachePolicy(options.mayCache)] : []),
    ],
  });
  await apollo.start();

  if (options.metricsRegistry) app.use(httpServerMetrics(options.metricsRegistry, ['/graphql', '/healthz', '/readyz', '/internal/events']));
  const drain = new DrainSwitch();
  app.use(healthRoutes(options.ready, drain));
  for (const route of options.routes ?? []) app.use(route);
  app.use(
    '/graphql',
    traceRequests({ tracerName: options.service, route: '/graphql' }),
    requireSharedSecret(GATEWAY_SECRET_HEADER, options.gatewaySecret),
    // Only the authenticated gateway gets here, and its request can be far larger than the
    // client's (a page of entity representations): the client-facing limit is the gateway's.
    jsonBody(SUBGRAPH_BODY_LIMIT),
    continueRequestTrace(),
    identityFromGateway(options.gatewaySecret, logger),
    expressMiddleware(apollo, {
      context: ({ req, res }) =>
        Promise.resolve(options.createContext(requestLogger(logger, req.headers), res.locals['identity'] as Identity | null)),
    }),
  );
  const handleError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    if (isBodyParserClientError(err)) {
      logger.warn({ err, type: err.type }, 'refused a malformed request body');
      res.status(err.status).json({ errors: [{ message: err.message, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    logger.error({ err }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  };
  app.use(handleError);

  return {
    apollo,
    http,
    beginDrain: () => drain.begin(),
    close: async () => {
      drain.begin();
      await apollo.stop();
      await http.close();
    },
  };
}
