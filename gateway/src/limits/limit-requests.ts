import type { Request, RequestHandler } from 'express';
import { identityOf } from '../auth/authenticate.js';
import { sendGraphQLError } from '../graphql-error-response.js';
import { rateLimitMessage } from './rate-limit-errors.js';
import { callerKey, type RateLimits } from './rate-limits.js';

/** The client's address: the socket's, or the one a trusted proxy reports (`trust proxy`). */
export const clientAddressOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Charges every GraphQL request to its caller's budget before the body is even parsed. */
export function limitRequests(limits: RateLimits): RequestHandler {
  return async (req, res, next) => {
    const refusal = await limits.charge('requests', callerKey(identityOf(res), clientAddressOf(req)));
    if (refusal) {
      res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
      sendGraphQLError(req, res, 429, rateLimitMessage(refusal), 'RATE_LIMITED');
      return;
    }
    next();
  };
}
