import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time comparison; hashing first makes lengths equal and hides the secret's length. */
export function secretMatches(presented: string | undefined, secret: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(secret));
}

/**
 * Rejects any request that does not carry the shared secret in `header`: the network is assumed
 * hostile, so a subgraph answers only its gateway and an internal endpoint only its producer.
 */
export function requireSharedSecret(header: string, secret: string): RequestHandler {
  const name = header.toLowerCase();
  return (req, res, next) => {
    const presented = req.headers[name];
    if (typeof presented === 'string' && secretMatches(presented, secret)) {
      next();
      return;
    }
    res.status(401).json({ errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] });
  };
}

export const GATEWAY_SECRET_HEADER = 'x-gateway-secret';
export const EVENTS_SECRET_HEADER = 'x-events-secret';
