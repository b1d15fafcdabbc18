import { createLogger, onShutdownSignal } from '@mp/service-kit';
import { readEnv } from './env.js';
import { buildGateway } from './server.js';

const env = readEnv();
const logger = createLogger({ service: 'gateway', level: env.LOG_LEVEL });

const gateway = await buildGateway({
  logger,
  subgraphUrls: { members: env.MEMBERS_URL, 'nickname-history': env.NICKNAME_HISTORY_URL },
  gatewaySecret: env.GATEWAY_SECRET,
  subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
});
const url = await gateway.http.listen(env.PORT, env.HOST);
logger.info({ url: `${url}/graphql` }, 'gateway ready');

onShutdownSignal(logger, () => gateway.close());
