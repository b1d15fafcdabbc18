import { authConfig, envSchema, exposure } from '../src/env.js';

const SECRET = { GATEWAY_SECRET: 'x'.repeat(32) };
const ISSUER = { AUTH_ISSUER: 'https://id.example.com/', AUTH_AUDIENCE: 'members-api', AUTH_JWKS_URL: 'https://id.example.com/jwks.json' };

describe('gateway environment', () => {
  it('explores the schema in development and reveals nothing in production by default', () => {
    expect(exposure(envSchema.parse({ ...SECRET }))).toEqual({ graphiql: true, introspection: true, fieldSuggestions: true });
    expect(exposure(envSchema.parse({ ...SECRET, ...ISSUER, NODE_ENV: 'production' }))).toEqual({
      graphiql: false,
      introspection: false,
      fieldSuggestions: false,
    });
    expect(
      exposure(envSchema.parse({ ...SECRET, ...ISSUER, NODE_ENV: 'production', GRAPHIQL_ENABLED: 'true', INTROSPECTION_ENABLED: 'true' })),
    ).toEqual({
      graphiql: true,
      introspection: true,
      fieldSuggestions: false,
    });
    expect(exposure(envSchema.parse({ ...SECRET, GRAPHIQL_ENABLED: 'false' }))).toMatchObject({ graphiql: false, introspection: true });
    expect(exposure(envSchema.parse({ ...SECRET, INTROSPECTION_ENABLED: 'false' }))).toMatchObject({
      graphiql: false,
      introspection: false,
    });
    expect(exposure(envSchema.parse({ ...SECRET, ...ISSUER, NODE_ENV: 'production', FIELD_SUGGESTIONS_ENABLED: 'true' }))).toMatchObject({
      fieldSuggestions: true,
    });
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

  it('trusts a configured OIDC issuer, the development issuer only outside production, and refuses half a configuration', () => {
    const messages = (env: Record<string, string>) =>
      envSchema.safeParse({ ...SECRET, ...env }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(authConfig(envSchema.parse({ ...SECRET, ...ISSUER, NODE_ENV: 'production' }))).toEqual({
      kind: 'oidc',
      issuer: ISSUER.AUTH_ISSUER,
      audience: ISSUER.AUTH_AUDIENCE,
      jwksUrl: ISSUER.AUTH_JWKS_URL,
    });
    expect(authConfig(envSchema.parse({ ...SECRET }))).toEqual({ kind: 'development', keysDir: '.data/dev-issuer' });
    expect(messages({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^AUTH_ISSUER: required in production/),
      expect.stringMatching(/^AUTH_AUDIENCE: required in production/),
      expect.stringMatching(/^AUTH_JWKS_URL: required in production/),
    ]);
    expect(messages({ AUTH_ISSUER: ISSUER.AUTH_ISSUER })).toEqual([
      'AUTH_AUDIENCE: set AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL together',
      'AUTH_JWKS_URL: set AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL together',
    ]);
  });
});
