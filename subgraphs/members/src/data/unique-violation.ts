import { Prisma } from '@mp/prisma/members';

const EMAIL_INDEX = 'member_email_key_key';
const NICKNAME_INDEX = 'member_nickname_key_key';
const SUBJECT_INDEX = 'member_subject_key';

export type TakenField = 'email' | 'nickname' | 'subject';

const textOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? ''));

/**
 * Which unique index a write violated, if any. Through driver adapters Prisma 7 leaves
 * `meta.target` empty and puts the constraint under `meta.driverAdapterError.cause`.
 */
export function takenField(error: unknown): TakenField | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return null;
  const details = textOf(error.meta);
  if (details.includes(EMAIL_INDEX) || details.includes('email_key')) return 'email';
  if (details.includes(NICKNAME_INDEX) || details.includes('nickname_key')) return 'nickname';
  if (details.includes(SUBJECT_INDEX)) return 'subject';
  return null;
}
