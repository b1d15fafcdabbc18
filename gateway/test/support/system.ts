import { captureLogs, SubgraphSystem, TEST_GATEWAY_SECRET, type DatabaseKind, type ManagedRelay } from '@mp/system-testkit';
import { buildGateway, type GatewayDeps, type GatewayServer } from '../../src/server.js';
import { freshAdmin, TestIssuer, type Caller } from './issuer.js';
import { protectionDefaults } from './gateway-defaults.js';

export { loadPersistedDocuments } from '../../src/persisted-documents.js';
export type { DatabaseKind } from '@mp/system-testkit';
export { freshAdmin, freshMember, TestIssuer, type Caller } from './issuer.js';

/**
 * How the gateway faces clients: any of its settings but the wiring TestSystem owns. Default:
 * production's protections, introspection on, no GraphiQL (only its test needs the Vite build).
 */
export type GatewayOptions = Partial<Omit<GatewayDeps, 'logger' | 'gatewaySecret' | 'subgraphUrls' | 'tokenVerifier'>>;

/**
 * The whole system in this process, as clients meet it: the subgraphs from @mp/system-testkit
 * (real databases, real HTTP between services, events over HTTP as in the embedded default) with
 * the gateway in front on port 0.
 */
export class TestSystem {
  private constructor(
    private readonly subgraphs: SubgraphSystem,
    private readonly httpRelay: ManagedRelay,
    readonly gateway: GatewayServer,
    readonly gatewayUrl: string,
    /** Every log line at warn or above (or at LOG_LEVEL when set), from every service. */
    readonly logs: Record<string, unknown>[],
    /** What an operator would be paged for: log lines at error level or above. */
    readonly errorLogs: () => Record<string, unknown>[],
    /** The identity provider whose tokens the gateway trusts. */
    readonly issuer: TestIssuer,
  ) {}

  get members() {
    return this.subgraphs.members;
  }

  get history() {
    return this.subgraphs.history;
  }

  get membersServer() {
    return this.subgraphs.membersApi;
  }

  get membersUrl(): string {
    return this.subgraphs.membersUrl;
  }

  /** Where the gateway routes each subgraph: a second gateway can front the same system. */
  get subgraphUrls() {
    return { members: this.subgraphs.membersUrl, 'nickname-history': this.subgraphs.historyUrl };
  }

  get relay() {
    return this.httpRelay.relay;
  }

  /**
   * `logLevel`: the lowest level captured in `logs` (default warn, or LOG_LEVEL when set).
   * `cache`: the subgraphs invalidate the gateways' cache of this name through this Redis.
   */
  static async start(
    kind: DatabaseKind,
    gatewayOptions: GatewayOptions = {},
    { logLevel, cache }: { logLevel?: string; cache?: { redisUrl: string; name: string } } = {},
  ): Promise<TestSystem> {
    const captured = captureLogs({ level: logLevel ?? process.env['LOG_LEVEL'] ?? 'warn', echo: Boolean(process.env['LOG_LEVEL']) });
    const subgraphs = await SubgraphSystem.start({
      kind,
      logger: captured.logger,
      historyApi: true,
      ...(cache ? { cache } : {}),
    });
    const httpRelay = subgraphs.startRelay(subgraphs.httpPublisher());
    const issuer = await TestIssuer.create();
    const gateway = await buildGateway({
      tokenVerifier: issuer.verifier(),
      ...protectionDefaults(),
      logger: captured.logger,
      gatewaySecret: TEST_GATEWAY_SECRET,
      subgraphTimeoutMs: 5_000,
      subgraphUrls: { members: subgraphs.membersUrl, 'nickname-history': subgraphs.historyUrl },
      graphiql: false,
      introspection: true,
      persistedDocuments: null,
      ...gatewayOptions,
    });
    const gatewayUrl = `${await gateway.http.listen(0)}/graphql`;
    await gateway.ready;
    return new TestSystem(subgraphs, httpRelay, gateway, gatewayUrl, captured.lines, captured.errors, issuer);
  }

  stopHistory(): Promise<void> {
    return this.subgraphs.stopHistory();
  }

  /** Starts nickname-history again on the port it had, so the gateway's routing stays valid. */
  startHistory(): Promise<void> {
    return this.subgraphs.startHistory();
  }

  /**
   * Sends an operation as `as` (default: an administrator with an account of its own, so tests not
   * about authorization see every field; tests about it pass the caller).
   */
  async query<TData = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, as: Caller = freshAdmin()) {
    const response = await fetch(this.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await this.issuer.headersFor(as)) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: TData | null;
      errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
    };
  }

  /** Waits until the relay has delivered every committed event. */
  drained(timeoutMs = 15_000): Promise<void> {
    return this.subgraphs.drained(timeoutMs);
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.subgraphs.close();
  }
}
