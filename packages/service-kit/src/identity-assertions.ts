import { signIdentity, type Identity } from './identity.js';

/** Signed assertions kept per caller; the oldest is dropped beyond it. */
const MAX_CALLERS = 10_000;
/** An assertion is reused while it has at least this long left of its minute. */
const REUSE_FOR_MS = 30_000;

/**
 * The gateway's signed assertion of a caller, signed once per caller per half minute instead of
 * once per request: the same caller (subject and scopes) gets the same assertion, which still
 * has at least 30 s to live when it is sent.
 */
export function identityAssertions(secret: string): (identity: Identity) => Promise<string> {
  const signed = new Map<string, { assertion: Promise<string>; until: number }>();
  return (identity) => {
    const key = `${identity.subject}\u0000${identity.scopes.join(' ')}`;
    const now = Date.now();
    const known = signed.get(key);
    if (known && known.until > now) return known.assertion;
    const assertion = signIdentity(identity, secret);
    signed.delete(key);
    signed.set(key, { assertion, until: now + REUSE_FOR_MS });
    if (signed.size > MAX_CALLERS) signed.delete(signed.keys().next().value as string);
    // A failed signing is not kept.
    void assertion.catch(() => {
      if (signed.get(key)?.assertion === assertion) signed.delete(key);
    });
    return assertion;
  };
}
