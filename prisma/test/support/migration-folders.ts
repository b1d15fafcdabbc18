// Migration folders of the package, and throwaway ones for tests.
import { cp, mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrationsDir, type DatabaseName } from '../../src/index.js';

export async function migrationNames(database: DatabaseName): Promise<string[]> {
  const entries = await readdir(migrationsDir(database), { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

const temporaryFolders: string[] = [];

/** A new empty temporary directory, removed by removeTemporaryFolders. */
export async function temporaryFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mp-prisma-migrations-'));
  temporaryFolders.push(dir);
  return dir;
}

/** Call from afterAll in files that use the temporary folders below. */
export async function removeTemporaryFolders(): Promise<void> {
  await Promise.all(temporaryFolders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A temporary copy of a database's migrations folder, to add migrations to. */
export async function copyMigrationFolder(database: DatabaseName): Promise<string> {
  const dir = await temporaryFolder();
  await cp(migrationsDir(database), dir, { recursive: true });
  return dir;
}

/** Writes `{ name: sql }` as a Prisma migrations folder in a new temporary directory. */
export async function writeMigrationFolder(migrations: Record<string, string>): Promise<string> {
  const dir = await temporaryFolder();
  await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

/** A schema with no models: enough for applying hand-written test migrations. */
export const emptySchema = {
  path: 'test.prisma',
  content: 'datasource db {\n  provider = "postgresql"\n}\n',
};
