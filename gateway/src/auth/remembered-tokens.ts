import { decodeJwt } from 'jose';
import type { Identity } from '@mp/service-kit';
import type { TokenVerifier } from './token-verifier.js';

export interface RememberedTokensOptions {
  /** Tokens remembered at once; the oldest is forgotten beyond it. */
  maxEntries: number;
  /** How long a verified token is believed without checking it again (never past its `exp`). */
  maxAgeMs: number;
}

export const REMEMBERED_TOKENS: RememberedTokensOptions = { maxEntries: 10_000, maxAgeMs: 60_000 };

/**
 * A client sends the same bearer token with every request until it expires, and checking its
 * signature (ECDSA, RSA) is the costliest step of a request the gateway takes itself. A token that
 * verified is remembered for a minute at most, never past its own expiry; a rejected one is not
 * remembered, so it is checked (and refused) every time. A key the issuer withdraws stops being
 * believed within `maxAgeMs`.
 */
export function rememberVerifiedTokens(inner: TokenVerifier, options: RememberedTokensOptions = REMEMBERED_TOKENS): TokenVerifier {
  const remembered = new Map<string, { identity: Identity; until: number }>();
  return {
    async verify(token) {
      const now = Date.now();
      const known = remembered.get(token);
      if (known && known.until > now) return known.identity;
      if (known) remembered.delete(token);
      const identity = await inner.verify(token);
      const { exp } = decodeJwt(token);
      remembered.set(token, { identity, until: Math.min(now + options.maxAgeMs, (exp ?? 0) * 1000) });
      if (remembered.size > options.maxEntries) remembered.delete(remembered.keys().next().value as string);
      return identity;
    },
  };
}
