import { createLogger, onShutdownSignal } from '@mp/service-kit';
import { applyMigrations, openDatabase, type DatabaseTarget } from '@mp/prisma';
import { PrismaClient } from '@mp/prisma/nickname-history';
import { readEnv } from './env.js';
import { buildServer } from './server.js';

const env = readEnv();
const logger = createLogger({ service: 'nickname-history', level: env.LOG_LEVEL });

const target: DatabaseTarget = env.NICKNAME_HISTORY_DATABASE_URL
  ? { kind: 'postgres', url: env.NICKNAME_HISTORY_DATABASE_URL }
  : { kind: 'embedded', dataDir: env.NICKNAME_HISTORY_DATA_DIR };
const database = await openDatabase(target, { poolSize: env.DATABASE_POOL_SIZE });
const applied = await applyMigrations('nickname-history', database);
logger.info({ database: target.kind, applied }, 'migrations applied');

const db = new PrismaClient({ adapter: database.adapterFactory });
const server = await buildServer({ db, logger, gatewaySecret: env.GATEWAY_SECRET, eventsSecret: env.EVENTS_SECRET });
const url = await server.http.listen(env.PORT, env.HOST);
logger.info({ url: `${url}/graphql` }, 'nickname-history subgraph ready');

onShutdownSignal(logger, async () => {
  await server.close();
  await db.$disconnect();
  await database.close();
});
