import { z } from 'zod';

/** Versions are PostgreSQL `integer` columns on both sides: the contract refuses what they cannot hold. */
export const MAX_NICKNAME_VERSION = 2_147_483_647;

/**
 * Nicknames go into varchar(200) columns. zod counts a string's length in code points, as
 * PostgreSQL does. Text the database cannot store as sent is refused here, so a consumer answers
 * it as a bad event rather than failing in SQL: NUL (PostgreSQL refuses it in text) and lone
 * surrogates (valid as JSON escapes such as "\ud800", but stored as U+FFFD).
 */
const LONE_SURROGATE = /\p{Cs}/u;
const nicknameText = z
  .string()
  .min(1)
  .max(200)
  .refine((text) => !text.includes('\u0000') && !LONE_SURROGATE.test(text), 'must be well-formed Unicode text without NUL characters');

/** The ISO form allows the year "0000"; PostgreSQL's timestamptz refuses it (it has no year 0). */
const changedAt = z.iso.datetime({ offset: false }).refine((value) => !value.startsWith('0000-'), 'must be in year 0001 or later');

/**
 * Published by members whenever a member's nickname is set (sign-up is version 1).
 * `version` orders one member's events, so consumers never depend on arrival order.
 */
export const nicknameChangedSchema = z.object({
  type: z.literal('NicknameChanged'),
  eventId: z.uuid(),
  memberId: z.uuid(),
  version: z.number().int().positive().max(MAX_NICKNAME_VERSION),
  previousNickname: nicknameText.nullable(),
  nickname: nicknameText,
  changedAt,
});

export type NicknameChanged = z.infer<typeof nicknameChangedSchema>;

/** Body of one delivery: a batch keeps the relay's round-trips independent of the change rate. */
export const eventBatchSchema = z.object({
  events: z.array(nicknameChangedSchema).min(1).max(500),
});

export type EventBatch = z.infer<typeof eventBatchSchema>;
