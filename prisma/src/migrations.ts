// Applies, checks and creates migrations with the Wasm schema engine.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createPGlite } from './pglite-template.js';
import type { MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { migrationsDir, schemaPath, type DatabaseName } from './databases.js';
import type { OpenedDatabase } from './open-database.js';
import { PGliteAdapterFactory } from './pglite-adapter.js';
import { withSchemaEngine, type SchemaEngine, type SchemaFile } from './schema-engine.js';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

const LOCKFILE = 'migration_lock.toml';
const MIGRATION_FILE = 'migration.sql';
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Same shape and ordering as the Prisma CLI builds from a migrations folder. */
export async function loadMigrationList(dir: string): Promise<MigrationList> {
  const lockContent = await readFile(path.join(dir, LOCKFILE), 'utf8').catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const directories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => ({
        path: entry.name,
        migrationFile: {
          path: MIGRATION_FILE,
          content: await readFile(path.join(dir, entry.name, MIGRATION_FILE), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: unknown) => ({ tag: 'error' as const, value: error instanceof Error ? error.message : String(error) }),
          ),
        },
      })),
  );
  directories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories: directories,
  };
}

async function readSchema(database: DatabaseName): Promise<SchemaFile> {
  const file = schemaPath(database);
  return { path: file, content: await readFile(file, 'utf8') };
}

/**
 * Applies the database's pending migrations and records them in `_prisma_migrations`.
 * Idempotent: returns the names applied by this call (empty when up to date).
 */
export async function applyMigrations(database: DatabaseName, opened: OpenedDatabase): Promise<string[]> {
  return applyMigrationDirectory(migrationsDir(database), await readSchema(database), opened);
}

/** applyMigrations for any migrations folder (tests use it with folders of their own). */
export async function applyMigrationDirectory(dir: string, schema: SchemaFile, opened: OpenedDatabase): Promise<string[]> {
  const migrationsList = await loadMigrationList(dir);
  const output = await withSchemaEngine(schema, opened.adapterFactory, (engine) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
  );
  return output.appliedMigrationNames;
}

/** The engine prints "-- This is an empty migration." for no change: keep only real statements. */
function statementsOnly(script: string): string {
  const meaningful = script.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--'));
  return meaningful ? script : '';
}

export interface DiffOptions {
  /** Schema text to compare with instead of the database's schema.prisma (to test the detector). */
  schema?: string;
  /** Migrations folder to replay instead of the database's own. */
  migrationsDir?: string;
}

/**
 * diff replays migrations on the shadow database and only probes the main one (the engine connects
 * eagerly): one fresh in-memory PGlite can serve as both, halving PGlite start-up time.
 */
async function withShadowOnlyEngine<T>(schema: SchemaFile, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const db = await createPGlite(null);
  try {
    const shared = new PGliteAdapterFactory(db);
    const factory: SqlMigrationAwareDriverAdapterFactory = {
      provider: shared.provider,
      adapterName: shared.adapterName,
      connect: () => shared.connect(),
      connectToShadowDb: () => shared.connect(),
    };
    return await withSchemaEngine(schema, factory, work);
  } finally {
    await db.close();
  }
}

/**
 * The SQL that would bring the replayed migrations to the schema; '' when they agree.
 * Migrations are replayed on an in-memory PGlite shadow database, never on a real one.
 */
export async function schemaDrift(database: DatabaseName, options: DiffOptions = {}): Promise<string> {
  const schema = await readSchema(database);
  if (options.schema !== undefined) schema.content = options.schema;
  const migrationsList = await loadMigrationList(options.migrationsDir ?? migrationsDir(database));
  const result = await withShadowOnlyEngine(schema, (engine) =>
    engine.diff({
      // With no migration yet there is no lockfile to name the connector: start from nothing.
      from: migrationsList.migrationDirectories.length === 0 ? { tag: 'empty' } : { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    }),
  );
  return statementsOnly(result.stdout ?? '');
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Lower-case words joined by '_', as `prisma migrate dev --name` names folders. */
export function migrationSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (slug === '') throw new Error(`migration name "${name}" has no letters or digits`);
  return slug.slice(0, 200);
}

export interface CreatedMigration {
  name: string;
  file: string;
  sql: string;
}

export interface CreateMigrationOptions extends DiffOptions {
  /** Clock for the folder's timestamp. */
  now?: Date;
}

/**
 * Writes `<timestamp>_<name>/migration.sql` with the SQL from the migrations to schema.prisma
 * (and migration_lock.toml for a first migration). Returns null, writing nothing, when the
 * schema has no change to migrate.
 */
export async function createMigration(
  database: DatabaseName,
  name: string,
  options: CreateMigrationOptions = {},
): Promise<CreatedMigration | null> {
  const dir = options.migrationsDir ?? migrationsDir(database);
  const sql = await schemaDrift(database, { ...options, migrationsDir: dir });
  if (sql === '') return null;
  const folder = `${timestamp(options.now ?? new Date())}_${migrationSlug(name)}`;
  await mkdir(dir, { recursive: true }); // a first migration also creates the migrations folder
  await mkdir(path.join(dir, folder)); // fails rather than overwrite a same-second migration
  const file = path.join(dir, folder, MIGRATION_FILE);
  await writeFile(file, sql, 'utf8');
  const lockfile = path.join(dir, LOCKFILE);
  const lock = await readFile(lockfile, 'utf8').catch(() => null);
  if (lock === null) {
    await writeFile(
      lockfile,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
      'utf8',
    );
  }
  return { name: folder, file, sql };
}
