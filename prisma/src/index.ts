// Database connections and migrations for the services' PostgreSQL (or embedded PGlite) databases.
export { openDatabase } from './open-database.js';
export { DATABASE_BUSY, DatabaseBusyError } from './postgres-adapter.js';
export type { PoolQueue } from './postgres-adapter.js';
export type { DatabaseTarget, OpenDatabaseOptions, OpenedDatabase, PoolStats } from './open-database.js';
export { applyMigrations, createMigration, schemaDrift, loadMigrationList, migrationSlug } from './migrations.js';
export type { CreateMigrationOptions, CreatedMigration, DiffOptions } from './migrations.js';
export { databaseNames, isDatabaseName, migrationsDir, schemaPath } from './databases.js';
export type { DatabaseName } from './databases.js';
export { openReplicaDatabases } from './replica-databases.js';
export type { ReplicaDatabases, DisconnectableClient } from './replica-databases.js';
