// Prisma's CLI, client, adapters and the Wasm migration engine must come from one release (see
// "One Prisma release" in prisma/README.md). Checks consistency only: no version is written here.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKSPACE = fileURLToPath(new URL('..', import.meta.url));

interface Manifest {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  prisma?: { enginesVersion?: string };
}

interface Installed {
  dir: string;
  manifest: Manifest;
}

/** `name` as Node resolves it from `fromDir` (nearest node_modules up), so nested copies count. */
function installed(name: string, fromDir = WORKSPACE): Installed {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', name);
    if (existsSync(join(packageDir, 'package.json'))) {
      return { dir: packageDir, manifest: JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest };
    }
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (from ${fromDir}); run npm install`);
  }
}

const declared = JSON.parse(readFileSync(join(WORKSPACE, 'package.json'), 'utf8')) as Manifest;
const declaredRange = (name: string): string | undefined => declared.dependencies?.[name] ?? declared.devDependencies?.[name];

const RELEASE_PACKAGES = ['prisma', '@prisma/client', '@prisma/adapter-pg', '@prisma/driver-adapter-utils'];
const ENGINE_PACKAGE = '@prisma/schema-engine-wasm';

// What the CLI runs with: its own @prisma/engines, and that package's engines version.
const cli = installed('prisma');
const engines = installed('@prisma/engines', cli.dir);
const enginesVersion = installed('@prisma/engines-version', engines.dir);

it('declares the CLI, client and adapters at one exact version, and the Wasm engine exactly', () => {
  const ranges = Object.fromEntries([...RELEASE_PACKAGES, ENGINE_PACKAGE].map((name) => [name, declaredRange(name)]));
  const release = ranges['prisma'];
  expect(release).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/); // a version, not a range
  expect(ranges[ENGINE_PACKAGE]).toMatch(/^\d+\.\d+\.\d+-[0-9A-Za-z.-]+$/);
  expect(ranges).toEqual({
    ...Object.fromEntries(RELEASE_PACKAGES.map((name) => [name, release])),
    [ENGINE_PACKAGE]: ranges[ENGINE_PACKAGE],
  });
});

it('has installed what package.json declares (else run npm install)', () => {
  for (const name of [...RELEASE_PACKAGES, ENGINE_PACKAGE]) {
    expect({ name, version: installed(name).manifest.version }).toEqual({ name, version: declaredRange(name) });
  }
});

it('pins the CLI, client and adapters to one Prisma release, as each of them resolves the others', () => {
  const release = cli.manifest.version;
  const adapterPg = installed('@prisma/adapter-pg');
  expect({
    '@prisma/client': installed('@prisma/client').manifest.version,
    '@prisma/adapter-pg': adapterPg.manifest.version,
    '@prisma/driver-adapter-utils': installed('@prisma/driver-adapter-utils').manifest.version,
    '@prisma/driver-adapter-utils (as adapter-pg resolves it)': installed('@prisma/driver-adapter-utils', adapterPg.dir).manifest.version,
    '@prisma/engines (as the CLI resolves it)': engines.manifest.version,
  }).toEqual({
    '@prisma/client': release,
    '@prisma/adapter-pg': release,
    '@prisma/driver-adapter-utils': release,
    '@prisma/driver-adapter-utils (as adapter-pg resolves it)': release,
    '@prisma/engines (as the CLI resolves it)': release,
  });
});

it("runs migrations on that release's engine build: the Wasm engine's version is the CLI's engines version", () => {
  const hash = enginesVersion.manifest.prisma?.enginesVersion;
  expect(hash).toMatch(/^[0-9a-f]{40}$/);
  const wasm = installed(ENGINE_PACKAGE).manifest.version;
  expect(wasm.endsWith(`.${hash}`)).toBe(true); // e.g. 7.10.0-4.<hash>: the same engines commit…
  expect(wasm).toBe(enginesVersion.manifest.version); // …and the same build of it
  // The CLI ships a copy of the engine Wasm in build/ (7.10.0 does): if it still does, the bytes match.
  const bundled = join(cli.dir, 'build', 'schema_engine_bg.wasm');
  if (existsSync(bundled)) {
    const ours = readFileSync(join(installed(ENGINE_PACKAGE).dir, 'schema_engine_bg.wasm'));
    expect(readFileSync(bundled).equals(ours)).toBe(true);
  }
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = join(dir, entry);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

it('has generated clients from that release (else run npm run generate)', () => {
  const generated = join(WORKSPACE, 'src', 'generated');
  const databases = readdirSync(generated);
  expect(databases.length).toBeGreaterThan(0);
  for (const database of databases) {
    const text = filesUnder(join(generated, database))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const stamp = {
      database,
      clientVersion: /"clientVersion": "([^"]+)"/.exec(text)?.[1],
      engineVersion: /"engineVersion": "([^"]+)"/.exec(text)?.[1],
    };
    expect(stamp).toEqual({ database, clientVersion: cli.manifest.version, engineVersion: enginesVersion.manifest.prisma?.enginesVersion });
  }
});
