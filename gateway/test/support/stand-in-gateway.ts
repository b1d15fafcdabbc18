import { pino } from 'pino';
import { buildGateway, type GatewayDeps, type GatewayServer } from '../../src/server.js';
import type { SubgraphName } from '../../src/subgraphs.js';
import { protectionDefaults } from './gateway-defaults.js';
import { TestIssuer } from './issuer.js';

/**
 * A gateway in front of stand-in subgraphs: production's protections, a silent log, listening on
 * port 0 and ready (every stand-in answered its probe). `overrides` win over every default.
 */
export async function gatewayInFront(
  subgraphUrls: Record<SubgraphName, string>,
  overrides: Partial<GatewayDeps> = {},
): Promise<{ gateway: GatewayServer; origin: string }> {
  const gateway = await buildGateway({
    tokenVerifier: (await TestIssuer.create()).verifier(),
    ...protectionDefaults(),
    logger: pino({ level: 'silent' }),
    gatewaySecret: 'stand-in-gateway-secret-0123456789abcdef',
    subgraphTimeoutMs: 10_000,
    subgraphUrls,
    graphiql: false,
    introspection: false,
    persistedDocuments: null,
    ...overrides,
  });
  const origin = await gateway.http.listen(0);
  await gateway.ready;
  return { gateway, origin };
}
