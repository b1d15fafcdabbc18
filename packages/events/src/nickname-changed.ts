import { z } from 'zod';

/** Versions are PostgreSQL `integer` columns on both sides: the contract refuses what they cannot hold. */
export const MAX_NICKNAME_VERSION = 2_147_483_647;

/**
 * Published by members whenever a member's nickname is set (sign-up is version 1).
 * `version` orders one member's events, so consumers never depend on arrival order.
 */
export const nicknameChangedSchema = z.object({
  type: z.literal('NicknameChanged'),
  eventId: z.uuid(),
  memberId: z.uuid(),
  version: z.number().int().positive().max(MAX_NICKNAME_VERSION),
  previousNickname: z.string().min(1).max(200).nullable(),
  nickname: z.string().min(1).max(200),
  changedAt: z.iso.datetime({ offset: false }),
});

export type NicknameChanged = z.infer<typeof nicknameChangedSchema>;

/** Body of one delivery: a batch keeps the relay's round-trips independent of the change rate. */
export const eventBatchSchema = z.object({
  events: z.array(nicknameChangedSchema).min(1).max(500),
});

export type EventBatch = z.infer<typeof eventBatchSchema>;
