// Prisma's CLI, client, adapters and the Wasm migration engine must come from one release: the
// engine's build is named after the engines version the CLI ships, so the check is exact.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKSPACE = fileURLToPath(new URL('..', import.meta.url));

/** The version of `name` as Node resolves it from this workspace (nearest node_modules up). */
function installedVersion(name: string): string {
  for (let dir = WORKSPACE; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed`);
  }
}

it('pins the CLI, client and adapters to one Prisma release', () => {
  const release = installedVersion('prisma');
  expect({
    '@prisma/client': installedVersion('@prisma/client'),
    '@prisma/adapter-pg': installedVersion('@prisma/adapter-pg'),
    '@prisma/driver-adapter-utils': installedVersion('@prisma/driver-adapter-utils'),
  }).toEqual({ '@prisma/client': release, '@prisma/adapter-pg': release, '@prisma/driver-adapter-utils': release });
});

it("runs migrations on the engine build of that release (the CLI's engines version)", () => {
  expect(installedVersion('@prisma/schema-engine-wasm')).toBe(installedVersion('@prisma/engines-version'));
});
