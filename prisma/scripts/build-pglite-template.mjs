// Dumps an empty PGlite cluster to dist/ so that new embedded databases skip initdb (see
// src/pglite-template.ts). Runs in `build`, after tsc.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

const target = fileURLToPath(new URL('../dist/pglite-template.tar.gz', import.meta.url));
const db = await PGlite.create();
const dump = await db.dumpDataDir('gzip');
await db.close();
await mkdir(dirname(target), { recursive: true });
await writeFile(target, Buffer.from(await dump.arrayBuffer()));
