import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

/**
 * The page loads nothing but itself and talks only to this gateway. Monaco sets inline styles and
 * starts its workers from same-origin scripts (blob: on some browsers), so those are allowed; no
 * inline or remote script is.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  next();
};

/** Serves the GraphiQL build from @mp/graphiql; mount it at /graphiql. */
export function graphiqlRoute(assetsDir: string): Router {
  if (!existsSync(join(assetsDir, 'index.html'))) {
    throw new Error(`GraphiQL is enabled but its build is missing (${assetsDir}): run the build, or set GRAPHIQL_ENABLED=false`);
  }
  const router = express.Router();
  router.use(securityHeaders, express.static(assetsDir));
  return router;
}
