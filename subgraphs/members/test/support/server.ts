import { pino } from 'pino';
import type { GraphQLFormattedError } from 'graphql';
import { buildServer, type MembersServer } from '../../src/server.js';
import type { PrismaClient } from '@mp/prisma/members';
import type { Identity } from '@mp/service-kit';

export const TEST_GATEWAY_SECRET = 'test-gateway-secret-0123456789abcdef';

export interface LoggedLine {
  level: number;
  msg: string;
  err?: { message?: string; stack?: string };
}

/** A members server with its log lines captured, for asserting what operators would see. */
export async function createTestServer(db: PrismaClient, now?: () => Date) {
  const logged: LoggedLine[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => logged.push(JSON.parse(line) as LoggedLine) });
  const server: MembersServer = await buildServer({
    db,
    logger,
    gatewaySecret: TEST_GATEWAY_SECRET,
    ...(now ? { now } : {}),
  });
  return { server, logged };
}

export type Data = Record<string, unknown>;

let callers = 0;

/**
 * A caller with every right and an account of its own, so an operation's outcome depends on its
 * input, not on who sent it. Tests about who may do what pass their caller explicitly.
 */
export const freshAdmin = (): Identity => ({ subject: `test-admin-${process.pid}-${++callers}`, scopes: ['members:admin'] });

/** A caller with no scopes: a member acting for itself. */
export const memberCaller = (subject: string): Identity => ({ subject, scopes: [] });

/** Runs an operation through Apollo's request pipeline; returns data and errors of a single result. */
export async function execute<TData = Data>(
  server: MembersServer,
  query: string,
  variables: Record<string, unknown> = {},
  caller: Identity | null = freshAdmin(),
): Promise<{ data: TData | null | undefined; errors: readonly GraphQLFormattedError[] | undefined }> {
  const response = await server.apollo.executeOperation<TData>({ query, variables }, { contextValue: server.createContext(caller) });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { data: response.body.singleResult.data, errors: response.body.singleResult.errors };
}
