import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Identity } from '@mp/service-kit';

/** `points` per `seconds`, per caller. */
export interface Budget {
  points: number;
  seconds: number;
}

export interface RateLimitOptions {
  /** Every GraphQL request. */
  requests: Budget;
  /** Each root mutation field (not each request: one request may alias a mutation many times). */
  mutations: Budget;
  /** Each `createMember` field; strict, because sign-up answers whether an email is registered. */
  signUps: Budget;
  /** Root fields one mutation operation may have at all. */
  maxMutationFields: number;
}

export type BudgetName = 'requests' | 'mutations' | 'signUps';

/** Refused: the caller may try again after `retryAfterSeconds`. */
export interface Refusal {
  budget: BudgetName;
  retryAfterSeconds: number;
}

export interface RateLimits {
  readonly options: RateLimitOptions;
  /** Takes `points` from the caller's budget; a refusal takes nothing more. */
  charge(budget: BudgetName, callerKey: string, points?: number): Promise<Refusal | null>;
}

/** Signed-in callers are counted by account wherever they come from; anonymous ones by address. */
export const callerKey = (identity: Identity | null, clientAddress: string): string =>
  identity ? `sub:${identity.subject}` : `ip:${clientAddress}`;

function limiter(budget: Budget, name: BudgetName, redis: Redis | null, keyPrefix: string): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points: budget.points, duration: budget.seconds, keyPrefix: `${keyPrefix}:${name}` });
  if (!redis) return memory;
  // Shared by every gateway replica; while Redis cannot answer, each replica counts on its own
  // (the insurance limiter) instead of failing requests or letting everything through.
  return new RateLimiterRedis({
    storeClient: redis,
    points: budget.points,
    duration: budget.seconds,
    keyPrefix: `${keyPrefix}:${name}`,
    insuranceLimiter: memory,
    rejectIfRedisNotReady: true,
  });
}

/** Fixed-window budgets per caller, in Redis when given (shared across replicas), else in process. */
export function createRateLimits(options: RateLimitOptions, redis: Redis | null, keyPrefix: string): RateLimits {
  const limiters: Record<BudgetName, RateLimiterAbstract> = {
    requests: limiter(options.requests, 'requests', redis, keyPrefix),
    mutations: limiter(options.mutations, 'mutations', redis, keyPrefix),
    signUps: limiter(options.signUps, 'signUps', redis, keyPrefix),
  };
  return {
    options,
    async charge(budget, key, points = 1) {
      try {
        await limiters[budget].consume(key, points);
        return null;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { budget, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
    },
  };
}
