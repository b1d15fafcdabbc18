// A verified bearer token is believed again without its signature being checked, within a bound.
import type { TokenVerifier } from '../src/auth/token-verifier.js';
import { rememberVerifiedTokens } from '../src/auth/remembered-tokens.js';
import { TestIssuer } from './support/issuer.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await TestIssuer.create();
});

/** The issuer's real verifier, counting the signatures it checks. */
function counting(): { verifier: TokenVerifier; checks: () => number } {
  const inner = issuer.verifier();
  let checks = 0;
  return {
    verifier: {
      verify: (token) => {
        checks += 1;
        return inner.verify(token);
      },
    },
    checks: () => checks,
  };
}

it('checks a token once, then believes it for the same caller', async () => {
  const { verifier, checks } = counting();
  const remembered = rememberVerifiedTokens(verifier);
  const token = await issuer.token('alice', 'members:read');
  for (let i = 0; i < 5; i += 1) await expect(remembered.verify(token)).resolves.toEqual({ subject: 'alice', scopes: ['members:read'] });
  expect(checks()).toBe(1);
});

it('checks a rejected token every time, and never past a remembered token’s age or expiry', async () => {
  const { verifier, checks } = counting();
  const remembered = rememberVerifiedTokens(verifier, { maxEntries: 10, maxAgeMs: 0 });
  const token = await issuer.token('bob');
  await remembered.verify(token);
  await remembered.verify(token);
  expect(checks()).toBe(2);

  const expired = await issuer.token('carol', undefined, { exp: Math.floor(Date.now() / 1000) - 3600 });
  const rejecting = counting();
  const strict = rememberVerifiedTokens(rejecting.verifier);
  await expect(strict.verify(expired)).rejects.toThrow('token rejected');
  await expect(strict.verify(expired)).rejects.toThrow('token rejected');
  expect(rejecting.checks()).toBe(2);
});

it('remembers a bounded number of tokens', async () => {
  const { verifier, checks } = counting();
  const remembered = rememberVerifiedTokens(verifier, { maxEntries: 2, maxAgeMs: 60_000 });
  const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((subject) => issuer.token(subject)));
  for (const token of [a!, b!, c!, a!]) await remembered.verify(token);
  // a was forgotten when c came in, so it is checked again.
  expect(checks()).toBe(4);
});
