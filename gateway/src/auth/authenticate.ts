import type { Request, RequestHandler, Response } from 'express';
import type { Identity, Logger } from '@mp/service-kit';
import { sendGraphQLError } from '../graphql-error-response.js';
import { TokenRejectedError, type TokenVerifier } from './token-verifier.js';

// RFC 6750's b64token: what a bearer token may look like at all.
const BEARER = /^Bearer +([\w.~+/-]+=*)$/i;

const refuse = (req: Request, res: Response, description: string) => {
  res.setHeader('WWW-Authenticate', `Bearer error="invalid_token", error_description="${description}"`);
  sendGraphQLError(req, res, 401, `Invalid bearer token: ${description}. Send a valid token or none.`, 'UNAUTHENTICATED');
};

/**
 * No Authorization header: the request goes on anonymous. A header that is there but does not
 * prove a caller ends the request with 401 before anything is planned or fetched: a client with a
 * broken token must find out, not silently lose its rights.
 */
export function authenticate(verifier: TokenVerifier, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined) {
      res.locals['identity'] = null;
      next();
      return;
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
      refuse(req, res, 'the Authorization header must be "Bearer <token>"');
      return;
    }
    try {
      res.locals['identity'] = await verifier.verify(token);
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        logger.debug({ reason: error.reason }, 'refused a bearer token');
        refuse(req, res, 'the token is malformed, expired, or not signed by the trusted issuer for this API');
        return;
      }
      logger.error({ err: error }, "could not verify a bearer token: the issuer's keys are unreachable");
      sendGraphQLError(req, res, 503, 'Sign-in cannot be checked right now; try again shortly.', 'SERVICE_UNAVAILABLE');
      return;
    }
    next();
  };
}

/** The caller `authenticate` proved for this request (null: anonymous). */
export const identityOf = (res: Response): Identity | null => (res.locals['identity'] as Identity | null | undefined) ?? null;
