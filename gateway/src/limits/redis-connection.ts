import { Redis } from 'ioredis';
import type { Logger } from '@mp/service-kit';

// A rate-limit check must never hold a request: a command that Redis does not answer this fast
// falls back to the replica's own count.
const COMMAND_TIMEOUT_MS = 250;

/**
 * The connection shared budgets live on. It reconnects by itself; while it is down, commands fail
 * at once (no offline queue) so callers fall back instead of waiting, and the outage is logged
 * once when it starts and once when it ends, not per request.
 */
export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    // The checks of concurrent requests go out in one write, not a system call each.
    enableAutoPipelining: true,
  });
  let down = false;
  const markDown = (err?: unknown) => {
    if (down) return;
    down = true;
    logger.warn({ err }, 'Redis is unreachable: rate limits are counted by each gateway replica alone until it is back');
  };
  // A refused connection reports an error; a connection lost mid-run may only close.
  redis.on('error', markDown);
  redis.on('close', () => {
    if (redis.status !== 'end') markDown();
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('Redis is reachable again: rate limits are shared across gateway replicas');
  });
  return redis;
}
