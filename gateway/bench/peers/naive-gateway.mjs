// The Apollo Gateway a typical user writes from the docs: default options, standalone server,
// forwarding the two headers our subgraphs require. Usage: node naive-gateway.mjs SUPERGRAPH PORT
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';

const [file, port] = process.argv.slice(2);
const FORWARDED = ['x-gateway-secret', 'x-member-identity'];

class Forwarding extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    for (const name of FORWARDED) if (context.headers[name]) request.http.headers.set(name, context.headers[name]);
  }
}

const gateway = new ApolloGateway({ supergraphSdl: readFileSync(file, 'utf8'), buildService: ({ url }) => new Forwarding({ url }) });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(port) },
  context: ({ req }) => Promise.resolve({ headers: req.headers }),
});
console.log(`naive apollo gateway ready at ${url}`);
