import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { z } from 'zod';
import { membersEnvSchema } from '@mp/members';
import { historyEnvSchema } from '@mp/nickname-history';
import { envSchema as gatewayEnvSchema } from '../src/env.js';

// docker compose cannot run here; this keeps the files honest about what the code reads and about
// what a production user relies on (restarts, health, start order, an unprivileged slim image).
interface ComposeService {
  image?: string;
  build?: { context: string; target?: string; args?: Record<string, string> };
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  expose?: string[];
  deploy?: { replicas?: number };
}
const root = new URL('../../', import.meta.url);
const readRootFile = (path: string) => readFileSync(new URL(path, root), 'utf8');
const compose = parse(readRootFile('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const readPackage = (dir: string) =>
  JSON.parse(readRootFile(`${dir}/package.json`)) as {
    name: string;
    scripts?: Record<string, string>;
    engines?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };

// [compose service, env schema, workspace folder]
const services: [string, z.ZodObject<z.ZodRawShape>, string][] = [
  ['members', membersEnvSchema, 'subgraphs/members'],
  ['nickname-history', historyEnvSchema, 'subgraphs/nickname-history'],
  ['gateway', gatewayEnvSchema, 'gateway'],
];
const seconds = (duration: string) => {
  const match = /^(\d+)s$/.exec(duration);
  if (!match) throw new Error(`expected a duration in seconds, got ${duration}`);
  return Number(match[1]);
};

describe('docker-compose.yml', () => {
  it.each(services)('%s sets only variables its env.ts reads, including every required one', (name, schema) => {
    const service = compose.services[name]!;
    const environment = service.environment ?? {};
    const known = Object.keys(schema.shape);
    expect(Object.keys(environment).filter((key) => !known.includes(key))).toEqual([]);
    const isOptional = (key: string) => (schema.shape[key] as z.ZodType).safeParse(undefined).success;
    const required = known.filter((key) => !isOptional(key));
    expect(required.filter((key) => !(key in environment))).toEqual([]);
    // Secrets and the identity provider come from the operator, never from the file.
    for (const key of ['GATEWAY_SECRET', 'EVENTS_SECRET', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL']) {
      if (key in environment) expect(environment[key]).toMatch(/^\$\{\w+:\?/);
    }
  });

  it.each(services)('%s starts on its compose environment once the operator fills in what it asks for', (name, schema) => {
    const operatorValue = (key: string) => (key.endsWith('_URL') ? 'https://id.example.com/jwks.json' : 'x'.repeat(40));
    const filledIn = Object.fromEntries(
      Object.entries(compose.services[name]!.environment ?? {}).map(([key, value]) => [
        key,
        /^\$\{\w+:\?/.test(value) ? operatorValue(key) : value,
      ]),
    );
    expect(schema.safeParse(filledIn).error?.issues ?? []).toEqual([]);
  });

  it('gives each subgraph its own PostgreSQL and a streaming replica of it to read from', () => {
    const env = (name: string) => compose.services[name]!.environment!;
    expect(env('members')['MEMBERS_DATABASE_URL']).toContain('@members-db:5432/');
    expect(env('members')['MEMBERS_REPLICA_URLS']).toContain('@members-db-replica:5432/');
    expect(env('nickname-history')['NICKNAME_HISTORY_DATABASE_URL']).toContain('@nickname-history-db:5432/');
    expect(env('nickname-history')['NICKNAME_HISTORY_REPLICA_URLS']).toContain('@nickname-history-db-replica:5432/');
    for (const [replica, primary] of [
      ['members-db-replica', 'members-db'],
      ['nickname-history-db-replica', 'nickname-history-db'],
    ] as const) {
      expect(compose.services[replica]!.environment!['PRIMARY_HOST']).toBe(primary);
      expect(compose.services[replica]!.environment!['PGPASSWORD']).toBe(compose.services[primary]!.environment!['POSTGRES_PASSWORD']);
    }
  });

  it('runs 2 replicas of each service behind the balancer, which alone is published, and wires it to the ports services listen on', () => {
    const env = (name: string) => compose.services[name]!.environment!;
    const port = (name: string) => env(name)['PORT']!;
    for (const name of ['gateway', 'members', 'nickname-history']) {
      expect([name, compose.services[name]!.deploy?.replicas]).toEqual([name, 2]);
      expect([name, compose.services[name]!.ports]).toEqual([name, undefined]);
    }
    expect(env('gateway')['MEMBERS_URL']).toBe(`http://balancer:${port('members')}/graphql`);
    expect(env('gateway')['NICKNAME_HISTORY_URL']).toBe(`http://balancer:${port('nickname-history')}/graphql`);
    expect(env('members')['NICKNAME_HISTORY_EVENTS_URL']).toBe(`http://nickname-history:${port('nickname-history')}/internal/events`);
    expect(compose.services['balancer']!.ports).toEqual([`${port('gateway')}:${port('gateway')}`]);
    // Each frontend forwards to the replicas of the service on the port it listens on, checked on /readyz.
    const config = readRootFile('deploy/haproxy/haproxy.cfg');
    for (const name of ['gateway', 'members', 'nickname-history']) {
      expect(config).toContain(`bind :${port(name)}`);
      expect(config).toMatch(new RegExp(`server-template \\S+ \\d+ ${name}:${port(name)}\\n`));
    }
    expect(config.match(/option httpchk GET \/readyz/g)).toHaveLength(3);
  });
});

describe('docker-compose.yml as a production user reads it', () => {
  const postgres = Object.entries(compose.services).filter(([, service]) => service.image?.startsWith('postgres:'));

  it('restarts every service that stops', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, ['always', 'unless-stopped'].includes(service.restart ?? '')]).toEqual([name, true]);
    }
  });

  it('asks PostgreSQL over TCP, as its own user and database, whether it is ready', () => {
    // The entrypoint's first-run init server listens on the unix socket only: without -h,
    // pg_isready reports ready before the real server is up.
    expect(postgres.map(([name]) => name).sort()).toEqual([
      'members-db',
      'members-db-replica',
      'nickname-history-db',
      'nickname-history-db-replica',
    ]);
    for (const [name, service] of postgres) {
      const test = service.healthcheck?.test ?? [];
      const option = (flag: string) => (test.includes(flag) ? test[test.indexOf(flag) + 1] : undefined);
      expect([name, test.slice(0, 2)]).toEqual([name, ['CMD', 'pg_isready']]);
      expect([name, option('-h')]).toEqual([name, '127.0.0.1']);
      expect([name, option('-U')]).toEqual([name, service.environment?.['POSTGRES_USER'] ?? 'postgres']);
      expect([name, option('-d')]).toEqual([name, service.environment?.['POSTGRES_DB']]);
    }
  });

  it.each(services)('%s is healthy only once its own /readyz answers (node, no curl in the image), after a start period', (name) => {
    const { healthcheck, environment } = compose.services[name]!;
    const test = healthcheck!.test;
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(test[3]).toContain(`'http://127.0.0.1:${environment!['PORT']}/readyz'`);
    expect(seconds(healthcheck!.start_period!)).toBeGreaterThan(0);
    // The script gives up before Docker kills it, so a hung service counts as a failed check.
    const abortMs = Number(/AbortSignal\.timeout\((\d+)\)/.exec(test[3]!)?.[1]);
    expect(abortMs).toBeLessThan(seconds(healthcheck!.timeout!) * 1000);
  });

  describe('the /readyz check, run against a stand-in service', () => {
    let server: Server;
    let port: number;
    let respond: 'ready' | 'starting' | 'hang' = 'ready';
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url !== '/readyz' || respond === 'starting') res.writeHead(req.url === '/readyz' ? 503 : 404).end();
        else if (respond === 'ready') res.writeHead(200).end('ok');
        // 'hang': never answer
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const runCheck = async (name: string) => {
      const script = compose.services[name]!.healthcheck!.test[3]!.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`);
      return promisify(execFile)(process.execPath, ['-e', script], { timeout: 10_000 }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      );
    };

    it.each(services)('%s: exit 0 on 2xx, 1 on 503', async (name) => {
      respond = 'ready';
      expect(await runCheck(name)).toBe(0);
      respond = 'starting';
      expect(await runCheck(name)).toBe(1);
    });

    it('exits 1 when the service does not answer in time', async () => {
      respond = 'hang';
      expect(await runCheck('gateway')).toBe(1);
    });
  });

  it('starts each service only once what it needs is healthy', () => {
    const healthy = { condition: 'service_healthy' };
    expect(compose.services['gateway']!.depends_on).toEqual({ balancer: healthy, redis: healthy });
    expect(compose.services['balancer']!.depends_on).toEqual({ members: healthy, 'nickname-history': healthy });
    expect(compose.services['members']!.depends_on).toEqual({ 'members-db': healthy, rabbitmq: healthy, redis: healthy });
    expect(compose.services['nickname-history']!.depends_on).toEqual({ 'nickname-history-db': healthy, rabbitmq: healthy, redis: healthy });
    for (const [name, service] of Object.entries(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect([name, dependency, compose.services[dependency]?.healthcheck?.test.length]).toEqual([name, dependency, expect.any(Number)]);
      }
    }
  });

  it.each(services)('%s is built as an image of its own workspace, which runs it (dist/main.js)', (name, _schema, dir) => {
    const service = compose.services[name]!;
    const manifest = readPackage(dir);
    expect(service.build).toEqual({ context: '.', args: { WORKSPACE: manifest.name } });
    // The image's main.js links to <workspace>/dist/main.js, what the package itself starts.
    expect(service.command).toBeUndefined();
    expect(manifest.scripts?.['start']).toBe('node dist/main.js');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readRootFile('Dockerfile');
  // One instruction per entry: continuation lines joined, comments dropped.
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages = new Map<string, string[]>();
  for (const line of instructions) {
    if (line.startsWith('FROM ')) stages.set(/ AS (\S+)$/i.exec(line)?.[1] ?? `stage${stages.size}`, []);
    stages.get([...stages.keys()].at(-1)!)?.push(line);
  }
  const runtime = [...stages.values()].at(-1)!;
  const stage = (name: string) => {
    expect([name, stages.has(name)]).toEqual([name, true]);
    return stages.get(name)!;
  };

  it('prunes the monorepo to the one workspace each image is for, with the turbo the repo pins', () => {
    const prune = stage('prune').find((line) => / prune /.test(line))!;
    expect(prune).toMatch(/ prune "\$\{WORKSPACE\}" --docker --out-dir \/out$/);
    // turbo@<the root devDependency>, written out or read from package.json at build time.
    const version = /"?turbo@(.+?)"? prune /.exec(prune)?.[1];
    expect([readPackage('.').devDependencies!['turbo'], `$(node -p "require('./package.json').devDependencies.turbo")`]).toContain(version);
    expect(stage('build')).toContainEqual(expect.stringMatching(/^RUN npx turbo run build --filter="\$\{WORKSPACE\}"/));
    // CI=true would make composition only check the committed supergraph instead of writing it.
    expect(instructions.join('\n')).not.toMatch(/\bCI\b/);
  });

  it('installs dependencies from the manifests alone before any source is copied (a cached dependency layer)', () => {
    const installing = [...stages].filter(([, lines]) => lines.some((line) => line.startsWith('RUN npm ci')));
    expect(installing.map(([name]) => name).sort()).toEqual(['build', 'deps']);
    for (const [name, lines] of installing) {
      const manifests = lines.findIndex((line) => line === 'COPY --from=prune /out/json/ ./');
      const install = lines.findIndex((line) => line.startsWith('RUN npm ci'));
      const sourceCopies = lines.slice(0, install).filter((line) => line.startsWith('COPY') && !line.includes('/out/json/'));
      expect([name, manifests >= 0 && manifests < install, sourceCopies]).toEqual([name, true, []]);
    }
    const build = stage('build');
    expect(build.indexOf('COPY --from=prune /out/full/ ./')).toBeGreaterThan(build.findIndex((line) => line.startsWith('RUN npm ci')));
    expect(instructions.filter((line) => line === 'COPY . .')).toEqual(['COPY . .']); // the prune stage's only
    expect(stage('prune')).toContain('COPY . .');
  });

  it('runs as the unprivileged node user, owning its files, with production dependencies only', () => {
    expect(runtime[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/);
    expect(runtime).toContain('USER node');
    expect(runtime.indexOf('USER node')).toBeGreaterThan(
      runtime.findLastIndex((line) => line.startsWith('COPY') || line.startsWith('RUN')),
    );
    const copies = runtime.filter((line) => line.startsWith('COPY') || line.startsWith('ADD'));
    expect(copies).toEqual(['COPY --from=deps --chown=node:node /app/ ./', 'COPY --from=build --chown=node:node /app/ ./']);
    expect(runtime).toContain('RUN chown node:node /app');
    expect(runtime.join('\n')).toMatch(/^ENV .*\bNODE_ENV=production\b/m);
    // node_modules come from the production-only install; the build's own are removed.
    expect(stage('deps')).toContainEqual(expect.stringMatching(/^RUN npm ci --omit=dev\b/));
    expect(stage('build').at(-1)).toMatch(/find \. \\\( -name node_modules .* -prune -exec rm -rf \{\} \+$/);
  });

  it("starts the image's own service", () => {
    expect(runtime.at(-1)).toBe('CMD ["node", "main.js"]');
    expect(stage('build').at(-1)).toContain(
      'ln -s "$(realpath --relative-to=. "node_modules/${WORKSPACE}")/dist/main.js" main.js && test -f main.js',
    );
  });

  it('runs on a Node the root package.json allows', () => {
    const major = Number(/^ARG NODE_IMAGE=node:(\d+)[.-]/m.exec(dockerfile)?.[1]);
    const minimum = Number(/^>=\s*(\d+)/.exec(readPackage('.').engines!['node']!)?.[1]);
    expect(major).toBeGreaterThanOrEqual(minimum);
  });

  it('keeps installed and built output, local data and secrets out of the build context', () => {
    const ignored = readRootFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const pattern of ['**/node_modules', '**/dist', '**/.turbo', '**/generated', '.data', '.git', '**/.env', '**/.env.*']) {
      expect(ignored).toContain(pattern);
    }
  });
});
