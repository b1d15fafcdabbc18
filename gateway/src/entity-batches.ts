import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLFormattedError } from 'graphql';

/** An `_entities` fetch of the query plan: its operation and variables, `representations` among them. */
export interface EntityFetch {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> & { representations: unknown[] };
}

type Send<C> = (fetch: EntityFetch, requestContext: C) => Promise<GatewayGraphQLResponse>;

interface Member {
  fetch: EntityFetch;
  resolve: (response: GatewayGraphQLResponse) => void;
  reject: (error: unknown) => void;
}

export const isEntityFetch = (variables: Record<string, unknown> | undefined): boolean => Array.isArray(variables?.['representations']);

/** The member's share of the merged answer: its slice of `_entities`, and the errors about that slice (re-indexed) or about all. */
function shareOf(response: GatewayGraphQLResponse, offset: number, count: number): GatewayGraphQLResponse {
  const entities = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  const errors: GraphQLFormattedError[] = [];
  for (const error of response.errors ?? []) {
    const index = error.path?.[0] === '_entities' ? error.path[1] : undefined;
    if (typeof index !== 'number') errors.push(error);
    else if (index >= offset && index < offset + count)
      errors.push({ ...error, path: ['_entities', index - offset, ...error.path!.slice(2)] });
  }
  return {
    data: Array.isArray(entities) ? { _entities: entities.slice(offset, offset + count) } : (response.data ?? null),
    ...(errors.length > 0 ? { errors } : {}),
  };
}

async function sendMerged<C>(members: Member[], requestContext: C, send: Send<C>) {
  const [first] = members as [Member, ...Member[]];
  if (members.length === 1) return send(first.fetch, requestContext).then(first.resolve, first.reject);
  const representations = members.flatMap((member) => member.fetch.variables.representations);
  try {
    const response = await send({ ...first.fetch, variables: { ...first.fetch.variables, representations } }, requestContext);
    let offset = 0;
    for (const member of members) {
      const count = member.fetch.variables.representations.length;
      member.resolve(shareOf(response, offset, count));
      offset += count;
    }
  } catch (error) {
    for (const member of members) member.reject(error);
  }
}

/**
 * Batch delegation: Apollo's query planner gives each aliased path its own `_entities` fetch, so
 * ten aliases of `member(id:)` with their history cost ten requests to the history subgraph, and
 * its DataLoader cannot batch across requests. The entity fetches one client request makes in the
 * same turn of the event loop with the same operation and the same other variables are sent as one,
 * their representations concatenated, and the answer split back in order.
 */
export function entityBatches<C extends object>(send: Send<C>) {
  const pending = new WeakMap<C, Map<string, Member[]>>();
  return (requestContext: C, fetch: EntityFetch): Promise<GatewayGraphQLResponse> =>
    new Promise((resolve, reject) => {
      // The same operation and the same variables but the representations (left out as undefined).
      const key = `${fetch.query}\n${JSON.stringify({ ...fetch.variables, representations: undefined })}`;
      let batches = pending.get(requestContext);
      if (!batches) {
        const created = new Map<string, Member[]>();
        pending.set(requestContext, created);
        batches = created;
        setImmediate(() => {
          pending.delete(requestContext);
          for (const members of created.values()) void sendMerged(members, requestContext, send);
        });
      }
      const members = batches.get(key) ?? [];
      if (members.length === 0) batches.set(key, members);
      members.push({ fetch, resolve, reject });
    });
}
