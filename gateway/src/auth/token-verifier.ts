import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { scopesOf, type Identity } from '@mp/service-kit';

/** Turns a bearer token into the caller it proves, or throws. */
export interface TokenVerifier {
  verify(token: string): Promise<Identity>;
}

/** The token is not acceptable: the client's problem (HTTP 401). */
export class TokenRejectedError extends Error {
  constructor(readonly reason: string) {
    super(`token rejected: ${reason}`);
  }
}

/** Which issuer's tokens, meant for which audience. */
export interface TokenTrust {
  issuer: string;
  audience: string;
}

/**
 * Asymmetric algorithms only: a symmetric one would let anyone holding the public key (which is
 * public) mint tokens, and `none` would let anyone at all.
 */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
/** Clock skew tolerated on `exp` and `nbf`. */
export const CLOCK_TOLERANCE_SECONDS = 60;

/** An issuer's keys are cached this long; rotation within it is found through an unknown `kid`. */
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
/** At most one refetch per this interval, however many tokens name unknown keys. */
export const JWKS_REFETCH_COOLDOWN_MS = 30_000;
const JWKS_FETCH_TIMEOUT_MS = 5_000;

// A failure to reach the issuer's keys says nothing about the token: not a 401.
const UNAVAILABLE_CODES = new Set(['ERR_JWKS_TIMEOUT']);

/** Verifies tokens against the keys `getKey` selects by the token's header. */
export function jwksVerifier(getKey: JWTVerifyGetKey, trust: TokenTrust): TokenVerifier {
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer: trust.issuer,
          audience: trust.audience,
          algorithms: ACCEPTED_ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['sub', 'exp'],
        });
        return { subject: payload.sub!, scopes: scopesOf(payload['scope']) };
      } catch (error) {
        if (error instanceof errors.JOSEError && !UNAVAILABLE_CODES.has(error.code)) throw new TokenRejectedError(error.code);
        throw error;
      }
    },
  };
}

/** An OpenID Connect issuer's published keys (`jwks_uri`), cached and refetched for unknown key ids. */
export const remoteJwksVerifier = (
  jwksUrl: string,
  trust: TokenTrust,
  refetchCooldownMs: number = JWKS_REFETCH_COOLDOWN_MS,
): TokenVerifier =>
  jwksVerifier(
    createRemoteJWKSet(new URL(jwksUrl), {
      cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
      cooldownDuration: refetchCooldownMs,
      timeoutDuration: JWKS_FETCH_TIMEOUT_MS,
    }),
    trust,
  );

/** Keys held in memory: the development issuer and tests. */
export const localJwksVerifier = (keys: JSONWebKeySet, trust: TokenTrust): TokenVerifier => jwksVerifier(createLocalJWKSet(keys), trust);
