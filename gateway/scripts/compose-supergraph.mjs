#!/usr/bin/env node
// Composes the supergraph from the subgraphs' SDL files at build time. A composition error
// fails the build, so an incompatible subgraph change never reaches a running gateway.
import { readFile, writeFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

const root = new URL('../../', import.meta.url);
// Routing URLs here are the local defaults; the gateway overrides them from its environment.
const subgraphs = [
  { name: 'members', url: 'http://127.0.0.1:4001/graphql', schema: 'subgraphs/members/schema.graphql' },
  { name: 'nickname-history', url: 'http://127.0.0.1:4002/graphql', schema: 'subgraphs/nickname-history/schema.graphql' },
];

const services = await Promise.all(
  subgraphs.map(async ({ name, url, schema }) => ({
    name,
    url,
    typeDefs: parse(await readFile(new URL(schema, root), 'utf8')),
  })),
);
const result = composeServices(services);
if (result.errors) {
  for (const error of result.errors) console.error(`composition error: ${error.message}`);
  process.exit(1);
}
await writeFile(new URL('../supergraph.graphql', import.meta.url), result.supergraphSdl);
console.log('supergraph -> gateway/supergraph.graphql');
