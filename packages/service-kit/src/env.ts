import { z } from 'zod';

export type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Parses a service's environment with its zod schema. Every bad variable is reported at once,
 * then the process exits: a service must never start half-configured.
 */
export function loadEnv<Schema extends z.ZodType>(schema: Schema, source: EnvSource): z.infer<Schema> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  process.stderr.write(`Invalid environment:\n${lines.join('\n')}\n`);
  process.exit(1);
}

export const portSchema = z.coerce.number().int().min(0).max(65535);
export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
/** Shared secrets must be long enough to resist guessing; generate with `openssl rand -hex 32`. */
export const secretSchema = z.string().min(32, 'must be at least 32 characters');
export const positiveIntSchema = z.coerce.number().int().positive();

/** A database pool as a bulkhead: its connections, and how many queries may wait for one and how long. */
export const databasePoolEnvShape = {
  DATABASE_POOL_SIZE: positiveIntSchema.default(10),
  /** Queries that may wait for a connection once all are busy; past it they are refused at once (SERVICE_UNAVAILABLE). */
  DATABASE_POOL_QUEUE: z.coerce.number().int().min(0).default(100),
  /** How long a query may wait for a connection before it is refused. */
  DATABASE_POOL_WAIT_MS: positiveIntSchema.default(5_000),
};

/** After SIGTERM, how long a server keeps serving with `/readyz` at 503 before it closes (see onShutdownSignal). */
export const shutdownDelaySchema = z.coerce.number().int().min(0).max(120_000).default(0);
