import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';

export type ParsedBody<T> = { ok: true; value: T } | { ok: false; reason: string };

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 1_000);

/**
 * A message body as the contract `schema` defines it, or why not: a reason short enough for a
 * dead-letter header (the first three schema issues, each with its path).
 */
export function parseMessageBody<T>(content: Buffer, schema: z.ZodType<T>, contractName: string): ParsedBody<T> {
  // Decoding would turn bytes that are not UTF-8 into U+FFFD and store text nobody sent.
  if (!isUtf8(content)) return { ok: false, reason: 'malformed body: not valid UTF-8' };
  let body: unknown;
  try {
    body = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `malformed JSON: ${describe(error)}` };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, reason: `invalid ${contractName}: ${issues.join('; ')}` };
  }
  return { ok: true, value: parsed.data };
}
