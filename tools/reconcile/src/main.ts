// `npm run reconcile`: compares members with nickname-history, reports drift and re-publishes
// what is missing. Prints a JSON report; exit code 0 = in sync, 2 = drift found (repaired unless
// RECONCILE_DRY_RUN=true), 1 = failure. Environment: see env.ts; what it does: README.md.
import { connect } from 'amqplib';
import { createLogger } from '@mp/service-kit';
import { openDatabase, type DatabaseTarget } from '@mp/prisma';
import { PrismaClient as MembersClient } from '@mp/prisma/members';
import { PrismaClient as HistoryClient } from '@mp/prisma/nickname-history';
import { memberEventsTopology } from '@mp/messaging';
import {
  DEFAULT_RELAY_OPTIONS,
  createAmqpPublisher,
  createHttpPublisher,
  outboxBacklog,
  startOutboxRelay,
  type EventPublisher,
} from '@mp/members';
import { readReconcileEnv, type ReconcileEnv } from './env.js';
import { reconcile } from './reconcile.js';

const env = readReconcileEnv();
const logger = createLogger({ service: 'reconcile', level: env.LOG_LEVEL });

const open = (url: string | undefined, dataDir: string) =>
  openDatabase((url ? { kind: 'postgres', url } : { kind: 'embedded', dataDir }) satisfies DatabaseTarget, { poolSize: 2 });

async function deadLetterDepth(config: ReconcileEnv): Promise<{ queue: string; depth: number } | null> {
  if (!config.AMQP_URL) return null;
  const queue = memberEventsTopology(config.AMQP_PREFIX).deadLetterQueue;
  const model = await connect(config.AMQP_URL);
  try {
    const channel = await model.createChannel();
    return { queue, depth: (await channel.checkQueue(queue)).messageCount };
  } finally {
    await model.close();
  }
}

function publisherFor(config: ReconcileEnv): EventPublisher & { close(): Promise<void> } {
  if (config.AMQP_URL) {
    return createAmqpPublisher({
      url: config.AMQP_URL,
      topology: memberEventsTopology(config.AMQP_PREFIX),
      heartbeatSeconds: config.AMQP_HEARTBEAT_SECONDS,
      confirmTimeoutMs: config.EVENT_DELIVERY_TIMEOUT_MS,
      logger,
      name: 'members-reconcile',
    });
  }
  if (!config.EVENTS_SECRET) throw new Error('EVENTS_SECRET is required to re-publish over HTTP (or set AMQP_URL)');
  const http = createHttpPublisher({
    url: config.NICKNAME_HISTORY_EVENTS_URL,
    secret: config.EVENTS_SECRET,
    timeoutMs: config.EVENT_DELIVERY_TIMEOUT_MS,
  });
  return { ...http, close: () => Promise.resolve() };
}

/** Publishes the re-queued rows now, in case no members replica (hence no relay) is running. */
async function deliver(db: MembersClient, ids: string[], config: ReconcileEnv): Promise<void> {
  const publisher = publisherFor(config);
  const relay = startOutboxRelay(db, publisher, logger, { ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: 200 });
  try {
    const deadline = Date.now() + 60_000;
    while ((await db.outboxEvent.count({ where: { id: { in: ids }, publishedAt: null } })) > 0) {
      if (Date.now() > deadline) throw new Error('re-published events were not all confirmed within 60 s; the relay keeps trying');
      relay.wake();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await relay.stop();
    await publisher.close();
  }
}

const membersDb = await open(env.MEMBERS_DATABASE_URL, env.MEMBERS_DATA_DIR);
const historyDb = await open(env.NICKNAME_HISTORY_DATABASE_URL, env.NICKNAME_HISTORY_DATA_DIR);
const members = new MembersClient({ adapter: membersDb.adapterFactory });
const history = new HistoryClient({ adapter: historyDb.adapterFactory });
let exitCode = 1;
try {
  const report = await reconcile(members, history, { dryRun: env.RECONCILE_DRY_RUN });
  const ids = [...report.republishedEventIds, ...report.synthesizedEventIds];
  if (!report.dryRun && ids.length > 0) await deliver(members, ids, env);
  const outbox = await outboxBacklog(members);
  const deadLetters = await deadLetterDepth(env);
  process.stdout.write(`${JSON.stringify({ ...report, outbox, deadLetters }, null, 2)}\n`);
  process.stderr.write(
    `checked ${report.membersChecked} members: ${report.inSync} in sync, ${report.drifted} drifted ` +
      `(${report.inFlight} in flight, ${report.conflicts} conflicts), ${ids.length} event(s) ` +
      `${report.dryRun ? 'would be ' : ''}re-published, ${report.unrecoverableVersions} version(s) unrecoverable; ` +
      `outbox lag ${outbox.oldestPendingAgeMs ?? 0} ms; dead letters ${deadLetters?.depth ?? 'n/a'}\n`,
  );
  exitCode = report.drifted > 0 ? 2 : 0;
} catch (error) {
  logger.error({ err: error }, 'reconcile failed');
} finally {
  await members.$disconnect();
  await history.$disconnect();
  await membersDb.close();
  await historyDb.close();
}
process.exit(exitCode);
