import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export interface SubgraphSource {
  name: string;
  /** Default routing URL; the gateway overrides it from its environment. */
  url: string;
  sdl: string;
}

const root = new URL('../../', import.meta.url);

export const SUBGRAPHS = [
  { name: 'members', url: 'http://127.0.0.1:4001/graphql', schema: 'subgraphs/members/schema.graphql' },
  { name: 'nickname-history', url: 'http://127.0.0.1:4002/graphql', schema: 'subgraphs/nickname-history/schema.graphql' },
] as const;

export async function readSubgraphs(): Promise<SubgraphSource[]> {
  return Promise.all(
    SUBGRAPHS.map(async ({ name, url, schema }) => ({ name, url, sdl: await readFile(new URL(schema, root), 'utf8') })),
  );
}

export class CompositionError extends Error {
  constructor(readonly messages: string[]) {
    super(`supergraph composition failed:\n${messages.map((m) => `  - ${m}`).join('\n')}`);
  }
}

/** Composes the supergraph SDL or throws every composition error at once. */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): string {
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return result.supergraphSdl;
}
