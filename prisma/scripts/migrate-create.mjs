// Usage: npm run migrate:create -w prisma -- <database> <name>
// Writes <database>/migrations/<timestamp>_<name>/migration.sql: the SQL from the existing
// migrations to schema.prisma, computed by the Wasm schema engine (the engine binary that
// `prisma migrate dev` needs cannot be downloaded here). Runs on the built package (dist/).
import { createMigration, databaseNames, isDatabaseName } from '../dist/index.js';

const [database, name] = process.argv.slice(2);
if (database === undefined || name === undefined || !isDatabaseName(database)) {
  console.error(`usage: migrate:create <${databaseNames.join('|')}> <migration_name>`);
  process.exit(2);
}

const created = await createMigration(database, name);
if (created === null) {
  console.log(`${database}: schema.prisma matches the migrations; no migration created.`);
} else {
  console.log(`${database}: created ${created.file}\n\n${created.sql}`);
}
