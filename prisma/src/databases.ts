// The databases this package owns, and where their schema and migrations live on disk.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const databaseNames = ['members', 'nickname-history'] as const;
export type DatabaseName = (typeof databaseNames)[number];

// This module sits directly in src/ (jest) or dist/ (built), one level below the package root.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

export function schemaPath(database: DatabaseName): string {
  return path.join(packageDir, database, 'schema.prisma');
}

export function migrationsDir(database: DatabaseName): string {
  return path.join(packageDir, database, 'migrations');
}

export function isDatabaseName(value: string): value is DatabaseName {
  return (databaseNames as readonly string[]).includes(value);
}
