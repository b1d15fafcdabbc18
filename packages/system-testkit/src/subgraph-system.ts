import type { Logger } from 'pino';
import { waitFor } from '@mp/testkit';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '@mp/prisma/testing';
import { PrismaClient as MembersClient } from '@mp/prisma/members';
import { PrismaClient as HistoryClient } from '@mp/prisma/nickname-history';
import {
  buildServer as buildMembers,
  createHttpPublisher,
  startOutboxRelay,
  type EventPublisher,
  type MembersDb,
  type MembersServer,
  type OutboxRelay,
  type RelayOptions,
} from '@mp/members';
import { subgraphCacheInvalidation } from '@mp/service-kit';
import { RestartableHistory } from './restartable-history.js';
import { TEST_EVENTS_SECRET, TEST_GATEWAY_SECRET } from './secrets.js';

export type DatabaseKind = 'postgres' | 'embedded';

/** Tests retry fast so a fault costs milliseconds, not the production back-off. */
export const TEST_RELAY_OPTIONS: RelayOptions = { batchSize: 100, pollIntervalMs: 100, leaseMs: 10_000, retryBaseMs: 50, retryMaxMs: 500 };

export interface SubgraphSystemOptions {
  kind: DatabaseKind;
  logger: Logger;
  /** Serve nickname-history's API over HTTP (the gateway routes to it); off when only its database is needed. */
  historyApi: boolean;
  /** Connections per service's pool (default 20 each). */
  poolSizes?: { members?: number; history?: number };
  /** Both services invalidate the gateways' cache (by this name, through this Redis) after their writes; none when unset. */
  cache?: { redisUrl: string; name: string };
}

/** A relay this system wakes on every committed change and stops on close. */
export interface ManagedRelay {
  relay: OutboxRelay;
  /** Stops the relay (and whatever the caller attached to it). */
  stop(): Promise<void>;
}

export interface StartRelayOptions {
  /** Another connection pool to the members database (e.g. through a proxy); default: the system's. */
  db?: MembersDb;
  relayOptions?: Partial<RelayOptions>;
  /** Runs after the relay has stopped: close the publisher's connections. */
  onStop?: () => Promise<void>;
}

/**
 * Both domain services in this process on migrated throwaway databases: the members API on
 * port 0 (every committed change wakes the relays), nickname-history's database and optionally its
 * API, and any number of outbox relays. The single place the tests wire the subgraphs; the
 * gateway's tests put the gateway in front, the event-flow tests put RabbitMQ between them.
 */
export class SubgraphSystem {
  readonly relays = new Set<ManagedRelay>();

  private constructor(
    readonly logger: Logger,
    readonly members: MigratedTestDatabase<MembersClient>,
    readonly history: MigratedTestDatabase<HistoryClient>,
    readonly membersApi: MembersServer,
    /** The members API's GraphQL endpoint. */
    readonly membersUrl: string,
    private readonly historyService: RestartableHistory | null,
    private readonly closeInvalidation: () => void,
  ) {}

  static async start({ kind, logger, historyApi, poolSizes = {}, cache }: SubgraphSystemOptions): Promise<SubgraphSystem> {
    const log = { log: [{ emit: 'event' as const, level: 'query' as const }] };
    const [members, history] = await Promise.all([
      openMigratedTestDatabase('members', kind, (db) => new MembersClient({ adapter: db.adapterFactory, ...log }), {
        poolSize: poolSizes.members ?? 20,
      }),
      openMigratedTestDatabase('nickname-history', kind, (db) => new HistoryClient({ adapter: db.adapterFactory, ...log }), {
        poolSize: poolSizes.history ?? 20,
      }),
    ]);
    const invalidation = { REDIS_URL: cache?.redisUrl, SUBGRAPH_CACHE_NAME: cache?.name ?? 'unused', CACHE_INVALIDATION_TIMEOUT_MS: 1_000 };
    const [membersInvalidation, historyInvalidation] = [
      subgraphCacheInvalidation(invalidation, logger),
      subgraphCacheInvalidation(invalidation, logger),
    ];
    const historyService = historyApi ? new RestartableHistory(history.client, logger, historyInvalidation.invalidate) : null;
    await historyService?.start();
    let system: SubgraphSystem | null = null;
    const membersApi = await buildMembers({
      db: members.client,
      logger,
      gatewaySecret: TEST_GATEWAY_SECRET,
      eventsWritten: () => system?.wakeRelays(),
      invalidateCache: membersInvalidation.invalidate,
    });
    const membersUrl = `${await membersApi.http.listen(0)}/graphql`;
    system = new SubgraphSystem(logger, members, history, membersApi, membersUrl, historyService, () => {
      membersInvalidation.close();
      historyInvalidation.close();
    });
    return system;
  }

  /** nickname-history's GraphQL endpoint (the API must be on). */
  get historyUrl(): string {
    return `${this.requireHistoryApi().url}/graphql`;
  }

  /** Delivers events to nickname-history's HTTP intake, as the embedded default does. */
  httpPublisher(): EventPublisher {
    return createHttpPublisher({ url: `${this.requireHistoryApi().url}/internal/events`, secret: TEST_EVENTS_SECRET, timeoutMs: 2_000 });
  }

  startRelay(publisher: EventPublisher, options: StartRelayOptions = {}): ManagedRelay {
    const relay = startOutboxRelay(options.db ?? this.members.client, publisher, this.logger, {
      ...TEST_RELAY_OPTIONS,
      ...options.relayOptions,
    });
    const managed: ManagedRelay = {
      relay,
      stop: async () => {
        this.relays.delete(managed);
        await relay.stop();
        await options.onStop?.();
      },
    };
    this.relays.add(managed);
    return managed;
  }

  wakeRelays(): void {
    for (const { relay } of this.relays) relay.wake();
  }

  unpublished(): Promise<number> {
    return this.members.client.outboxEvent.count({ where: { publishedAt: null } });
  }

  /** Waits until the relays have published every committed event. */
  async drained(timeoutMs = 15_000): Promise<void> {
    await waitFor(
      'the outbox to drain',
      () => {
        this.wakeRelays();
        return this.unpublished();
      },
      (pending) => pending === 0,
      { timeoutMs, intervalMs: 50 },
    );
  }

  /** Waits until every committed change is published and recorded in nickname-history's database. */
  async delivered(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      'every change to be published and recorded',
      async () => {
        this.wakeRelays();
        const [unpublished, versions, recorded] = await Promise.all([
          this.unpublished(),
          this.members.client.member.aggregate({ _sum: { nicknameVersion: true } }),
          this.history.client.nicknameChange.count(),
        ]);
        return { unpublished, expected: versions._sum.nicknameVersion ?? 0, recorded };
      },
      ({ unpublished, expected, recorded }) => unpublished === 0 && recorded >= expected,
      { timeoutMs, intervalMs: 100 },
    );
  }

  stopHistory(): Promise<void> {
    return this.requireHistoryApi().stop();
  }

  /** Starts nickname-history again on the port it had, so routes to it stay valid. */
  startHistory(): Promise<void> {
    return this.requireHistoryApi().start();
  }

  async close(): Promise<void> {
    await this.membersApi.close();
    for (const managed of [...this.relays]) await managed.stop();
    await this.historyService?.stop();
    this.closeInvalidation();
    await Promise.all([this.members.close(), this.history.close()]);
  }

  private requireHistoryApi(): RestartableHistory {
    if (!this.historyService) throw new Error('this system was started without the nickname-history API');
    return this.historyService;
  }
}
