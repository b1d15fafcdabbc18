// Hive Gateway with its response cache, for the cache benchmark: whole responses kept in its
// in-memory store for everyone (one global session, as the reads are public), for as long as our
// subgraphs' longest max-age, and dropped when a mutation's result names an entity they hold
// (its default). It forwards the two headers our subgraphs require, as gateway.config.mjs does.
const FORWARDED = ['x-gateway-secret', 'x-member-identity'];

export const gatewayConfig = {
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => Object.fromEntries(FORWARDED.map((name) => [name, request.headers.get(name) ?? ''])),
  },
  responseCaching: {
    session: () => null,
    ttl: 300_000,
  },
};
