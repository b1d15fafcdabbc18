import { GraphQLError } from 'graphql';

export type OperationLimitCode =
  | 'MAX_DEPTH_EXCEEDED'
  | 'MAX_ALIASES_EXCEEDED'
  | 'MAX_DIRECTIVES_EXCEEDED'
  | 'MAX_TOKENS_EXCEEDED'
  | 'MAX_ROOT_FIELDS_EXCEEDED'
  | 'COST_ESTIMATED_TOO_EXPENSIVE';

/** The operation asks for more than one request may: refused whole with HTTP 400, nothing fetched. */
export class OperationLimitError extends GraphQLError {
  constructor(
    readonly code: OperationLimitCode,
    message: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...extensions, http: { status: 400 } } });
  }
}

/**
 * Apollo Server files every validation error under GRAPHQL_VALIDATION_FAILED; a limit found by a
 * validation rule keeps its own code, so clients can tell "too deep" from "no such field".
 */
export function limitCodeOf(error: unknown): OperationLimitCode | null {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  return original instanceof OperationLimitError ? original.code : null;
}
