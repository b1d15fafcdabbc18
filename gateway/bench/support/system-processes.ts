// The whole system as separate processes in production settings, for benchmarks: an identity
// provider and an OTLP collector stand-in of the bench's own, throwaway PostgreSQL databases, and
// copies of the gateway and both subgraphs started from their builds.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createTestDatabase, type TestDatabase } from '@mp/prisma/testing';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceProcess {
  service: string;
  pid: number;
}

export interface SystemCopy {
  name: string;
  /** The gateway's GraphQL endpoint. */
  url: string;
  /** The subgraphs' GraphQL endpoints (for direct calls and peer gateways). */
  membersUrl: string;
  historyUrl: string;
  processes: ServiceProcess[];
}

const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used (user + system), from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Each service's entry point in its build, relative to the repository root. */
export const SERVICE_ENTRIES = {
  gateway: 'gateway/dist/main.js',
  members: 'subgraphs/members/dist/main.js',
  'nickname-history': 'subgraphs/nickname-history/dist/main.js',
} as const;

/** Exited by itself or killed by a signal (a SIGKILLed child has no exit code). */
export const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

export async function waitReady(url: string) {
  for (let i = 0; i < 600; i += 1) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never became ready`);
}

export interface CopyOptions {
  /** Ports base (gateway), base+1 (members), base+2 (history); metrics on base+10..12. */
  base: number;
  /** Extra environment for all three services. */
  env: (metricsPort: number) => Record<string, string>;
  /** Gateway processes sharing its port (SO_REUSEPORT); default 1. Their metrics ports follow base+12. */
  gatewayProcesses?: number;
}

export class BenchSystem {
  readonly gatewaySecret = randomBytes(32).toString('hex');
  private readonly eventsSecret = randomBytes(32).toString('hex');
  private readonly children: ChildProcess[] = [];
  /** Spans the collector stand-in received. */
  readonly exported = { requests: 0, bytes: 0 };
  readonly issuer = 'urn:bench:issuer';
  readonly audience = 'members-platform';

  private constructor(
    private readonly helper: Server,
    readonly helperUrl: string,
    private readonly signingKey: CryptoKey,
    private readonly databases: { members: TestDatabase; history: TestDatabase },
  ) {}

  /** The JWKS and the collector stand-in listen; the databases are created. */
  static async start(): Promise<BenchSystem> {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' }] };
    let system: BenchSystem | null = null;
    const helper = createServer((req, res) => {
      if (req.url === '/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
        return;
      }
      req.on('data', (chunk: Buffer) => {
        if (system) system.exported.bytes += chunk.length;
      });
      req.on('end', () => {
        if (system) system.exported.requests += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => helper.listen(0, '127.0.0.1', resolve));
    const helperUrl = `http://127.0.0.1:${(helper.address() as AddressInfo).port}`;
    const databases = { members: await createTestDatabase('bench_members'), history: await createTestDatabase('bench_history') };
    system = new BenchSystem(helper, helperUrl, privateKey, databases);
    return system;
  }

  /** A bearer token of the bench's identity provider. */
  mint(subject: string, scopes: string[]): Promise<string> {
    return new SignJWT({ scope: scopes.join(' ') })
      .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(this.signingKey);
  }

  /** One copy of the system; `cpuProfileDir` adds a V8 CPU profile per process. */
  async startCopy(name: string, { base, env, gatewayProcesses = 1 }: CopyOptions, cpuProfileDir?: string): Promise<SystemCopy> {
    const common = this.sharedEnv(name);
    const services: [string, string, Record<string, string>, number][] = [
      [
        'members',
        SERVICE_ENTRIES.members,
        { PORT: String(base + 1), NICKNAME_HISTORY_EVENTS_URL: `http://127.0.0.1:${base + 2}/internal/events`, ...env(base + 11) },
        base + 1,
      ],
      ['nickname-history', SERVICE_ENTRIES['nickname-history'], { PORT: String(base + 2), ...env(base + 12) }, base + 2],
      [
        'gateway',
        SERVICE_ENTRIES.gateway,
        {
          PORT: String(base),
          MEMBERS_URL: `http://127.0.0.1:${base + 1}/graphql`,
          NICKNAME_HISTORY_URL: `http://127.0.0.1:${base + 2}/graphql`,
          ...this.gatewayEnv(name),
          ...env(base + 10),
        },
        base,
      ],
    ];
    const [gateway] = services.splice(2, 1) as [(typeof services)[number]];
    for (let i = 0; i < gatewayProcesses; i += 1) {
      const [service, entry, gatewayEnv, port] = gateway;
      const shared: Record<string, string> = gatewayProcesses > 1 ? { REUSE_PORT: 'true' } : {};
      services.push([service, entry, { ...gatewayEnv, ...shared, ...(i > 0 ? env(base + 12 + i) : {}) }, port]);
    }
    const processes: ServiceProcess[] = [];
    for (const [service, entry, serviceEnv, port] of services) {
      const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}/${name}`] : [];
      // One after the other: two members services must not race to migrate the same database.
      const child = this.spawnService(entry, { ...common, ...serviceEnv }, { nodeArgs: profile });
      processes.push({ service, pid: child.pid! });
      await waitReady(`http://127.0.0.1:${port}/readyz`);
    }
    return {
      name,
      url: `http://127.0.0.1:${base}/graphql`,
      membersUrl: `http://127.0.0.1:${base + 1}/graphql`,
      historyUrl: `http://127.0.0.1:${base + 2}/graphql`,
      processes,
    };
  }

  /**
   * What every service of one system copy shares: production settings, the secrets, the bench's
   * databases, Redis, and a subgraph cache name of the copy's own (the gateways read it, the
   * subgraphs invalidate it).
   */
  sharedEnv(name: string): Record<string, string> {
    return {
      // The gateways' cache, and the subgraphs invalidating it, by a name of this copy's own.
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      SUBGRAPH_CACHE_NAME: `bench-${name}-${randomBytes(4).toString('hex')}`,
      NODE_ENV: 'production',
      // Production's level: the gateway writes its access-log line for every request.
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      GATEWAY_SECRET: this.gatewaySecret,
      EVENTS_SECRET: this.eventsSecret,
      MEMBERS_DATABASE_URL: this.databases.members.url,
      NICKNAME_HISTORY_DATABASE_URL: this.databases.history.url,
    };
  }

  /** What a gateway of copy `name` needs beyond `sharedEnv`: this bench's identity provider and rate-limit keys. */
  gatewayEnv(name: string): Record<string, string> {
    return {
      AUTH_ISSUER: this.issuer,
      AUTH_AUDIENCE: this.audience,
      AUTH_JWKS_URL: `${this.helperUrl}/jwks.json`,
      RATE_LIMIT_KEY_PREFIX: `bench:${name}:${randomBytes(4).toString('hex')}`,
      // Limits stay on; the budgets are sized for a load test from a handful of accounts.
      RATE_LIMIT_REQUESTS: '100000000/60',
    };
  }

  /** The bench's databases, for reading what the services stored. */
  get databaseUrls(): { members: string; history: string } {
    return { members: this.databases.members.url, history: this.databases.history.url };
  }

  /**
   * One process of a service from its build (`entry`, e.g. SERVICE_ENTRIES.gateway) with `env` on
   * top of this process's environment; `close()` stops it unless it has exited. Its stdout is
   * dropped and its stderr inherited unless `output` (a file descriptor) takes both.
   */
  spawnService(entry: string, env: Record<string, string>, options: { nodeArgs?: string[]; output?: number } = {}): ChildProcess {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: options.output === undefined ? ['ignore', 'ignore', 'inherit'] : ['ignore', options.output, options.output],
    });
    this.children.push(child);
    return child;
  }

  /** `members` members with their first nickname only, `concurrency` sign-ups at a time; returns their ids in order. */
  async seedMany(gatewayUrl: string, members: number, concurrency = 16): Promise<string[]> {
    const ids: string[] = new Array<string>(members);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < members; i = next++) {
        const token = await this.mint(`bench-many-${i}`, []);
        const created = await call(
          gatewayUrl,
          token,
          'mutation($input: CreateMemberInput!) { createMember(input: $input) { member { id } } }',
          {
            input: { email: `many${i}@example.com`, nickname: `n${i}`, birthDate: '1990-01-01' },
          },
        );
        ids[i] = (created['createMember'] as { member: { id: string } }).member.id;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return ids;
  }

  /** `members` members with 4 nicknames each, through a gateway; returns their ids. */
  async seed(gatewayUrl: string, members: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < members; i += 1) {
      const token = await this.mint(`bench-member-${i}`, []);
      const created = await call(
        gatewayUrl,
        token,
        'mutation($input: CreateMemberInput!) { createMember(input: $input) { member { id } } }',
        {
          input: { email: `bench${i}@example.com`, nickname: `m${i}`, birthDate: '1990-01-01' },
        },
      );
      const memberId = (created['createMember'] as { member: { id: string } }).member.id;
      ids.push(memberId);
      for (let c = 0; c < 3; c += 1) {
        await call(gatewayUrl, token, 'mutation($input: ChangeNicknameInput!) { changeNickname(input: $input) { member { id } } }', {
          input: { memberId, nickname: `m${i}v${c}` },
        });
      }
    }
    return ids;
  }

  async close(): Promise<void> {
    for (const child of this.children) if (!hasExited(child)) child.kill('SIGTERM');
    await Promise.all(
      this.children.map((child) => new Promise((resolve) => (hasExited(child) ? resolve(null) : child.once('exit', resolve)))),
    );
    this.helper.close();
    await this.databases.members.drop();
    await this.databases.history.drop();
  }
}

/** A GraphQL call that must succeed. */
export async function call(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors) throw new Error(`${url}: ${JSON.stringify(body.errors).slice(0, 300)}`);
  return body.data!;
}
