// What `npm run migrate:create` does, on temporary copies of the migrations folder.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createMigration, schemaDrift, schemaPath } from '../src/index.js';
import { copyMigrationFolder, removeTemporaryFolders, temporaryFolder } from './support/migration-folders.js';

afterAll(removeTemporaryFolders);

const now = new Date('2030-01-02T03:04:05Z');

it('writes the SQL for a schema change as a new migration, after which there is no drift', async () => {
  const dir = await copyMigrationFolder('members');
  const schema = (await readFile(schemaPath('members'), 'utf8')).replace(
    '  nicknameVersion Int',
    '  bio         String? @db.VarChar(500)\n  nicknameVersion Int',
  );

  const created = await createMigration('members', 'Add member bio!', { migrationsDir: dir, schema, now });
  expect(created?.name).toBe('20300102030405_add_member_bio');
  expect(await readFile(path.join(dir, '20300102030405_add_member_bio', 'migration.sql'), 'utf8')).toMatch(
    /ALTER TABLE "member" ADD COLUMN\s+"bio" VARCHAR\(500\)/,
  );
  expect(await schemaDrift('members', { migrationsDir: dir, schema })).toBe('');
  expect(await createMigration('members', 'again', { migrationsDir: dir, schema, now })).toBeNull();
});

it('starts a missing migrations folder from an empty database, with its lock file', async () => {
  const dir = path.join(await temporaryFolder(), 'migrations');
  const created = await createMigration('nickname-history', 'init', { migrationsDir: dir, now });
  expect(created?.sql).toMatch(/CREATE TABLE "nickname_change"/);
  expect((await readdir(dir)).sort()).toEqual(['20300102030405_init', 'migration_lock.toml']);
  expect(await readFile(path.join(dir, 'migration_lock.toml'), 'utf8')).toMatch(/provider = "postgresql"/);
});
