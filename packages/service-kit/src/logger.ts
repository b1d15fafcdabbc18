import { pino, type Logger, type LevelWithSilent } from 'pino';
import { traceIdsOf } from './tracing/trace-context.js';

export type { Logger };

export interface LoggerOptions {
  service: string;
  level: LevelWithSilent;
}

/**
 * Structured JSON logs, one base logger per service; callers derive children with context. A line
 * written inside a span carries its `trace_id` and `span_id`, so a trace and its logs find each other.
 */
export function createLogger({ service, level }: LoggerOptions): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => traceIdsOf(),
    redact: { paths: ['req.headers.authorization', 'req.headers["x-gateway-secret"]', '*.secret'], remove: true },
  });
}
