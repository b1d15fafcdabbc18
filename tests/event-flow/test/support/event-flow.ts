import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { pino, type Logger } from 'pino';
import { openDatabase, type OpenedDatabase } from '@mp/prisma';
import { PrismaClient as MembersClient } from '@mp/prisma/members';
import { deleteMemberEventsTopology, memberEventsTopology, type MemberEventsTopology } from '@mp/messaging';
import { createAmqpPublisher, type AmqpPublisher, type EventPublisher, type OutboxRelay, type RelayOptions } from '@mp/members';
import { startAmqpConsumer, type AmqpConsumer, type AmqpConsumerOptions } from '@mp/nickname-history';
import { SubgraphSystem } from '@mp/system-testkit';
import type { TcpProxy } from '@mp/testkit';
import { CHANGE_NICKNAME, CREATE_MEMBER } from '@mp/testkit';

export const AMQP_URL = process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
/** Tests reconnect fast so a fault costs milliseconds, not the production back-off. */
const FAST_RECONNECT = { retryBaseMs: 50, retryMaxMs: 500 };

/** A broker URL that goes through `proxy` when given. */
export const brokerUrl = (proxy?: TcpProxy): string => {
  if (!proxy) return AMQP_URL;
  const url = new URL(AMQP_URL);
  url.host = `127.0.0.1:${proxy.port}`;
  return url.toString();
};

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
 * The event flow in this process: the subgraphs from @mp/system-testkit (members API, migrated
 * throwaway PostgreSQL databases) with RabbitMQ between them: any number of outbox relays
 * (replicas) publishing to it, nickname-history's AMQP consumer reading from it, under a unique
 * topology prefix deleted at close.
 */
export class EventFlow {
  readonly relays = new Set<RelayHandle>();
  consumer: AmqpConsumer | null = null;
  private readonly extraPools: { client: MembersClient; opened: OpenedDatabase }[] = [];
  private admin: { model: ChannelModel; channel: Channel } | null = null;

  private constructor(
    readonly logger: Logger,
    readonly topology: MemberEventsTopology,
    private readonly system: SubgraphSystem,
  ) {}

  get members() {
    return this.system.members;
  }

  get history() {
    return this.system.history;
  }

  static async start(name: string): Promise<EventFlow> {
    const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
    const system = await SubgraphSystem.start({ kind: 'postgres', logger, historyApi: false, poolSizes: { history: 10 } });
    const topology = memberEventsTopology(`test.${name}.${randomBytes(4).toString('hex')}.`);
    return new EventFlow(logger, topology, system);
  }

  /** A members replica's relay with its own broker connection (and optionally its own pool). */
  async startRelay(options: StartRelayOptions = {}): Promise<RelayHandle> {
    let db: MembersClient | undefined;
    if (options.databaseProxy) {
      const url = new URL(this.requirePostgresUrl());
      url.host = `127.0.0.1:${options.databaseProxy.port}`;
      const opened = await openDatabase({ kind: 'postgres', url: url.toString() }, { poolSize: 4 });
      db = new MembersClient({ adapter: opened.adapterFactory });
      this.extraPools.push({ client: db, opened });
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
    const managed = this.system.startRelay(options.wrap ? options.wrap(counting) : counting, {
      ...(db ? { db } : {}),
      ...(options.relayOptions ? { relayOptions: options.relayOptions } : {}),
      onStop: () => publisher.close(),
    });
    const handle: RelayHandle = {
      relay: managed.relay,
      publisher,
      get published() {
        return published;
      },
      stop: async () => {
        this.relays.delete(handle);
        await managed.stop();
      },
      kill: async () => {
        this.relays.delete(handle);
        // Out of the system's set too: nobody stops or wakes a dead replica.
        this.system.relays.delete(managed);
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

  private callers = 0;

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
    const { membersApi } = this.system;
    // Each sign-up is its own account; an administrator may change any member's nickname.
    const caller = { subject: `event-flow-${++this.callers}`, scopes: ['members:admin'] };
    const response = await membersApi.apollo.executeOperation<TData>(
      { query, variables },
      { contextValue: membersApi.createContext(caller) },
    );
    if (response.body.kind !== 'single' || response.body.singleResult.errors) return null;
    return response.body.singleResult.data ?? null;
  }

  unpublished(): Promise<number> {
    return this.system.unpublished();
  }

  /** Waits until every committed change is published and visible in the history database. */
  delivered(timeoutMs = 30_000): Promise<void> {
    return this.system.delivered(timeoutMs);
  }

  async close(): Promise<void> {
    await this.stopConsumer();
    for (const handle of [...this.relays]) await handle.stop();
    const channel = await this.adminChannel();
    await deleteMemberEventsTopology(channel, this.topology);
    await this.admin?.model.close();
    for (const pool of this.extraPools) {
      await pool.client.$disconnect();
      await pool.opened.close();
    }
    await this.system.close();
  }

  private requirePostgresUrl(): string {
    if (!this.members.url) throw new Error('the event flow runs on PostgreSQL');
    return this.members.url;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Unique per member and change, within the 10-character limit. */
export const nicknameOf = (member: number, change: number): string => `n${member}x${change}`;
