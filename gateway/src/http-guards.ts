import type { ErrorRequestHandler, RequestHandler } from 'express';
import { INVALID_UTF8, isBodyParserClientError, type Logger } from '@mp/service-kit';
import { sendGraphQLError } from './graphql-error-response.js';

/**
 * POST bodies must be JSON. GraphQL over HTTP answers any other media type with 415; without
 * this, Apollo would call a text/plain body a CSRF attempt and a form body a missing query.
 */
export const requireJsonPost: RequestHandler = (req, res, next) => {
  if (req.method === 'POST' && !req.is('application/json')) {
    sendGraphQLError(
      req,
      res,
      415,
      `Unsupported Media Type: POST a JSON body with "content-type: application/json" (got ${req.headers['content-type'] ? `"${req.headers['content-type']}"` : 'no content-type'})`,
      'BAD_REQUEST',
    );
    return;
  }
  next();
};

const BODY_ERROR_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'Malformed JSON body: the request body is not valid JSON',
  [INVALID_UTF8]: 'Malformed body: the request body is not valid UTF-8',
  'entity.too.large': 'Request body too large',
  'charset.unsupported': 'Unsupported charset: send the JSON body as UTF-8',
  'encoding.unsupported': 'Unsupported content-encoding',
  'request.aborted': 'Request aborted by the client',
};

/**
 * Errors the JSON body parser raises become GraphQL-shaped 4xx answers, never Express's HTML page;
 * anything else is a bug: logged in full, answered with a bare 500.
 */
export function graphqlHttpErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (isBodyParserClientError(error)) {
      sendGraphQLError(req, res, error.status, BODY_ERROR_MESSAGES[error.type] ?? 'Bad request body', 'BAD_REQUEST');
      return;
    }
    logger.error({ err: error }, 'unexpected error handling a GraphQL HTTP request');
    sendGraphQLError(req, res, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
  };
}
