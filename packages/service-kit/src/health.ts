import { Router } from 'express';

export type ReadinessCheck = () => Promise<Record<string, unknown>>;

/**
 * A server that has begun to drain answers `/readyz` with 503 while it finishes what it holds, so
 * a load balancer stops sending it work before it closes its port.
 */
export class DrainSwitch {
  private began = false;
  get draining(): boolean {
    return this.began;
  }
  begin(): void {
    this.began = true;
  }
}

/** `/healthz`: the process is alive. `/readyz`: its dependencies answer; 503 otherwise. */
export function healthRoutes(ready: ReadinessCheck, drain: DrainSwitch = new DrainSwitch()): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    if (drain.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    ready().then(
      (details) => res.json({ status: 'ready', ...details }),
      (err: unknown) => res.status(503).json({ status: 'unavailable', reason: err instanceof Error ? err.message : 'unknown' }),
    );
  });
  return router;
}
