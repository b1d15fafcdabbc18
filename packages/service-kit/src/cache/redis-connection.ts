import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

// Redis sits beside requests (rate limits, caches): a command it does not answer this fast is
// treated as a failure, and the caller falls back.
const COMMAND_TIMEOUT_MS = 250;

export interface RedisOutageMessages {
  /** Logged once when Redis becomes unreachable: what the service does meanwhile. */
  down: string;
  /** Logged once when it is back. */
  up: string;
}

/**
 * A Redis connection for work that must never wait on Redis. It reconnects by itself; while it is
 * down, commands fail at once (no offline queue) so callers fall back instead of waiting, and the
 * outage is logged once when it starts and once when it ends, not per request. Commands of
 * concurrent requests go out in one write (auto-pipelining), not a system call each.
 */
export function connectRedis(url: string, logger: Logger, messages: RedisOutageMessages): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
  });
  let down = false;
  const markDown = (err?: unknown) => {
    if (down) return;
    down = true;
    logger.warn({ err }, messages.down);
  };
  // A refused connection reports an error; a connection lost mid-run may only close.
  redis.on('error', markDown);
  redis.on('close', () => {
    if (redis.status !== 'end') markDown();
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info(messages.up);
  });
  return redis;
}
