import { pino } from 'pino';
import type { GraphQLFormattedError } from 'graphql';
import type { PrismaClient } from '@mp/prisma/nickname-history';
import { buildServer, type HistoryServer } from '../../src/server.js';

export const TEST_GATEWAY_SECRET = 'test-gateway-secret-0123456789abcdef';
export const TEST_EVENTS_SECRET = 'test-events-secret-0123456789abcdefg';
export const TEST_AMQP_URL = process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

export async function createTestServer(db: PrismaClient): Promise<HistoryServer> {
  return buildServer({ db, logger: pino({ level: 'silent' }), gatewaySecret: TEST_GATEWAY_SECRET, eventsSecret: TEST_EVENTS_SECRET });
}

export async function execute<TData>(
  server: HistoryServer,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data: TData | null | undefined; errors: readonly GraphQLFormattedError[] | undefined }> {
  const response = await server.apollo.executeOperation<TData>({ query, variables }, { contextValue: server.createContext() });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { data: response.body.singleResult.data, errors: response.body.singleResult.errors };
}
