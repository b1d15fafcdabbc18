import type { NicknameChanged } from '@mp/events';

/**
 * Where the relay hands events. Resolving means the receiver durably accepted every event in
 * the batch; rejecting means none may be assumed delivered (the relay retries all of them).
 */
export interface EventPublisher {
  publish(events: readonly NicknameChanged[]): Promise<void>;
  close?(): Promise<void>;
}
