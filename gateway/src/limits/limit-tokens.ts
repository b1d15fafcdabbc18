import { Lexer, Source, TokenKind } from 'graphql';
import type { RequestHandler } from 'express';
import { sendGraphQLError } from '../graphql-error-response.js';

/** Whether `query` has more than `max` tokens; stops counting there, so a huge document costs little. */
export function exceedsTokens(query: string, max: number): boolean {
  const lexer = new Lexer(new Source(query));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF; count += 1) {
      if (count >= max) return true;
    }
  } catch {
    // Not lexable: the parser reports it as the syntax error it is.
  }
  return false;
}

const queryText = (value: unknown): string | null =>
  typeof value === 'object' && value !== null && 'query' in value && typeof value.query === 'string' ? value.query : null;

/** Refuses documents of more than `max` tokens before they are parsed or validated. */
export function limitTokens(max: number): RequestHandler {
  return (req, res, next) => {
    const query = queryText(req.method === 'GET' ? req.query : req.body);
    if (query !== null && exceedsTokens(query, max)) {
      sendGraphQLError(req, res, 400, `Token limit of ${max} exceeded: send a smaller document.`, 'MAX_TOKENS_EXCEEDED');
      return;
    }
    next();
  };
}
