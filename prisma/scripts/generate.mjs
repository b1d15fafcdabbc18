// Runs `prisma generate` for every database schema, offline.
// Generate never runs the schema engine, but the CLI insists on finding its binary before it
// starts (and would try to download it): pointing the variable at any existing file satisfies it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const databases = ['members', 'nickname-history'];

for (const database of databases) {
  const schema = path.join(packageDir, database, 'schema.prisma');
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schema], {
    cwd: packageDir,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  });
  if (result.status !== 0) {
    console.error(`prisma generate failed for ${database}`);
    process.exit(result.status ?? 1);
  }
}
