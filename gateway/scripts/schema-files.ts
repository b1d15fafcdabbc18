import { readFile, writeFile } from 'node:fs/promises';
import type { ComposedSchemas } from './supergraph.js';

/** The composed schemas live in the repo: reviewed in diffs, read by codegen and the breaking-change check. */
export const SCHEMA_FILES: Record<keyof ComposedSchemas, { url: URL; path: string }> = {
  supergraphSdl: { url: new URL('../supergraph.graphql', import.meta.url), path: 'gateway/supergraph.graphql' },
  apiSdl: { url: new URL('../api-schema.graphql', import.meta.url), path: 'gateway/api-schema.graphql' },
};

const readIfPresent = (url: URL) => readFile(url, 'utf8').catch(() => null);

/** Paths of the committed files whose content differs from a fresh composition. */
export async function staleSchemaFiles(composed: ComposedSchemas): Promise<string[]> {
  const entries = Object.entries(SCHEMA_FILES) as [keyof ComposedSchemas, (typeof SCHEMA_FILES)[keyof ComposedSchemas]][];
  const stale = await Promise.all(
    entries.map(async ([key, file]) => ((await readIfPresent(file.url)) === composed[key] ? null : file.path)),
  );
  return stale.filter((path): path is string => path !== null);
}

export async function writeSchemaFiles(composed: ComposedSchemas): Promise<void> {
  await Promise.all(Object.entries(SCHEMA_FILES).map(([key, file]) => writeFile(file.url, composed[key as keyof ComposedSchemas])));
}
