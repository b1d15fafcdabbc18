import { Router } from 'express';

export type ReadinessCheck = () => Promise<Record<string, unknown>>;

/** `/healthz`: the process is alive. `/readyz`: its dependencies answer; 503 otherwise. */
export function healthRoutes(ready: ReadinessCheck): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    ready().then(
      (details) => res.json({ status: 'ready', ...details }),
      (err: unknown) => res.status(503).json({ status: 'unavailable', reason: err instanceof Error ? err.message : 'unknown' }),
    );
  });
  return router;
}
