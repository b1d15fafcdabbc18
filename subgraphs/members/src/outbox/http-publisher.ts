import { currentTraceCarrier, EVENTS_SECRET_HEADER } from '@mp/service-kit';
import type { NicknameChanged } from '@mp/events';
import type { EventPublisher } from './publisher.js';

export interface HttpPublisherOptions {
  /** nickname-history's event endpoint, e.g. http://127.0.0.1:4002/internal/events */
  url: string;
  secret: string;
  timeoutMs: number;
}

/** Direct delivery to nickname-history over HTTP; a 2xx answer is its acknowledgement. */
export function createHttpPublisher({ url, secret, timeoutMs }: HttpPublisherOptions): EventPublisher {
  return {
    async publish(events: readonly NicknameChanged[]) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [EVENTS_SECRET_HEADER]: secret, ...currentTraceCarrier() },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        const body = await response.text().catch(() => '');
        throw new Error(`event delivery rejected: HTTP ${response.status} ${body.slice(0, 200)}`);
      }
    },
  };
}
