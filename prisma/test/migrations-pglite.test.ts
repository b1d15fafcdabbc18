// Migrations and generated clients on embedded PGlite, in memory and in a data directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyMigrations, openDatabase } from '../src/index.js';
import { migrationNames } from './support/migration-folders.js';
import { queryRows } from './support/query.js';
import { smokeMembers, smokeNicknameHistory } from './support/smoke.js';

it('applies the members migrations to in-memory PGlite once, then serves the client', async () => {
  const opened = await openDatabase({ kind: 'embedded', dataDir: null });
  try {
    const expected = await migrationNames('members');
    expect(await applyMigrations('members', opened)).toEqual(expected);
    expect(await applyMigrations('members', opened)).toEqual([]);
    const recorded = await queryRows(opened, 'SELECT migration_name, finished_at IS NOT NULL FROM _prisma_migrations');
    expect(recorded).toEqual(expected.map((name) => [name, true]));
    await smokeMembers(opened);
  } finally {
    await opened.close();
  }
});

it('creates a missing data directory and keeps applied migrations across reopening', async () => {
  const parent = await mkdtemp(path.join(tmpdir(), 'mp-pglite-'));
  const target = { kind: 'embedded', dataDir: path.join(parent, 'nested', 'nickname-history') } as const;
  try {
    const first = await openDatabase(target);
    try {
      expect(await applyMigrations('nickname-history', first)).toEqual(await migrationNames('nickname-history'));
      await smokeNicknameHistory(first);
    } finally {
      await first.close();
    }
    const reopened = await openDatabase(target);
    try {
      expect(await applyMigrations('nickname-history', reopened)).toEqual([]);
      expect(await queryRows(reopened, 'SELECT count(*)::int FROM nickname_change')).toEqual([[1]]);
    } finally {
      await reopened.close();
    }
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});
