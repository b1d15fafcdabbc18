import type { ApolloServerPlugin } from '@apollo/server';

/**
 * Makes an answer uncacheable (max-age 0, so `cache-control: no-store`) when `mayCache` says so
 * after execution: e.g. it was read from a replica that had not replayed a recent write to what it
 * holds. Runs before Apollo's cache-control plugin writes the header.
 */
export function fencedCachePolicy<TContext extends object>(
  mayCache: (context: TContext) => Promise<boolean>,
): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        executionDidStart: ({ contextValue, overallCachePolicy }) =>
          Promise.resolve({
            executionDidEnd: async () => {
              if (!(await mayCache(contextValue))) overallCachePolicy.restrict({ maxAge: 0 });
            },
          }),
      }),
  };
}
