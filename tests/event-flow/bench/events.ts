// Benchmark of the nickname event flow over RabbitMQ on the local PostgreSQL and broker.
// 1. 100 nickname changes/s sustained for 30 s through the members API: delay from the commit
//    (the mutation's answer) to the entry being visible in nickname-history (p50, p99, max).
// 2. Publish throughput ceiling: one relay draining a 20,000-event outbox backlog (claim,
//    publish, broker confirm, mark sent), then the consumer's ceiling storing that backlog.
// Run: npm run bench:events   (prints figures; asserts nothing)
import { randomUUID } from 'node:crypto';
import { EventFlow, nicknameOf, sleep } from '../test/support/event-flow.js';

const RATE = 100;
const SECONDS = 30;
const MEMBERS = 50;
const BACKLOG = 20_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function sustained(): Promise<Record<string, string>> {
  const flow = await EventFlow.start('bench_sustained');
  try {
    await flow.startConsumer({ prefetch: 100 });
    await flow.startRelay({ relayOptions: { pollIntervalMs: 500 } });
    const ids = await flow.createMembers(MEMBERS);
    await flow.delivered();

    // nickname -> commit time; the poller moves it to `delays` when the entry is visible.
    const committed = new Map<string, number>();
    const delays: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling || committed.size > 0) {
        const waiting = [...committed.keys()];
        if (waiting.length > 0) {
          const rows = await flow.history.client.nicknameChange.findMany({
            where: { nickname: { in: waiting } },
            select: { nickname: true },
          });
          const now = performance.now();
          for (const { nickname } of rows) {
            delays.push(now - committed.get(nickname)!);
            committed.delete(nickname);
          }
        }
        await sleep(2);
      }
    })();

    const total = RATE * SECONDS;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i += 1) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const member = i % MEMBERS;
      const nickname = nicknameOf(member, Math.floor(i / MEMBERS) + 1);
      inFlight.push(
        flow.changeNickname(ids[member]!, nickname).then((ok) => {
          if (!ok) throw new Error(`change ${nickname} failed`);
          committed.set(nickname, performance.now());
        }),
      );
    }
    await Promise.all(inFlight);
    const offered = total / ((performance.now() - started) / 1000);
    polling = false;
    await poller;
    delays.sort((a, b) => a - b);
    return {
      changes: String(delays.length),
      'offered /s': offered.toFixed(1),
      'p50 ms': percentile(delays, 50).toFixed(1),
      'p99 ms': percentile(delays, 99).toFixed(1),
      'max ms': delays.at(-1)!.toFixed(1),
    };
  } finally {
    await flow.close();
  }
}

async function ceiling(): Promise<Record<string, string>> {
  const flow = await EventFlow.start('bench_ceiling');
  try {
    // A backlog as a broker outage would leave it: 20,000 committed, unpublished events.
    const members = Array.from({ length: 1_000 }, () => randomUUID());
    await flow.members.client.outboxEvent.createMany({
      data: Array.from({ length: BACKLOG }, (_, i) => {
        const memberId = members[i % members.length]!;
        const version = Math.floor(i / members.length) + 1;
        const event = {
          type: 'NicknameChanged',
          eventId: randomUUID(),
          memberId,
          version,
          previousNickname: version === 1 ? null : `v${version - 1}`,
          nickname: `v${version}`,
          changedAt: new Date().toISOString(),
        };
        return { id: event.eventId, aggregateId: memberId, type: event.type, payload: event };
      }),
    });

    const publishStarted = performance.now();
    const relay = await flow.startRelay({ relayOptions: { batchSize: 500 } });
    relay.relay.wake();
    while ((await flow.unpublished()) > 0) await sleep(20);
    const publishSeconds = (performance.now() - publishStarted) / 1000;

    const consumeStarted = performance.now();
    await flow.startConsumer({ prefetch: 500 });
    while ((await flow.history.client.nicknameChange.count()) < BACKLOG) await sleep(20);
    const consumeSeconds = (performance.now() - consumeStarted) / 1000;
    return {
      events: String(BACKLOG),
      'publish (relay -> confirmed) /s': (BACKLOG / publishSeconds).toFixed(0),
      'consume (queue -> history) /s': (BACKLOG / consumeSeconds).toFixed(0),
    };
  } finally {
    await flow.close();
  }
}

const latency = await sustained();
console.log(
  `Commit -> visible in nickname-history, ${RATE} changes/s for ${SECONDS} s over RabbitMQ (PostgreSQL, one relay, one consumer):`,
);
console.table({ amqp: latency });
const throughput = await ceiling();
console.log(`Throughput ceiling draining a ${BACKLOG}-event outbox backlog (one relay, batch 500; one consumer, prefetch 500):`);
console.table({ amqp: throughput });
