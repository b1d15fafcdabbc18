import type { ApolloServerPlugin } from '@apollo/server';

// graphql-js appends e.g. ` Did you mean "nickname"?` to unknown-field and unknown-argument errors.
const SUGGESTION = / ?Did you mean .+\?$/;

/**
 * Drops graphql-js's "Did you mean" hints from validation errors: with introspection off they
 * would still let a stranger map the schema one guess at a time.
 */
export const hideFieldSuggestions = (): ApolloServerPlugin => ({
  requestDidStart: () =>
    Promise.resolve({
      didEncounterErrors: ({ errors }) => {
        for (const error of errors) error.message = error.message.replace(SUGGESTION, '');
        return Promise.resolve();
      },
    }),
});
