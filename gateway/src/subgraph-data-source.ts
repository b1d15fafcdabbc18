import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, Kind, OperationTypeNode, type DocumentNode } from 'graphql';
import { GATEWAY_SECRET_HEADER, IDENTITY_HEADER, REQUEST_ID_HEADER, type Logger } from '@mp/service-kit';
import type { GatewayContext } from './context.js';
import { entityBatches, isEntityFetch, type EntityFetch } from './entity-batches.js';
import type { SubgraphAnswer, SubgraphFetcher } from './subgraph-fetcher.js';
import type { SubgraphAnswerCache } from './subgraph-cache.js';

interface SubgraphErrorBody {
  errors?: { message?: unknown; extensions?: { code?: unknown } }[];
}

const isJson = (contentType: string | undefined) =>
  contentType !== undefined && (contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json'));

const isMutation = (document: DocumentNode | undefined, query: string) =>
  document
    ? document.definitions.some(
        (definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.MUTATION,
      )
    : /^\s*mutation\b/.test(query);

const contextOf = (options: GraphQLDataSourceProcessOptions<GatewayContext>): Partial<GatewayContext> =>
  'incomingRequestContext' in options ? options.context : {};

/**
 * How the gateway asks a subgraph: proves the request comes from this gateway (the secret),
 * vouches for the caller (an identity signed with the secret: clients cannot write one), forwards
 * the request id, merges one request's entity fetches (batch delegation), lets identical queries
 * in flight share one fetch, and turns a subgraph's HTTP error answer into an error that says whose
 * fault it is. Apollo's RemoteGraphQLDataSource copies the subgraph's URL and body into the error's
 * extensions (internal hosts for clients to read), calls a refused gateway secret the client's
 * UNAUTHENTICATED, and builds node-fetch headers and a Request per fetch that nothing here reads.
 */
/**
 * Counts the mutations this gateway has seen answered. It is part of every share key, so a query
 * sent after a write's answer never joins a fetch that started before it (and may have read the
 * data before the write): whoever wrote reads their write.
 */
export class WriteGeneration {
  current = 0;
}

export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly batchedEntityFetch = entityBatches<GatewayContext>((fetch, context) => this.send(fetch, context, true));

  constructor(
    private readonly subgraph: SubgraphFetcher,
    private readonly secret: string,
    private readonly serviceName: string,
    private readonly logger: Logger,
    private readonly writes: WriteGeneration,
    private readonly cache: SubgraphAnswerCache | null = null,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { query, variables, operationName } = options.request;
    if (!query) throw new Error('Missing query');
    if ('incomingRequestContext' in options && isEntityFetch(variables)) {
      return this.batchedEntityFetch(options.context, { query, operationName, variables } as EntityFetch);
    }
    const request = { query, operationName, variables };
    const context = contextOf(options);
    if (!isMutation('document' in options ? options.document : undefined, query)) return this.send(request, context, true);
    try {
      return await this.send(request, context, false);
    } finally {
      this.writes.current += 1;
    }
  }

  private headersFor(context: Partial<GatewayContext> | undefined): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', [GATEWAY_SECRET_HEADER]: this.secret };
    if (typeof context?.identityAssertion === 'string') headers[IDENTITY_HEADER] = context.identityAssertion;
    if (typeof context?.requestId === 'string') headers[REQUEST_ID_HEADER] = context.requestId;
    return headers;
  }

  /** A query may be answered from the cache; a mutation is always sent, and what it changed is dropped here. */
  private async send(
    request: { query: string; operationName: string | undefined; variables: Record<string, unknown> | undefined },
    context: Partial<GatewayContext> | undefined,
    isQuery: boolean,
  ): Promise<GatewayGraphQLResponse> {
    const headers = this.headersFor(context);
    const body = JSON.stringify(request);
    const fetch = () =>
      this.subgraph.send({
        headers,
        body,
        ...(isQuery ? { shareKey: `${this.writes.current}\n${headers[IDENTITY_HEADER] ?? 'anonymous'}` } : {}),
      });
    const { cache } = this;
    let answer: SubgraphAnswer;
    if (!cache) answer = await fetch();
    else if (isQuery)
      answer = await cache.query(this.serviceName, { query: request.query, body, identity: context?.identity ?? null }, fetch);
    else {
      answer = await fetch();
      cache.dropChanged(answer);
    }
    if (answer.status < 200 || answer.status >= 300) throw this.errorFrom(answer);
    const result: unknown = isJson(answer.contentType) ? JSON.parse(answer.text) : answer.text;
    if (typeof result !== 'object' || result === null)
      throw new Error(`Expected JSON response body, but received: ${answer.text.slice(0, 100)}`);
    return result;
  }

  private errorFrom(answer: SubgraphAnswer): GraphQLError {
    const { serviceName } = this;
    let body: SubgraphErrorBody | null = null;
    try {
      body = JSON.parse(answer.text) as SubgraphErrorBody;
    } catch {
      // Not JSON: the status alone says what happened.
    }
    const first = body?.errors?.[0];
    if (answer.status === 413) {
      // Only a large client request makes the gateway send a subgraph something this large.
      this.logger.warn({ serviceName, status: answer.status }, 'subgraph refused a request as too large');
      return new GraphQLError(`This request is too large for the ${serviceName} service: ask for fewer items or fields`, {
        extensions: { code: 'BAD_REQUEST', serviceName },
      });
    }
    if (answer.status === 400 && first?.extensions?.code === 'BAD_USER_INPUT' && typeof first.message === 'string') {
      // The subgraph's own input check (the gateway checks first): still the client's mistake.
      return new GraphQLError(first.message, { extensions: { code: 'BAD_USER_INPUT', serviceName } });
    }
    // Anything else (a refused gateway secret included) is ours to fix: masked for the client.
    return new GraphQLError(`${serviceName} answered HTTP ${answer.status}`, {
      extensions: { code: 'SUBGRAPH_HTTP_ERROR', serviceName, status: answer.status, errors: body?.errors?.slice(0, 3) },
    });
  }
}
