import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { pino, type Logger } from 'pino';
import { applyMigrations, openDatabase, type OpenedDatabase } from '@mp/prisma';
import { createTestDatabase, type TestDatabase } from '@mp/prisma/testing';
import { PrismaClient as MembersClient } from '@mp/prisma/members';
import { PrismaClient as HistoryClient } from '@mp/prisma/nickname-history';
import { deleteMemberEventsTopology, memberEventsTopology, type MemberEventsTopology } from '@mp/messaging';
import {
  buildServer as buildMembers,
  createAmqpPublisher,
  startOutboxRelay,
  type AmqpPublisher,
  type EventPublisher,
  type MembersServer,
  type OutboxRelay,
  type RelayOptions,
} from '@mp/members';
import { startAmqpConsumer, type AmqpConsumer, type AmqpConsumerOptions } from '@mp/nickname-history';
import type { TcpProxy } from './tcp-proxy.js';
import { CHANGE_NICKNAME, CREATE_MEMBER } from '@mp/testkit';

export const AMQP_URL = process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
const GATEWAY_SECRET = 'event-flow-gateway-secret-0123456789ab';
/** Tests reconnect fast so a fault costs milliseconds, not the production back-off. */
const FAST_RECONNECT = { retryBaseMs: 50, retryMaxMs: 500 };

export const TEST_RELAY_OPTIONS: RelayOptions = {
  batchSize: 100,
  pollIntervalMs: 100,
  leaseMs: 10_000,
  retryBaseMs: 50,
  retryMaxMs: 500,
};

/** A broker URL that goes through `proxy` when given. */
export const brokerUrl = (proxy?: TcpProxy): string => {
  if (!proxy) return AMQP_URL;
  const url = new URL(AMQP_URL);
  url.host = `127.0.0.1:${proxy.port}`;
  return url.toString();
};

interface Database<Client> {
  client: Client;
  opened: OpenedDatabase;
}

export interface RelayHandle {
  relay: OutboxRelay;
  publisher: AmqpPublisher;
  /** Events this relay's publisher had confirmed by the broker. */
  readonly published: number;
  stop(): Promise<void>;
  /** The replica dies: its broker connection is gone, its loop is never resumed or awaited. */
  kill(): Promise<void>;
}

export interface StartRelayOptions {
  /** Route this relay's broker connection through a proxy. */
  brokerProxy?: TcpProxy;
  /** Route this relay's members-database connection through a proxy (its own pool). */
  databaseProxy?: TcpProxy;
  relayOptions?: Partial<RelayOptions>;
  /** Wraps the real publisher, e.g. to simulate a crash after the broker confirmed. */
  wrap?: (publisher: EventPublisher) => EventPublisher;
  name?: string;
}

/**
 * The event flow in this process: a members API and any number of outbox relays (replicas) on
 * a throwaway members database, nickname-history's AMQP consumer on a throwaway history
 * database, and RabbitMQ objects under a unique prefix (deleted at close).
 */
export class EventFlow {
  readonly relays = new Set<RelayHandle>();
  consumer: AmqpConsumer | null = null;
  private readonly throwaways: TestDatabase[] = [];
  private readonly extraDatabases: Database<MembersClient>[] = [];
  private admin: { model: ChannelModel; channel: Channel } | null = null;

  private constructor(
    readonly logger: Logger,
    readonly topology: MemberEventsTopology,
    readonly members: Database<MembersClient>,
    readonly membersUrl: string,
    readonly history: Database<HistoryClient>,
    readonly api: MembersServer,
    throwaways: TestDatabase[],
  ) {
    this.throwaways.push(...throwaways);
  }

  static async start(name: string): Promise<EventFlow> {
    const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
    const [membersDb, historyDb] = await Promise.all([
      createTestDatabase(`flow_members_${name}`),
      createTestDatabase(`flow_history_${name}`),
    ]);
    const membersOpened = await openDatabase({ kind: 'postgres', url: membersDb.url }, { poolSize: 20 });
    const historyOpened = await openDatabase({ kind: 'postgres', url: historyDb.url }, { poolSize: 10 });
    await Promise.all([applyMigrations('members', membersOpened), applyMigrations('nickname-history', historyOpened)]);
    const members = { client: new MembersClient({ adapter: membersOpened.adapterFactory }), opened: membersOpened };
    const history = { client: new HistoryClient({ adapter: historyOpened.adapterFactory }), opened: historyOpened };
    const topology = memberEventsTopology(`test.${name}.${randomBytes(4).toString('hex')}.`);
    let flow: EventFlow | null = null;
    const api = await buildMembers({
      db: members.client,
      logger,
      gatewaySecret: GATEWAY_SECRET,
      eventsWritten: () => flow?.wakeRelays(),
    });
    flow = new EventFlow(logger, topology, members, membersDb.url, history, api, [membersDb, historyDb]);
    return flow;
  }

  wakeRelays(): void {
    for (const handle of this.relays) handle.relay.wake();
  }

  /** A members replica's relay with its own broker connection (and optionally its own pool). */
  async startRelay(options: StartRelayOptions = {}): Promise<RelayHandle> {
    let db = this.members.client;
    if (options.databaseProxy) {
      const url = new URL(this.membersUrl);
      url.host = `127.0.0.1:${options.databaseProxy.port}`;
      const opened = await openDatabase({ kind: 'postgres', url: url.toString() }, { poolSize: 4 });
      db = new MembersClient({ adapter: opened.adapterFactory });
      this.extraDatabases.push({ client: db, opened });
    }
    const publisher = createAmqpPublisher({
      url: brokerUrl(options.brokerProxy),
      topology: this.topology,
      heartbeatSeconds: 5,
      confirmTimeoutMs: 5_000,
      logger: this.logger,
      reconnect: FAST_RECONNECT,
      name: options.name ?? 'test-relay',
    });
    await publisher.ready();
    let published = 0;
    const counting: EventPublisher = {
      async publish(events) {
        await publisher.publish(events);
        published += events.length;
      },
    };
    const relay = startOutboxRelay(db, options.wrap ? options.wrap(counting) : counting, this.logger, {
      ...TEST_RELAY_OPTIONS,
      ...options.relayOptions,
    });
    const handle: RelayHandle = {
      relay,
      publisher,
      get published() {
        return published;
      },
      stop: async () => {
        this.relays.delete(handle);
        await relay.stop();
        await publisher.close();
      },
      kill: async () => {
        this.relays.delete(handle);
        await publisher.close();
      },
    };
    this.relays.add(handle);
    return handle;
  }

  async startConsumer(options: Partial<AmqpConsumerOptions> & { brokerProxy?: TcpProxy } = {}): Promise<AmqpConsumer> {
    const { brokerProxy, ...overrides } = options;
    const consumer = startAmqpConsumer(this.history.client, {
      url: brokerUrl(brokerProxy),
      topology: this.topology,
      heartbeatSeconds: 5,
      prefetch: 100,
      maxAttempts: 3,
      retryDelayMs: 50,
      databaseRetryMs: 100,
      logger: this.logger,
      reconnect: FAST_RECONNECT,
      ...overrides,
    });
    await consumer.ready();
    this.consumer = consumer;
    return consumer;
  }

  async stopConsumer(): Promise<void> {
    await this.consumer?.close();
    this.consumer = null;
  }

  /** A plain channel for inspecting queues and publishing test messages directly. */
  async adminChannel(): Promise<Channel> {
    if (!this.admin) {
      const model = await connect(AMQP_URL);
      this.admin = { model, channel: await model.createConfirmChannel() };
    }
    return this.admin.channel;
  }

  async createMembers(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const input = { email: `m${i}@flow.example`, nickname: nicknameOf(i, 0), birthDate: '1990-01-01' };
      const result = await this.execute<{ createMember: { member: { id: string } | null } }>(CREATE_MEMBER, { input });
      const id = result?.createMember.member?.id;
      if (!id) throw new Error(`sign-up ${i} failed`);
      ids.push(id);
    }
    return ids;
  }

  async changeNickname(memberId: string, nickname: string): Promise<boolean> {
    const result = await this.execute<{ changeNickname: { userErrors: unknown[] } }>(CHANGE_NICKNAME, { input: { memberId, nickname } });
    return result !== null && result.changeNickname.userErrors.length === 0;
  }

  private async execute<TData>(query: string, variables: Record<string, unknown>): Promise<TData | null> {
    const response = await this.api.apollo.executeOperation<TData>({ query, variables }, { contextValue: this.api.createContext() });
    if (response.body.kind !== 'single' || response.body.singleResult.errors) return null;
    return response.body.singleResult.data ?? null;
  }

  async unpublished(): Promise<number> {
    return this.members.client.outboxEvent.count({ where: { publishedAt: null } });
  }

  /** Waits until every committed change is published and visible in the history database. */
  async delivered(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [pending, expected, recorded] = await Promise.all([
        this.unpublished(),
        this.members.client.member.aggregate({ _sum: { nicknameVersion: true } }),
        this.history.client.nicknameChange.count(),
      ]);
      if (pending === 0 && recorded >= (expected._sum.nicknameVersion ?? 0)) return;
      if (Date.now() > deadline) {
        throw new Error(`not delivered in time: ${pending} unpublished, ${recorded}/${expected._sum.nicknameVersion ?? 0} recorded`);
      }
      this.wakeRelays();
      await sleep(100);
    }
  }

  async close(): Promise<void> {
    await this.stopConsumer();
    for (const handle of [...this.relays]) await handle.stop();
    await this.api.close();
    const channel = await this.adminChannel();
    await deleteMemberEventsTopology(channel, this.topology);
    await this.admin?.model.close();
    for (const db of [...this.extraDatabases, this.members]) {
      await db.client.$disconnect();
      await db.opened.close();
    }
    await this.history.client.$disconnect();
    await this.history.opened.close();
    for (const throwaway of this.throwaways) await throwaway.drop();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Unique per member and change, within the 10-character limit. */
export const nicknameOf = (member: number, change: number): string => `n${member}x${change}`;
