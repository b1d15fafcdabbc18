import type { MessagePropertyHeaders } from 'amqplib';

/** Headers the consumer adds when it moves a message to the dead-letter queue. */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-mp-dead-letter-reason',
  attempts: 'x-mp-attempts',
  originalExchange: 'x-mp-original-exchange',
  originalRoutingKey: 'x-mp-original-routing-key',
  failedAt: 'x-mp-failed-at',
} as const;

/** Set by quorum queues on every redelivery: how often the message was returned before. */
export const DELIVERY_COUNT_HEADER = 'x-delivery-count';

export function deliveryCount(headers: MessagePropertyHeaders | undefined): number {
  const value: unknown = headers?.[DELIVERY_COUNT_HEADER];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The reason a dead-lettered message carries: the consumer's, else the broker's (x-death). */
export function deadLetterReason(headers: MessagePropertyHeaders | undefined): string | null {
  const own: unknown = headers?.[DEAD_LETTER_HEADERS.reason];
  if (typeof own === 'string') return own;
  const broker: unknown = headers?.['x-first-death-reason'];
  return typeof broker === 'string' ? `broker: ${broker}` : null;
}
