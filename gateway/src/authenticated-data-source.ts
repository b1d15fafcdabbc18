import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { GATEWAY_SECRET_HEADER, IDENTITY_HEADER, REQUEST_ID_HEADER, type Logger } from '@mp/service-kit';
import type { GatewayContext } from './context.js';

interface SubgraphErrorBody {
  errors?: { message?: unknown; extensions?: { code?: unknown } }[];
}

/**
 * Proves to each subgraph that the request comes from this gateway, vouches for the caller (an
 * identity signed with the gateway secret: clients cannot write one), forwards the request id, and
 * turns a subgraph's HTTP error answer into an error that says whose fault it is. Apollo's own
 * version copies the subgraph's URL and body into the error's extensions (internal hosts for
 * clients to read) and calls a refused gateway secret the client's UNAUTHENTICATED.
 */
export class AuthenticatedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly secret: string,
    private readonly serviceName: string,
    private readonly logger: Logger,
  ) {
    super(config);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    request.http?.headers.set(GATEWAY_SECRET_HEADER, this.secret);
    if ('identityAssertion' in context && typeof context.identityAssertion === 'string') {
      request.http?.headers.set(IDENTITY_HEADER, context.identityAssertion);
    } else {
      request.http?.headers.delete(IDENTITY_HEADER);
    }
    if ('requestId' in context && typeof context.requestId === 'string') {
      request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    }
  }

  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = (await response.json().catch(() => null)) as SubgraphErrorBody | null;
    const { serviceName } = this;
    const first = body?.errors?.[0];
    if (response.status === 413) {
      // Only a large client request makes the gateway send a subgraph something this large.
      this.logger.warn({ serviceName, status: response.status }, 'subgraph refused a request as too large');
      return new GraphQLError(`This request is too large for the ${serviceName} service: ask for fewer items or fields`, {
        extensions: { code: 'BAD_REQUEST', serviceName },
      });
    }
    if (response.status === 400 && first?.extensions?.code === 'BAD_USER_INPUT' && typeof first.message === 'string') {
      // The subgraph's own input check (the gateway checks first): still the client's mistake.
      return new GraphQLError(first.message, { extensions: { code: 'BAD_USER_INPUT', serviceName } });
    }
    // Anything else (a refused gateway secret included) is ours to fix: masked for the client.
    return new GraphQLError(`${serviceName} answered HTTP ${response.status}`, {
      extensions: { code: 'SUBGRAPH_HTTP_ERROR', serviceName, status: response.status, errors: body?.errors?.slice(0, 3) },
    });
  }
}
