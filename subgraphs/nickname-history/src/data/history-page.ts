import type { NicknameChange as NicknameChangeRow } from '@mp/prisma/nickname-history';

/** One member's page of history, newest first, as the repository returns it. */
export interface HistoryPage {
  memberId: string;
  rows: NicknameChangeRow[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** What one `nicknameHistory(first, after)` field asks for. */
export interface HistoryPageKey {
  memberId: string;
  first: number;
  /** Only versions below this one (from the `after` cursor); null for the newest. */
  beforeVersion: number | null;
}
