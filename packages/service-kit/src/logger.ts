import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  service: string;
  level: LevelWithSilent;
}

/** Structured JSON logs, one base logger per service; callers derive children with context. */
export function createLogger({ service, level }: LoggerOptions): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-gateway-secret"]', '*.secret'], remove: true },
  });
}
