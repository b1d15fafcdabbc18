import type { NicknameChanged } from '@mp/events';
import { currentTraceCarrier } from '@mp/service-kit';
import { newId } from '../data/ids.js';

export interface NicknameChange {
  memberId: string;
  /** The member's nickname version this change produced (1 = sign-up). */
  version: number;
  previousNickname: string | null;
  nickname: string;
  changedAt: Date;
}

/** The one place a NicknameChanged event is made: by a change's own transaction, or by reconcile. */
export const nicknameChangedEvent = (change: NicknameChange): NicknameChanged => ({
  type: 'NicknameChanged',
  eventId: newId(),
  memberId: change.memberId,
  version: change.version,
  previousNickname: change.previousNickname,
  nickname: change.nickname,
  changedAt: change.changedAt.toISOString(),
});

/**
 * Its outbox row: the event id is the row id, so a redelivered event is recognisable downstream.
 * The row keeps the writing transaction's trace context (none outside a trace) for the relay.
 */
export const outboxRow = (event: NicknameChanged) => {
  const traceContext = currentTraceCarrier();
  return {
    id: event.eventId,
    aggregateId: event.memberId,
    type: event.type,
    payload: event,
    ...(Object.keys(traceContext).length > 0 ? { traceContext } : {}),
  };
};
