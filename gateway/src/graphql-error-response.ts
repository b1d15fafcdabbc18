import type { Request, Response } from 'express';
import { observationOf } from './observability/request-observation.js';

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/**
 * Answers with a GraphQL-shaped error body for requests rejected before Apollo sees them, in the
 * media type the client asked for, negotiated as Apollo does (no Accept header or a tie means
 * application/json, the legacy type every client understands).
 */
export function sendGraphQLError(req: Request, res: Response, status: number, message: string, code: string): void {
  observationOf(res).errorCodes.push(code);
  const type = req.headers.accept ? req.accepts(['application/json', GRAPHQL_RESPONSE_JSON]) || 'application/json' : 'application/json';
  res
    .status(status)
    .type(`${type}; charset=utf-8`)
    .send(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
