import { createLogger, onShutdownSignal } from '@mp/service-kit';
import { applyMigrations, openDatabase, type DatabaseTarget } from '@mp/prisma';
import { PrismaClient } from '@mp/prisma/members';
import { readEnv } from './env.js';
import { buildServer } from './server.js';
import { createHttpPublisher } from './outbox/http-publisher.js';
import { DEFAULT_RELAY_OPTIONS, startOutboxRelay } from './outbox/relay.js';
import { outboxBacklog } from './outbox/outbox-store.js';

const env = readEnv();
const logger = createLogger({ service: 'members', level: env.LOG_LEVEL });

const target: DatabaseTarget = env.MEMBERS_DATABASE_URL
  ? { kind: 'postgres', url: env.MEMBERS_DATABASE_URL }
  : { kind: 'embedded', dataDir: env.MEMBERS_DATA_DIR };
const database = await openDatabase(target, { poolSize: env.DATABASE_POOL_SIZE });
const applied = await applyMigrations('members', database);
logger.info({ database: target.kind, applied }, 'migrations applied');

const db = new PrismaClient({ adapter: database.adapterFactory });
const relay = startOutboxRelay(
  db,
  createHttpPublisher({ url: env.NICKNAME_HISTORY_EVENTS_URL, secret: env.EVENTS_SECRET, timeoutMs: env.EVENT_DELIVERY_TIMEOUT_MS }),
  logger.child({ component: 'outbox-relay' }),
  { ...DEFAULT_RELAY_OPTIONS, pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS },
);
const server = await buildServer({
  db,
  logger,
  gatewaySecret: env.GATEWAY_SECRET,
  eventsWritten: () => relay.wake(),
  readiness: async () => ({ outbox: await outboxBacklog(db) }),
});
const url = await server.http.listen(env.PORT, env.HOST);
logger.info({ url: `${url}/graphql` }, 'members subgraph ready');

onShutdownSignal(logger, async () => {
  await server.close();
  await relay.stop();
  await db.$disconnect();
  await database.close();
});
