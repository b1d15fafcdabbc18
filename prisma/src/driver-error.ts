// Maps a PostgreSQL server error (from pg or PGlite) to the error type the Prisma engines understand.
import { DriverAdapterError } from '@prisma/driver-adapter-utils';

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Throws `error` as a DriverAdapterError when it is a server error, unchanged otherwise. */
export function rethrowAsDriverError(error: unknown): never {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && 'severity' in error) {
    throw new DriverAdapterError({
      kind: 'postgres',
      code: error.code,
      severity: optionalString(error.severity) ?? 'ERROR',
      message: error.message,
      detail: 'detail' in error ? optionalString(error.detail) : undefined,
      column: 'column' in error ? optionalString(error.column) : undefined,
      hint: 'hint' in error ? optionalString(error.hint) : undefined,
      originalCode: error.code,
      originalMessage: error.message,
    });
  }
  throw error;
}
