import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';
import { membersEnvSchema } from '@mp/members';
import { historyEnvSchema } from '@mp/nickname-history';
import { envSchema as gatewayEnvSchema } from '../src/env.js';

// docker compose cannot run here; this keeps the file honest about what the code reads.
interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[]; start_period?: string };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  expose?: string[];
}
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

const services: [string, z.ZodObject<z.ZodRawShape>, string][] = [
  ['members', membersEnvSchema, 'subgraphs/members/dist/main.js'],
  ['nickname-history', historyEnvSchema, 'subgraphs/nickname-history/dist/main.js'],
  ['gateway', gatewayEnvSchema, 'gateway/dist/main.js'],
];

describe('docker-compose.yml', () => {
  it.each(services)('%s sets only variables its env.ts reads, including every required one', (name, schema, entry) => {
    const service = compose.services[name]!;
    const environment = service.environment ?? {};
    const known = Object.keys(schema.shape);
    expect(Object.keys(environment).filter((key) => !known.includes(key))).toEqual([]);
    const isOptional = (key: string) => (schema.shape[key] as z.ZodType).safeParse(undefined).success;
    const required = known.filter((key) => !isOptional(key));
    expect(required.filter((key) => !(key in environment))).toEqual([]);
    expect(service.command).toEqual(['node', entry]);
    // Secrets come from the operator, never from the file.
    for (const key of ['GATEWAY_SECRET', 'EVENTS_SECRET']) {
      if (key in environment) expect(environment[key]).toMatch(/^\$\{\w+:\?/);
    }
  });

  it('gives each subgraph its own PostgreSQL and wires URLs to the ports services listen on', () => {
    const env = (name: string) => compose.services[name]!.environment!;
    expect(env('members')['MEMBERS_DATABASE_URL']).toContain('@members-db:5432/');
    expect(env('nickname-history')['NICKNAME_HISTORY_DATABASE_URL']).toContain('@nickname-history-db:5432/');
    expect(env('gateway')['MEMBERS_URL']).toBe(`http://members:${env('members')['PORT']}/graphql`);
    expect(env('gateway')['NICKNAME_HISTORY_URL']).toBe(`http://nickname-history:${env('nickname-history')['PORT']}/graphql`);
    expect(env('members')['NICKNAME_HISTORY_EVENTS_URL']).toBe(
      `http://nickname-history:${env('nickname-history')['PORT']}/internal/events`,
    );
    expect(compose.services['gateway']!.ports).toEqual([`${env('gateway')['PORT']}:${env('gateway')['PORT']}`]);
    expect(compose.services['members']!.ports).toBeUndefined();
    expect(compose.services['nickname-history']!.ports).toBeUndefined();
  });
});

describe('docker-compose.yml as a production user reads it', () => {
  const appServices: [string, string][] = [
    ['members', '@mp/members'],
    ['nickname-history', '@mp/nickname-history'],
    ['gateway', '@mp/gateway'],
  ];

  it('restarts every service that stops', () => {
    for (const [name, service] of Object.entries(compose.services)) expect([name, service.restart]).toEqual([name, 'unless-stopped']);
  });

  it('asks PostgreSQL over TCP whether it is ready (the first-run init server listens on the socket only)', () => {
    for (const name of ['members-db', 'nickname-history-db']) {
      const test = compose.services[name]!.healthcheck!.test;
      expect(test.slice(0, 2)).toEqual(['CMD', 'pg_isready']);
      expect(test[test.indexOf('-h') + 1]).toBe('127.0.0.1');
    }
  });

  it.each(appServices)('%s is healthy only when its own /readyz answers, and is built as its own image', (name, workspace) => {
    const service = compose.services[name]!;
    const port = service.environment!['PORT']!;
    expect(service.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${port}/readyz`);
    expect(service.healthcheck!.start_period).toBeDefined();
    expect(service.build).toEqual({ context: '.', args: { WORKSPACE: workspace } });
  });

  it('starts each service only once what it needs is healthy', () => {
    const healthy = { condition: 'service_healthy' };
    expect(compose.services['gateway']!.depends_on).toEqual({ members: healthy, 'nickname-history': healthy });
    expect(compose.services['members']!.depends_on).toEqual({ 'members-db': healthy, rabbitmq: healthy });
    expect(compose.services['nickname-history']!.depends_on).toEqual({ 'nickname-history-db': healthy, rabbitmq: healthy });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(fileURLToPath(new URL('../../Dockerfile', import.meta.url)), 'utf8');
  const instructions = dockerfile
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => line.trim());
  const stages = instructions.reduce<string[][]>((all, line) => {
    if (line.startsWith('FROM ')) all.push([]);
    all.at(-1)?.push(line);
    return all;
  }, []);
  const runtime = stages.at(-1)!;

  it('prunes the monorepo to the one workspace each image is for', () => {
    expect(instructions).toContainEqual(expect.stringMatching(/turbo@[\d.]+ prune "\$\{WORKSPACE\}" --docker/));
    expect(instructions).toContainEqual(expect.stringMatching(/turbo run build --filter="\$\{WORKSPACE\}"/));
  });

  it('installs dependencies from the manifests alone before copying sources (a cached dependency layer)', () => {
    const build = stages.find((stage) => stage.some((line) => line.startsWith('RUN npm ci')))!;
    const manifests = build.findIndex((line) => line.startsWith('COPY --from=prune /out/json/'));
    const install = build.findIndex((line) => line.startsWith('RUN npm ci'));
    const sources = build.findIndex((line) => line.startsWith('COPY --from=prune /out/full/'));
    expect(manifests).toBeGreaterThanOrEqual(0);
    expect(manifests).toBeLessThan(install);
    expect(install).toBeLessThan(sources);
    expect(build.some((line) => line === 'COPY . .')).toBe(false);
  });

  it('runs as the unprivileged node user, owning its files, without development dependencies', () => {
    expect(runtime).toContain('USER node');
    const copies = runtime.filter((line) => line.startsWith('COPY'));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy).toContain('--chown=node:node');
    expect(runtime.join('\n')).toMatch(/NODE_ENV=production/);
    expect(instructions).toContainEqual(expect.stringMatching(/npm prune --omit=dev/));
  });
});
