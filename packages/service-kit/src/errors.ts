import { GraphQLError, Kind } from 'graphql';
import type { ASTNode, GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { SpanStatusCode, trace } from '@opentelemetry/api';
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
  'RATE_LIMITED',
  'TOO_MANY_MUTATION_FIELDS',
  'MAX_DEPTH_EXCEEDED',
  'MAX_ALIASES_EXCEEDED',
  'MAX_DIRECTIVES_EXCEEDED',
  'MAX_TOKENS_EXCEEDED',
  'MAX_ROOT_FIELDS_EXCEEDED',
  'COST_ESTIMATED_TOO_EXPENSIVE',
  'REQUEST_DEADLINE_EXCEEDED',
  'RESPONSE_TOO_LARGE',
]);

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';
export const DATABASE_BUSY_MESSAGE = 'The service is busy: try again shortly.';

/** A query the database pool's bounded queue refused (`DATABASE_BUSY`, as Prisma passes the pool's error code on). */
export function isDatabaseBusy(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth += 1) {
    if ('code' in current && current.code === 'DATABASE_BUSY') return true;
    current = current instanceof GraphQLError ? current.originalError : 'cause' in current ? current.cause : undefined;
  }
  return false;
}

/** Where graphql-js's "Values of Correct Type" rule reports a literal it cannot coerce. */
const LITERAL_KINDS: ReadonlySet<Kind> = new Set([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
  Kind.OBJECT_FIELD,
]);

/**
 * A literal that cannot be coerced to its type fails validation (GRAPHQL_VALIDATION_FAILED), where
 * the same value sent as a variable is BAD_USER_INPUT. Both are bad input and get the same code:
 * a custom scalar refusing a literal's shape says so with its own error class, and every other
 * such failure (`first: 99999999999`, an unknown enum value, a missing input field) is the one
 * validation error located at literal values only. Validation errors about the document itself
 * (unknown fields, arguments, variables) point at fields, arguments or variables and keep their code.
 */
function isUncoercibleLiteral(error: unknown): boolean {
  if (isScalarShapeError(error)) return true;
  if (!(error instanceof GraphQLError) || error.extensions['code'] !== 'GRAPHQL_VALIDATION_FAILED') return false;
  const nodes: readonly ASTNode[] = error.nodes ?? [];
  return nodes.length > 0 && nodes.every((node) => LITERAL_KINDS.has(node.kind));
}

/**
 * Apollo `formatError`: client-safe errors pass through; everything else is logged in full and
 * reaches the client as a bare INTERNAL_SERVER_ERROR (no SQL, stack or driver text).
 */
export function createErrorMasker(logger: Logger) {
  return (original: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const formatted = isUncoercibleLiteral(error)
      ? { ...original, extensions: { ...original.extensions, code: 'BAD_USER_INPUT' } }
      : original;
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && CLIENT_SAFE_CODES.has(code)) {
      // Stack traces are for operators (logs), never for clients.
      const extensions = { ...formatted.extensions };
      delete extensions['stacktrace'];
      return { ...formatted, extensions };
    }
    const unwrapped = unwrapResolverError(error);
    if (isDatabaseBusy(unwrapped)) {
      logger.warn({ err: unwrapped, path: formatted.path }, 'refused: the database connection pool is full');
      return {
        message: DATABASE_BUSY_MESSAGE,
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      };
    }
    logger.error({ err: unwrapped, path: formatted.path }, 'unexpected error in GraphQL operation');
    // The request's span fails with it, so the trace is kept whatever the sampling.
    const span = trace.getActiveSpan();
    span?.recordException(unwrapped instanceof Error ? unwrapped : String(unwrapped));
    span?.setStatus({ code: SpanStatusCode.ERROR, message: 'unexpected error in GraphQL operation' });
    return {
      message: INTERNAL_ERROR_MESSAGE,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
