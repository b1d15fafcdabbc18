import { nicknameChangedSchema, type NicknameChanged } from '@mp/events';
import type { MembersDb } from '../data/members-repository.js';

export interface ClaimedEvent {
  id: string;
  attempts: number;
  event: NicknameChanged;
  /** The writing transaction's trace context, if it was traced. */
  traceContext: Record<string, unknown> | null;
}

/**
 * Claims up to `limit` due rows by leasing them (pushing available_at forward) in one short
 * statement. SKIP LOCKED lets several relays work side by side without taking the same rows,
 * and no transaction stays open while events are on the wire.
 */
export async function claimDueEvents(db: MembersDb, limit: number, leaseMs: number): Promise<ClaimedEvent[]> {
  const rows = await db.$queryRaw<
    { id: string; attempts: number; payload: unknown; created_at: Date; trace_context: Record<string, unknown> | null }[]
  >`
    UPDATE outbox_event
       SET available_at = now() + ${leaseMs} * interval '1 millisecond', attempts = attempts + 1
     WHERE id IN (
       SELECT id FROM outbox_event
        WHERE published_at IS NULL AND available_at <= now()
        ORDER BY created_at, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING id, attempts, payload, created_at, trace_context`;
  return rows
    .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
    .map((row) => ({
      id: row.id,
      attempts: row.attempts,
      event: nicknameChangedSchema.parse(row.payload),
      traceContext: row.trace_context,
    }));
}

export async function markPublished(db: MembersDb, ids: readonly string[]): Promise<void> {
  await db.outboxEvent.updateMany({
    where: { id: { in: [...ids] } },
    data: { publishedAt: new Date(), lastError: null },
  });
}

export async function scheduleRetry(db: MembersDb, ids: readonly string[], delayMs: number, error: string): Promise<void> {
  await db.$executeRaw`
    UPDATE outbox_event
       SET available_at = now() + ${delayMs} * interval '1 millisecond', last_error = ${error.slice(0, 1000)}
     WHERE id = ANY(${[...ids]}::uuid[])`;
}

/** Events not yet acknowledged and the age of the oldest: the relay's lag. */
export async function outboxBacklog(db: MembersDb): Promise<{ pending: number; oldestPendingAgeMs: number | null }> {
  const [row] = await db.$queryRaw<{ pending: bigint; oldest: Date | null }[]>`
    SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox_event WHERE published_at IS NULL`;
  const oldest = row?.oldest ?? null;
  return { pending: Number(row?.pending ?? 0), oldestPendingAgeMs: oldest ? Date.now() - oldest.getTime() : null };
}

/**
 * Deletes published rows older than the retention, a bounded chunk per call so one prune never
 * holds many row locks. Unpublished rows are never pruned, however old.
 */
export async function prunePublished(db: MembersDb, retentionMs: number, limit = 5_000): Promise<number> {
  return db.$executeRaw`
    DELETE FROM outbox_event
     WHERE id IN (
       SELECT id FROM outbox_event
        WHERE published_at < now() - ${retentionMs} * interval '1 millisecond'
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)`;
}
