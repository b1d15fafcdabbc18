import { envSchema } from '../src/env.js';

const required = { GATEWAY_SECRET: 'g'.repeat(32), EVENTS_SECRET: 'e'.repeat(32) };

describe('read replica settings', () => {
  it('reads a comma-separated list of replica URLs, none by default', () => {
    expect(envSchema.parse(required).MEMBERS_REPLICA_URLS).toEqual([]);
    const env = envSchema.parse({
      ...required,
      MEMBERS_DATABASE_URL: 'postgresql://app@primary:5432/members',
      MEMBERS_REPLICA_URLS: 'postgresql://app@replica-1:5432/members, postgresql://app@replica-2:5432/members',
    });
    expect(env.MEMBERS_REPLICA_URLS).toEqual(['postgresql://app@replica-1:5432/members', 'postgresql://app@replica-2:5432/members']);
    expect(env).toMatchObject({ REPLICA_MAX_LAG_MS: 1_000, REPLICA_CHECK_INTERVAL_MS: 100 });
  });

  it('refuses replicas of the embedded database, and URLs that are not PostgreSQL', () => {
    const embedded = envSchema.safeParse({ ...required, MEMBERS_REPLICA_URLS: 'postgresql://app@replica-1:5432/members' });
    expect(embedded.error?.issues).toEqual([
      expect.objectContaining({ path: ['MEMBERS_REPLICA_URLS'], message: expect.stringContaining('MEMBERS_DATABASE_URL') }),
    ]);
    const notPostgres = envSchema.safeParse({
      ...required,
      MEMBERS_DATABASE_URL: 'postgresql://app@primary:5432/members',
      MEMBERS_REPLICA_URLS: 'mysql://replica/members',
    });
    expect(notPostgres.error?.issues[0]?.path).toEqual(['MEMBERS_REPLICA_URLS', 0]);
  });
});

describe('outbox lease', () => {
  it('defaults to 15 s and must outlast two delivery timeouts', () => {
    expect(envSchema.parse(required).OUTBOX_LEASE_MS).toBe(15_000);
    const tooShort = envSchema.safeParse({ ...required, OUTBOX_LEASE_MS: '9000', EVENT_DELIVERY_TIMEOUT_MS: '5000' });
    expect(tooShort.error?.issues).toEqual([expect.objectContaining({ path: ['OUTBOX_LEASE_MS'] })]);
  });
});
