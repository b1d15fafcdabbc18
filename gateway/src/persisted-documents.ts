import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** Document hash (sha256, hex) -> document text, as in codegen's persisted-documents.json. */
export type PersistedDocuments = ReadonlyMap<string, string>;

export const documentHash = (document: string): string => createHash('sha256').update(document).digest('hex');

// GraphQL over HTTP's persisted-documents appendix writes ids as `sha256:<hex>`; APQ sends bare hex.
const manifestSchema = z.record(z.string(), z.string().min(1));
const DOCUMENT_ID = /^(sha256:)?[0-9a-f]{64}$/;

/** The bare hex hash, whichever way the id was written. */
export const normalizeDocumentId = (id: string): string => id.replace(/^sha256:/, '');

/**
 * Reads and checks a persisted-documents manifest. Every id must be the sha256 of its document:
 * the same hash Apollo's APQ uses, so one manifest serves both ways of sending an id, and a
 * manifest generated with another algorithm fails at start-up rather than rejecting every call.
 */
export async function loadPersistedDocuments(path: string): Promise<PersistedDocuments> {
  const parsed = manifestSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `persisted documents manifest ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const malformed = Object.keys(parsed.data).filter((id) => !DOCUMENT_ID.test(id));
  if (malformed.length > 0) {
    throw new Error(
      `persisted documents manifest ${path}: ids must be sha256 hex hashes, optionally prefixed "sha256:" (got ${malformed.slice(0, 3).join(', ')})`,
    );
  }
  const entries = Object.entries(parsed.data).map(([id, document]) => [normalizeDocumentId(id), document] as const);
  const mismatched = entries.filter(([hash, document]) => documentHash(document) !== hash);
  if (mismatched.length > 0) {
    throw new Error(
      `persisted documents manifest ${path}: ${mismatched.length} id(s) are not the sha256 of their document (generate with hashAlgorithm 'sha256')`,
    );
  }
  return new Map(entries);
}
