import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger.js';

/** How a server leaves a load balancer's rotation before it closes. */
export interface DrainBeforeStop {
  /** Turns `/readyz` to 503. */
  begin: () => void;
  /** After SIGTERM, how long to keep serving with `/readyz` at 503 so the balancer notices first. */
  delayMs: number;
}

/**
 * SIGINT/SIGTERM run `stop` once so Ctrl-C closes servers and databases cleanly; a second signal
 * while stopping forces the exit. The listeners stay registered until then, so a loader's own
 * default handler (which exits as soon as no listener is left) cannot cut the shutdown short.
 * A process started by a supervisor with an IPC channel (`npm start`) also stops cleanly when
 * that channel closes: its supervisor is gone, even if it was killed without a word.
 *
 * With `drain`, SIGTERM (an orchestrator's or a balancer's stop) first turns `/readyz` to 503 and
 * keeps serving for `delayMs`, so no new work is routed to a closing port; `stop` then finishes
 * in-flight requests within its own bound. Ctrl-C does not wait.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>, drain?: DrainBeforeStop): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals | 'supervisor-gone') => {
    if (stopping) {
      if (signal === 'supervisor-gone') return;
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    drain?.begin();
    const delay = signal === 'SIGTERM' ? (drain?.delayMs ?? 0) : 0;
    sleep(delay)
      .then(stop)
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  if (process.channel) {
    // The channel must not keep the process alive by itself.
    process.channel.unref();
    process.once('disconnect', () => handle('supervisor-gone'));
  }
}
