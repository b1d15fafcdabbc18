// schema.prisma and the migrations folder must describe the same database.
import { readFile } from 'node:fs/promises';
import { databaseNames, schemaDrift, schemaPath } from '../src/index.js';
import { removeTemporaryFolders, writeMigrationFolder } from './support/migration-folders.js';

afterAll(removeTemporaryFolders);

describe.each(databaseNames)('%s', (database) => {
  it('has migrations that produce exactly schema.prisma (else run migrate:create)', async () => {
    expect(await schemaDrift(database)).toBe('');
  });
});

describe('the drift detector', () => {
  it('reports a column added to a copy of the schema', async () => {
    const schema = await readFile(schemaPath('nickname-history'), 'utf8');
    const modified = schema.replace('  version          Int\n', '  version          Int\n  reason           String?\n');
    expect(modified).not.toBe(schema);

    const drift = await schemaDrift('nickname-history', { schema: modified });
    expect(drift).toMatch(/ALTER TABLE "nickname_change" ADD COLUMN\s+"reason" TEXT/);
  });

  it('reports a migration that the schema no longer matches', async () => {
    const dir = await writeMigrationFolder({
      '20200101000000_init': 'CREATE TABLE "nickname_change" ("id" UUID NOT NULL PRIMARY KEY);',
    });
    const drift = await schemaDrift('nickname-history', { migrationsDir: dir });
    expect(drift).toMatch(/ADD COLUMN\s+"member_id" UUID NOT NULL/);
    expect(drift).toMatch(/CREATE UNIQUE INDEX "nickname_change_member_version_key"/);
  });
});
