import { createRateLimits, type RateLimits } from '../../src/limits/rate-limits.js';

/** Budgets no test reaches unless it is about them; production's per-operation field cap. */
export const generousRateLimits = (): RateLimits => {
  const plenty = { points: 1_000_000, seconds: 60 };
  return createRateLimits({ requests: plenty, mutations: plenty, signUps: plenty, maxMutationFields: 5 }, null, 'test');
};
