import type { Redis } from 'ioredis';
import { lsnFromKey, lsnToKey, type Lsn } from './lsn.js';

/**
 * Where a database's recent commits are remembered, per writer and per cache tag, for as long as
 * a replica serving reads may not have replayed them. Reads by that writer go where the commit is
 * visible; answers holding a fenced tag that were read from an older replica position are not
 * cached. Shared by every replica of the service through Redis; in memory for a single process.
 */
export interface WriteFences {
  record(write: { subject: string | null; tags: readonly string[]; lsn: Lsn }): Promise<void>;
  /** The newest fenced commit by this caller; null when none. Rejects when it cannot be known. */
  writerLsn(subject: string): Promise<Lsn | null>;
  /** The newest fenced commit that changed one of these tags; null when none. Rejects when it cannot be known. */
  newestTagLsn(tags: readonly string[]): Promise<Lsn | null>;
}

const maxOf = (values: readonly (string | null)[]): Lsn | null =>
  values.reduce<Lsn | null>((newest, key) => {
    if (key === null) return newest;
    const lsn = lsnFromKey(key);
    return newest === null || lsn > newest ? lsn : newest;
  }, null);

// KEYS: fences; ARGV: position (fixed-width hex, so string order is log order), ttl ms. Never moves a fence back.
const RAISE = `
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if not current or current < ARGV[1] then redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
  else redis.call('PEXPIRE', key, ARGV[2]) end
end
return #KEYS`;

export function redisWriteFences(redis: Redis, database: string, ttlMs: number): WriteFences {
  const prefix = `read-fence:${database}:`;
  const subjectKey = (subject: string) => `${prefix}subject:${subject}`;
  const tagKey = (tag: string) => `${prefix}tag:${tag}`;
  return {
    record: async ({ subject, tags, lsn }) => {
      const keys = [...(subject === null ? [] : [subjectKey(subject)]), ...tags.map(tagKey)];
      if (keys.length > 0) await redis.eval(RAISE, keys.length, ...keys, lsnToKey(lsn), ttlMs);
    },
    writerLsn: async (subject) => maxOf([await redis.get(subjectKey(subject))]),
    newestTagLsn: async (tags) => (tags.length === 0 ? null : maxOf(await redis.mget(...tags.map(tagKey)))),
  };
}

export function memoryWriteFences(ttlMs: number, now: () => number = () => performance.now()): WriteFences {
  const fences = new Map<string, { lsn: Lsn; until: number }>();
  const SWEEP_AT = 10_000;
  const raise = (key: string, lsn: Lsn) => {
    if (fences.size >= SWEEP_AT) for (const [stale, fence] of fences) if (fence.until <= now()) fences.delete(stale);
    const current = fences.get(key);
    fences.set(key, { lsn: current && current.lsn > lsn ? current.lsn : lsn, until: now() + ttlMs });
  };
  const read = (key: string): Lsn | null => {
    const fence = fences.get(key);
    if (!fence) return null;
    if (fence.until > now()) return fence.lsn;
    fences.delete(key);
    return null;
  };
  return {
    record: ({ subject, tags, lsn }) => {
      if (subject !== null) raise(`subject:${subject}`, lsn);
      for (const tag of tags) raise(`tag:${tag}`, lsn);
      return Promise.resolve();
    },
    writerLsn: (subject) => Promise.resolve(read(`subject:${subject}`)),
    newestTagLsn: (tags) =>
      Promise.resolve(
        tags.reduce<Lsn | null>((newest, tag) => {
          const lsn = read(`tag:${tag}`);
          return lsn !== null && (newest === null || lsn > newest) ? lsn : newest;
        }, null),
      ),
  };
}
