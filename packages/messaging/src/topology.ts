import type { Channel } from 'amqplib';

/**
 * The broker objects member events travel through. Publisher and consumer both declare the
 * whole topology on every (re)connect, so whichever side starts first creates it and an event
 * published while nickname-history has never run is still queued, not dropped as unroutable.
 */
export interface MemberEventsTopology {
  /** Durable topic exchange every member event is published to. */
  exchange: string;
  /** nickname-history's durable quorum queue, bound to NicknameChanged. */
  queue: string;
  /** Where messages go that failed too often to be stored; they carry the reason. */
  deadLetterQueue: string;
}

/**
 * A redelivery ceiling enforced by the broker itself, far above the consumer's own attempt limit.
 * It only matters for a message that kills the consumer before it can count the failure (the
 * broker then dead-letters it with x-death reason `delivery_limit`). Part of the queue's
 * arguments, so it is a constant: changing it would make existing queues fail to re-declare.
 */
export const BROKER_DELIVERY_LIMIT = 50;

/** Names are prefixed so test suites (and environments sharing a vhost) never collide. */
export function memberEventsTopology(prefix = ''): MemberEventsTopology {
  return {
    exchange: `${prefix}member-events`,
    queue: `${prefix}nickname-history.nickname-changed`,
    deadLetterQueue: `${prefix}nickname-history.nickname-changed.dead-letter`,
  };
}

/** `member.NicknameChanged`: topic routing keys name the aggregate, then the event type. */
export const routingKeyFor = (eventType: string): string => `member.${eventType}`;

export async function assertMemberEventsTopology(channel: Channel, topology: MemberEventsTopology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertQueue(topology.deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(topology.queue, {
    durable: true,
    arguments: {
      // Quorum queues replicate and fsync before confirming, and count redeliveries (x-delivery-count).
      'x-queue-type': 'quorum',
      'x-delivery-limit': BROKER_DELIVERY_LIMIT,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': topology.deadLetterQueue,
    },
  });
  await channel.bindQueue(topology.queue, topology.exchange, routingKeyFor('NicknameChanged'));
}

/** Removes the topology (tests and throwaway environments only). */
export async function deleteMemberEventsTopology(channel: Channel, topology: MemberEventsTopology): Promise<void> {
  await channel.deleteQueue(topology.queue);
  await channel.deleteQueue(topology.deadLetterQueue);
  await channel.deleteExchange(topology.exchange);
}
