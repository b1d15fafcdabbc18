import { envSchema, exposure } from '../src/env.js';

const SECRET = { GATEWAY_SECRET: 'x'.repeat(32) };

describe('gateway environment', () => {
  it('explores the schema in development and reveals nothing in production by default', () => {
    expect(exposure(envSchema.parse({ ...SECRET }))).toEqual({ graphiql: true, introspection: true });
    expect(exposure(envSchema.parse({ ...SECRET, NODE_ENV: 'production' }))).toEqual({ graphiql: false, introspection: false });
    expect(
      exposure(envSchema.parse({ ...SECRET, NODE_ENV: 'production', GRAPHIQL_ENABLED: 'true', INTROSPECTION_ENABLED: 'true' })),
    ).toEqual({
      graphiql: true,
      introspection: true,
    });
    expect(exposure(envSchema.parse({ ...SECRET, GRAPHIQL_ENABLED: 'false' }))).toEqual({ graphiql: false, introspection: true });
    expect(exposure(envSchema.parse({ ...SECRET, INTROSPECTION_ENABLED: 'false' }))).toEqual({ graphiql: false, introspection: false });
  });

  it('refuses GraphiQL without introspection, and trusted documents without a manifest', () => {
    const messages = (env: Record<string, string>) =>
      envSchema.safeParse({ ...SECRET, ...env }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages({ INTROSPECTION_ENABLED: 'false', GRAPHIQL_ENABLED: 'true' })).toEqual([
      expect.stringMatching(/^GRAPHIQL_ENABLED: GraphiQL needs INTROSPECTION_ENABLED/),
    ]);
    expect(messages({ TRUSTED_DOCUMENTS_ONLY: 'true' })).toEqual([
      'PERSISTED_DOCUMENTS_MANIFEST: required when TRUSTED_DOCUMENTS_ONLY is on',
    ]);
    expect(messages({ GRAPHIQL_ENABLED: 'maybe' })).toHaveLength(1);
  });
});
