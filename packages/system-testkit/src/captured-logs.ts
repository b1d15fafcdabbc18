import { pino, type Logger } from 'pino';

export interface CapturedLogs {
  logger: Logger;
  /** Every line at `level` or above, parsed, from every service sharing `logger`. */
  lines: Record<string, unknown>[];
  /** What an operator would be paged for: lines at error level or above. */
  errors: () => Record<string, unknown>[];
}

const ERROR_LEVEL = 50;

/** One logger for every in-process service, keeping what it writes so tests can assert on it. */
export function captureLogs({ level, echo }: { level: string; echo: boolean }): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    {
      write: (line: string) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
        if (echo) process.stderr.write(line);
      },
    },
  );
  return {
    logger,
    lines,
    errors: () => lines.filter((line) => typeof line['level'] === 'number' && line['level'] >= ERROR_LEVEL),
  };
}
