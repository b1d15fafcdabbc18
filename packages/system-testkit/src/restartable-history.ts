import type { Logger } from 'pino';
import type { PrismaClient as HistoryClient } from '@mp/prisma/nickname-history';
import { buildServer as buildHistory, invalidatingCache, type HistoryServer } from '@mp/nickname-history';
import type { InvalidateCache } from '@mp/service-kit';
import { TEST_EVENTS_SECRET, TEST_GATEWAY_SECRET } from './secrets.js';

/** nickname-history's API on a fixed port that can be stopped and started again, as in an outage. */
export class RestartableHistory {
  private server: HistoryServer | null = null;
  private port = 0;
  /** Base URL (no path); stays the same across restarts. */
  url = '';

  constructor(
    private readonly client: HistoryClient,
    private readonly logger: Logger,
    private readonly invalidateCache: InvalidateCache,
  ) {}

  async start(): Promise<void> {
    this.server = await buildHistory({
      db: this.client,
      logger: this.logger,
      gatewaySecret: TEST_GATEWAY_SECRET,
      eventsSecret: TEST_EVENTS_SECRET,
      recordedEvents: invalidatingCache(this.invalidateCache),
    });
    this.url = await this.server.http.listen(this.port);
    this.port = Number(new URL(this.url).port);
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }
}
