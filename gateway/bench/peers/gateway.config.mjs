// Hive Gateway for the peer benchmark: its defaults, plus forwarding the two headers our
// subgraphs require (the gateway secret, and the caller's identity signed with it), which the
// benchmark sends as a client.
const FORWARDED = ['x-gateway-secret', 'x-member-identity'];

export const gatewayConfig = {
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => Object.fromEntries(FORWARDED.map((name) => [name, request.headers.get(name) ?? ''])),
  },
};
