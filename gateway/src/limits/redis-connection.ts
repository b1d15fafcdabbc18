import type { Redis } from 'ioredis';
import { connectRedis as connect, type Logger } from '@mp/service-kit';

/** The connection shared rate-limit budgets live on (see service-kit's connectRedis). */
export const connectRedis = (url: string, logger: Logger): Redis =>
  connect(url, logger, {
    down: 'Redis is unreachable: rate limits are counted by each gateway replica alone until it is back',
    up: 'Redis is reachable again: rate limits are shared across gateway replicas',
  });
