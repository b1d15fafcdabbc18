import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse, printSchema } from 'graphql';

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

export interface ComposedSchemas {
  /** What the gateway plans with: the API plus every `join__`/`link__` federation detail. */
  supergraphSdl: string;
  /** What clients see (introspection, codegen, GraphiQL): the API with no federation internals. */
  apiSdl: string;
}

function compose(subgraphs: readonly SubgraphSource[]) {
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return result;
}

/** Composes the supergraph SDL or throws every composition error at once. */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): string {
  return compose(subgraphs).supergraphSdl;
}

export function composeSchemas(subgraphs: readonly SubgraphSource[]): ComposedSchemas {
  const result = compose(subgraphs);
  return { supergraphSdl: result.supergraphSdl, apiSdl: `${printSchema(result.schema.toAPISchema().toGraphQLJSSchema())}\n` };
}
