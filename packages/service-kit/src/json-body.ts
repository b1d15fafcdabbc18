import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';

/** body-parser's error `type` for a body whose bytes are not UTF-8. */
export const INVALID_UTF8 = 'encoding.invalid';

/**
 * express.json that refuses a body whose bytes are not UTF-8 (400), where express.json alone
 * would decode them into U+FFFD and store text the client never sent.
 */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    verify: (_req, _res, body) => {
      if (!isUtf8(body)) throw Object.assign(new Error('request body is not valid UTF-8'), { status: 400, type: INVALID_UTF8 });
    },
  });
}

interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

/** Errors the JSON body parser raises for a bad request (4xx): the client's mistake, not ours. */
export const isBodyParserClientError = (error: unknown): error is BodyParserError => {
  if (typeof error !== 'object' || error === null) return false;
  const { type, status } = error as Partial<BodyParserError>;
  return error instanceof Error && typeof type === 'string' && typeof status === 'number' && status >= 400 && status < 500;
};
