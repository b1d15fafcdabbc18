/**
 * The subgraphs this gateway composes and routes to: the one list that composition, routing,
 * the environment and readiness all read. A new subgraph is one entry here.
 */
export const SUBGRAPHS = [
  {
    name: 'members',
    schemaPath: 'subgraphs/members/schema.graphql',
    urlVariable: 'MEMBERS_URL',
    defaultUrl: 'http://127.0.0.1:4001/graphql',
  },
  {
    name: 'nickname-history',
    schemaPath: 'subgraphs/nickname-history/schema.graphql',
    urlVariable: 'NICKNAME_HISTORY_URL',
    defaultUrl: 'http://127.0.0.1:4002/graphql',
  },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];
export type SubgraphUrlVariable = (typeof SUBGRAPHS)[number]['urlVariable'];

export const SUBGRAPH_NAMES: readonly SubgraphName[] = SUBGRAPHS.map((subgraph) => subgraph.name);

export const isSubgraphName = (name: string): name is SubgraphName => (SUBGRAPH_NAMES as readonly string[]).includes(name);

/** One value per subgraph, built from its name. */
export const perSubgraph = <T>(make: (name: SubgraphName) => T): Record<SubgraphName, T> =>
  Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, make(name)])) as Record<SubgraphName, T>;

/** Routing URLs from the validated environment. */
export const subgraphUrlsFrom = (env: Record<SubgraphUrlVariable, string>): Record<SubgraphName, string> =>
  perSubgraph((name) => env[SUBGRAPHS.find((subgraph) => subgraph.name === name)!.urlVariable]);
