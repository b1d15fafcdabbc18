import { CACHE_TAG_HEADER, parseCacheTags, type Identity, type TwoTierCache } from '@mp/service-kit';
import type { SubgraphAnswer } from './subgraph-fetcher.js';

/**
 * Without Redis nothing tells this gateway of writes it did not forward (a history stored from an
 * event, another replica's mutation), so its entries live no longer than this.
 */
export const LOCAL_ONLY_MAX_TTL_MS = 2_000;

/** `max-age=N, public|private` as Apollo Server's cache-control plugin writes it; null: not cacheable. */
export function parseCacheControl(header: string | undefined): { maxAgeSeconds: number; private: boolean } | null {
  if (!header) return null;
  const directives = header
    .toLowerCase()
    .split(',')
    .map((directive) => directive.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return null;
  const maxAge = directives.find((directive) => directive.startsWith('max-age='));
  const maxAgeSeconds = maxAge ? Number(maxAge.slice('max-age='.length)) : 0;
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds <= 0) return null;
  return { maxAgeSeconds, private: directives.includes('private') };
}

/** Everything a private answer depends on about its caller. */
const callerKey = (identity: Identity | null) => (identity ? JSON.stringify([identity.subject, [...identity.scopes].sort()]) : 'anonymous');

/** The answer's tags, joined as the subgraph sent them. */
const tagsOf = (answer: SubgraphAnswer) => parseCacheTags(answer.headers[CACHE_TAG_HEADER]);

/**
 * The gateway's cache of subgraph query answers (root fields and entity fetches), in front of the
 * shared in-flight fetches. The subgraph decides what may be kept: its `cache-control` (from its
 * schema's `@cacheControl` hints: only answers without errors, PUBLIC or PRIVATE, for max-age) and
 * its `cache-tag` (the members an answer holds). A PUBLIC answer is kept for every caller; a
 * PRIVATE one only under its caller's identity, so no caller ever reads another's private fields.
 * An operation seen answering PRIVATE is looked up per caller from then on; until then a PRIVATE
 * answer is not kept at all (it must not sit under the key every caller looks up).
 *
 * Writes drop entries by tag: the subgraph that committed invalidates them in every replica (and
 * waits for them) before it answers; a mutation's own answer names what it changed, which this
 * replica drops too, so the writer reads its write even without Redis.
 */
export class SubgraphAnswerCache {
  private readonly privateOperations = new Set<string>();

  constructor(
    private readonly cache: TwoTierCache,
    private readonly maxTtlMs: number,
  ) {}

  async query(
    subgraph: string,
    request: { query: string; body: string; identity: Identity | null },
    fetch: () => Promise<SubgraphAnswer>,
  ): Promise<SubgraphAnswer> {
    const operation = `${subgraph}\n${request.query}`;
    const perCaller = this.privateOperations.has(operation);
    const key = perCaller ? `${subgraph}\n${callerKey(request.identity)}\n${request.body}` : `${subgraph}\n\n${request.body}`;
    let fetched: SubgraphAnswer | null = null;
    const text = await this.cache.get(key, async () => {
      const answer = await fetch();
      fetched = answer;
      const policy = answer.status === 200 && !answer.text.includes('"errors"') ? parseCacheControl(answer.headers['cache-control']) : null;
      if (!policy) return { text: answer.text, keep: null };
      if (policy.private && !perCaller) {
        this.rememberPrivate(operation);
        return { text: answer.text, keep: null };
      }
      return { text: answer.text, keep: { tags: tagsOf(answer), ttlMs: Math.min(policy.maxAgeSeconds * 1000, this.maxTtlMs) } };
    });
    // A fetched answer keeps its status and headers (an error status is the data source's to read).
    return fetched ?? { status: 200, contentType: 'application/json', headers: {}, text };
  }

  /** A mutation's answer names what it changed: this replica drops it at once. */
  dropChanged(answer: SubgraphAnswer): void {
    const tags = tagsOf(answer);
    if (tags.length > 0) this.cache.dropLocal(tags);
  }

  private rememberPrivate(operation: string) {
    // Operations come from query plans, so they are few; the bound only guards against surprises.
    if (this.privateOperations.size >= 10_000) this.privateOperations.clear();
    this.privateOperations.add(operation);
  }
}
