import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GATEWAY_SECRET_HEADER, REQUEST_ID_HEADER } from '@mp/service-kit';
import type { GatewayContext } from './context.js';

/** Proves to each subgraph that the request comes from this gateway, and forwards the request id. */
export class AuthenticatedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly secret: string,
  ) {
    super(config);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    request.http?.headers.set(GATEWAY_SECRET_HEADER, this.secret);
    if ('requestId' in context && typeof context.requestId === 'string') {
      request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    }
  }
}
