import { GraphQLError } from 'graphql';
import { HeaderMap } from '@apollo/server';
import type { Refusal } from './rate-limits.js';

const WHAT: Record<Refusal['budget'], string> = {
  requests: 'requests',
  mutations: 'changes',
  signUps: 'sign-ups',
};

export const rateLimitMessage = (refusal: Refusal) => `Too many ${WHAT[refusal.budget]}: try again in ${refusal.retryAfterSeconds} s.`;

/** HTTP 429 with Retry-After, from inside Apollo's request pipeline. */
export class RateLimitedError extends GraphQLError {
  constructor(refusal: Refusal) {
    super(rateLimitMessage(refusal), {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfterSeconds: refusal.retryAfterSeconds,
        http: { status: 429, headers: new HeaderMap([['retry-after', String(refusal.retryAfterSeconds)]]) },
      },
    });
  }
}

/** A mutation operation with more root fields than one request may carry. */
export class TooManyMutationFieldsError extends GraphQLError {
  constructor(count: number, max: number) {
    super(`This operation has ${count} mutation fields; at most ${max} are allowed per request.`, {
      extensions: { code: 'TOO_MANY_MUTATION_FIELDS', count, max, http: { status: 400 } },
    });
  }
}
