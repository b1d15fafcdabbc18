import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { membersEnvSchema } from '@mp/members';
import { historyEnvSchema } from '@mp/nickname-history';
import { envSchema as gatewayEnvSchema } from '../src/env.js';

// docker compose cannot run here; this keeps the file honest about what the code reads.
interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
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
    expect(env('members')['NICKNAME_HISTORY_EVENTS_URL']).toBe(`http://nickname-history:${env('nickname-history')['PORT']}/internal/events`);
    expect(compose.services['gateway']!.ports).toEqual([`${env('gateway')['PORT']}:${env('gateway')['PORT']}`]);
    expect(compose.services['members']!.ports).toBeUndefined();
    expect(compose.services['nickname-history']!.ports).toBeUndefined();
  });
});
