import { readFileSync } from 'node:fs';
import express, { type ErrorRequestHandler } from 'express';
import { parse } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import {
  GATEWAY_SECRET_HEADER,
  createErrorMasker,
  createHttpServer,
  healthRoutes,
  requestLogger,
  requireSharedSecret,
  type HttpServer,
  type Logger,
} from '@mp/service-kit';
import { createContext, type HistoryContext } from './context.js';
import type { HistoryDb } from './data/history-repository.js';
import { resolvers } from './resolvers/index.js';
import { eventsRoute } from './intake/events-route.js';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface HistoryServerDeps {
  db: HistoryDb;
  logger: Logger;
  gatewaySecret: string;
  eventsSecret: string;
  /** Extra readiness details, e.g. queue and dead-letter depth. */
  readiness?: () => Promise<Record<string, unknown>>;
}

export interface HistoryServer {
  apollo: ApolloServer<HistoryContext>;
  http: HttpServer;
  createContext(logger?: Logger): HistoryContext;
  close(): Promise<void>;
}

export async function buildServer({ db, logger, gatewaySecret, eventsSecret, readiness }: HistoryServerDeps): Promise<HistoryServer> {
  const app = express();
  app.disable('x-powered-by');
  const http = createHttpServer(app);
  const apollo = new ApolloServer<HistoryContext>({
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<HistoryContext> }]),
    formatError: createErrorMasker(logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: http.server }),
      ApolloServerPluginLandingPageDisabled(),
      // Traces are for Apollo Studio, which this system does not report to.
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await apollo.start();

  app.use(
    healthRoutes(async () => {
      await db.$queryRaw`SELECT 1`;
      return (await readiness?.()) ?? {};
    }),
  );
  app.use(eventsRoute(db, eventsSecret, logger.child({ component: 'event-intake' })));
  app.use(
    '/graphql',
    requireSharedSecret(GATEWAY_SECRET_HEADER, gatewaySecret),
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: ({ req }) => Promise.resolve(createContext(db, requestLogger(logger, req.headers))),
    }),
  );
  const handleError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    logger.error({ err }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  };
  app.use(handleError);

  return {
    apollo,
    http,
    createContext: (requestLog = logger) => createContext(db, requestLog),
    close: async () => {
      await apollo.stop();
      await http.close();
    },
  };
}
