import { trace } from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';

/** Names the operation on the request's server span (OpenTelemetry's GraphQL attributes). */
export const graphqlSpanAttributes = <TContext extends object>(): ApolloServerPlugin<TContext> => ({
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation: ({ operation, operationName }) => {
        const span = trace.getActiveSpan();
        if (operation) span?.setAttribute('graphql.operation.type', operation.operation);
        if (operationName) span?.setAttribute('graphql.operation.name', operationName);
        return Promise.resolve();
      },
    }),
});
