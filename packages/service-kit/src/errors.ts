import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from './logger.js';
import { isScalarShapeError } from './scalars.js';

/** A client mistake the schema cannot express, e.g. `first` out of range or a foreign cursor. */
export class BadUserInputError extends GraphQLError {
  constructor(message: string, argumentName?: string) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', ...(argumentName ? { argumentName } : {}) } });
  }
}

/** Codes whose messages are written for clients; anything else is masked. */
const CLIENT_SAFE_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'SERVICE_UNAVAILABLE',
]);

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/**
 * Apollo `formatError`: client-safe errors pass through; everything else is logged in full and
 * reaches the client as a bare INTERNAL_SERVER_ERROR (no SQL, stack or driver text).
 */
export function createErrorMasker(logger: Logger) {
  return (original: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // A literal a custom scalar refused fails validation, but it is bad input like a variable
    // of the wrong shape, and gets the same code.
    const formatted = isScalarShapeError(error)
      ? { ...original, extensions: { ...original.extensions, code: 'BAD_USER_INPUT' } }
      : original;
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && CLIENT_SAFE_CODES.has(code)) {
      // Stack traces are for operators (logs), never for clients.
      const extensions = { ...formatted.extensions };
      delete extensions['stacktrace'];
      return { ...formatted, extensions };
    }
    logger.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error in GraphQL operation');
    return {
      message: INTERNAL_ERROR_MESSAGE,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
