import { pino, type Logger } from 'pino';
import { waitFor } from '@mp/testkit';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '@mp/prisma/testing';
import { PrismaClient as MembersClient } from '@mp/prisma/members';
import { PrismaClient as HistoryClient } from '@mp/prisma/nickname-history';
import { buildServer as buildMembers, createHttpPublisher, startOutboxRelay, type MembersServer, type OutboxRelay } from '@mp/members';
import { buildServer as buildHistory, type HistoryServer } from '@mp/nickname-history';
import { buildGateway, type GatewayDeps, type GatewayServer } from '../../src/server.js';

export { loadPersistedDocuments } from '../../src/persisted-documents.js';

const GATEWAY_SECRET = 'system-test-gateway-secret-0123456789';
const EVENTS_SECRET = 'system-test-events-secret-0123456789a';

export type DatabaseKind = 'postgres' | 'embedded';

/** How the gateway faces clients. Default: introspection on, no GraphiQL (only its test needs the Vite build). */
export type GatewayOptions = Partial<Pick<GatewayDeps, 'graphiql' | 'introspection' | 'persistedDocuments' | 'subgraphTimeoutMs'>>;

type Store<Client> = MigratedTestDatabase<Client>;

/** nickname-history on a fixed port that can be stopped and started again, as in an outage. */
class RestartableHistory {
  private server: HistoryServer | null = null;
  private port = 0;
  url = '';

  constructor(
    private readonly client: HistoryClient,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.server = await buildHistory({ db: this.client, logger: this.logger, gatewaySecret: GATEWAY_SECRET, eventsSecret: EVENTS_SECRET });
    this.url = await this.server.http.listen(this.port);
    this.port = Number(new URL(this.url).port);
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }
}

/** The whole system in this process: real servers on port 0, real databases, real HTTP between them. */
export class TestSystem {
  private constructor(
    readonly members: Store<MembersClient>,
    readonly history: Store<HistoryClient>,
    private readonly historyService: RestartableHistory,
    readonly membersServer: MembersServer,
    readonly membersUrl: string,
    readonly relay: OutboxRelay,
    readonly gateway: GatewayServer,
    readonly gatewayUrl: string,
    /** Every log line at warn or above (or at LOG_LEVEL when set), from every service. */
    readonly logs: Record<string, unknown>[],
  ) {}

  /** What an operator would be paged for: log lines at error level or above. */
  errorLogs(): Record<string, unknown>[] {
    return this.logs.filter((line) => typeof line['level'] === 'number' && line['level'] >= 50);
  }

  static async start(kind: DatabaseKind, gatewayOptions: GatewayOptions = {}): Promise<TestSystem> {
    const logs: Record<string, unknown>[] = [];
    const logger = pino(
      { level: process.env['LOG_LEVEL'] ?? 'warn' },
      {
        write: (line: string) => {
          logs.push(JSON.parse(line) as Record<string, unknown>);
          if (process.env['LOG_LEVEL']) process.stderr.write(line);
        },
      },
    );
    const log = { log: [{ emit: 'event' as const, level: 'query' as const }] };
    const [members, history] = await Promise.all([
      openMigratedTestDatabase('members', kind, (db) => new MembersClient({ adapter: db.adapterFactory, ...log })),
      openMigratedTestDatabase('nickname-history', kind, (db) => new HistoryClient({ adapter: db.adapterFactory, ...log })),
    ]);
    const historyService = new RestartableHistory(history.client, logger);
    await historyService.start();
    const relay = startOutboxRelay(
      members.client,
      createHttpPublisher({ url: `${historyService.url}/internal/events`, secret: EVENTS_SECRET, timeoutMs: 2_000 }),
      logger,
      { batchSize: 100, pollIntervalMs: 100, leaseMs: 10_000, retryBaseMs: 50, retryMaxMs: 400 },
    );
    const membersServer = await buildMembers({
      db: members.client,
      logger,
      gatewaySecret: GATEWAY_SECRET,
      eventsWritten: () => relay.wake(),
    });
    const membersUrl = await membersServer.http.listen(0);
    const gateway = await buildGateway({
      logger,
      gatewaySecret: GATEWAY_SECRET,
      subgraphTimeoutMs: 5_000,
      subgraphUrls: { members: `${membersUrl}/graphql`, 'nickname-history': `${historyService.url}/graphql` },
      graphiql: false,
      introspection: true,
      persistedDocuments: null,
      ...gatewayOptions,
    });
    const gatewayUrl = `${await gateway.http.listen(0)}/graphql`;
    await gateway.ready;
    return new TestSystem(members, history, historyService, membersServer, `${membersUrl}/graphql`, relay, gateway, gatewayUrl, logs);
  }

  stopHistory(): Promise<void> {
    return this.historyService.stop();
  }

  /** Starts nickname-history again on the port it had, so the gateway's routing stays valid. */
  startHistory(): Promise<void> {
    return this.historyService.start();
  }

  async query<TData = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(this.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: TData | null;
      errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
    };
  }

  /** Waits until the relay has delivered every committed event. */
  async drained(timeoutMs = 15_000): Promise<void> {
    await waitFor(
      'the outbox to drain',
      () => {
        this.relay.wake();
        return this.members.client.outboxEvent.count({ where: { publishedAt: null } });
      },
      (pending) => pending === 0,
      { timeoutMs, intervalMs: 50 },
    );
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.membersServer.close();
    await this.relay.stop();
    await this.historyService.stop();
    await Promise.all([this.members.close(), this.history.close()]);
  }
}
