import { readFileSync } from 'node:fs';
import express from 'express';
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
import { createContext, type MembersContext } from './context.js';
import type { MembersDb } from './data/members-repository.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface MembersServerDeps {
  db: MembersDb;
  logger: Logger;
  gatewaySecret: string;
  now?: () => Date;
  /** Called after a mutation committed outbox events. */
  eventsWritten?: () => void;
  /** Extra readiness details, e.g. outbox lag. */
  readiness?: () => Promise<Record<string, unknown>>;
}

export interface MembersServer {
  apollo: ApolloServer<MembersContext>;
  http: HttpServer;
  createContext(logger?: Logger): MembersContext;
  close(): Promise<void>;
}

export async function buildServer(deps: MembersServerDeps): Promise<MembersServer> {
  const { db, logger, gatewaySecret } = deps;
  const contextDeps = { db, now: deps.now ?? (() => new Date()), eventsWritten: deps.eventsWritten ?? (() => {}) };
  const app = express();
  app.disable('x-powered-by');
  const http = createHttpServer(app);
  const apollo = new ApolloServer<MembersContext>({
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<MembersContext> }]),
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
      return (await deps.readiness?.()) ?? {};
    }),
  );
  app.use(
    '/graphql',
    requireSharedSecret(GATEWAY_SECRET_HEADER, gatewaySecret),
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: ({ req }) => Promise.resolve(createContext(contextDeps, requestLogger(logger, req.headers))),
    }),
  );

  return {
    apollo,
    http,
    createContext: (requestLog = logger) => createContext(contextDeps, requestLog),
    close: async () => {
      await apollo.stop();
      await http.close();
    },
  };
}
