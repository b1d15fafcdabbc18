import type { ConsumeMessage, MessagePropertyHeaders, Options } from 'amqplib';

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

export interface DeadLetterCopy {
  content: Buffer;
  options: Options.Publish;
}

/**
 * The copy of a failed message that goes to the dead-letter queue: same body and identity,
 * persistent, with why and how often it failed and where it came from in its headers. The
 * broker's redelivery counter is left behind: on the copy it would be misleading.
 */
export function deadLetterCopy(message: ConsumeMessage, reason: string, attempts: number, failedAt: Date): DeadLetterCopy {
  // amqplib types these properties `any`: read them as what the broker gives.
  const properties = message.properties as {
    headers?: Record<string, unknown>;
    messageId?: string;
    contentType?: string;
    type?: string;
    appId?: string;
    timestamp?: number;
  };
  const kept = Object.fromEntries(Object.entries(properties.headers ?? {}).filter(([key]) => key !== DELIVERY_COUNT_HEADER));
  return {
    content: message.content,
    options: {
      persistent: true,
      messageId: properties.messageId,
      contentType: properties.contentType,
      type: properties.type,
      appId: properties.appId,
      timestamp: properties.timestamp,
      headers: {
        ...kept,
        [DEAD_LETTER_HEADERS.reason]: reason,
        [DEAD_LETTER_HEADERS.attempts]: attempts,
        [DEAD_LETTER_HEADERS.originalExchange]: message.fields.exchange,
        [DEAD_LETTER_HEADERS.originalRoutingKey]: message.fields.routingKey,
        [DEAD_LETTER_HEADERS.failedAt]: failedAt.toISOString(),
      },
    },
  };
}
