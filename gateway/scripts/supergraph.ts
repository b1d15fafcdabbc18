import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse, printSchema } from 'graphql';
import { SUBGRAPHS } from '../src/subgraphs.js';

export interface SubgraphSource {
  name: string;
  /** Default routing URL; the gateway overrides it from its environment. */
  url: string;
  sdl: string;
}

const root = new URL('../../', import.meta.url);

export async function readSubgraphs(): Promise<SubgraphSource[]> {
  return Promise.all(
    SUBGRAPHS.map(async ({ name, defaultUrl, schemaPath }) => ({
      name,
      url: defaultUrl,
      sdl: await readFile(new URL(schemaPath, root), 'utf8'),
    })),
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
