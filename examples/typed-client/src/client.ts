import type { TypedDocumentString } from './generated/graphql.js';

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string } & Record<string, unknown>;
}

/** One GraphQL response, typed by the document that asked for it. */
export interface GraphQLResult<TData> {
  /** HTTP status: 200 when the operation ran; 4xx when the gateway refused the request. */
  status: number;
  data?: TData | null;
  errors?: GraphQLErrorShape[];
}

export interface ClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /**
   * Send each document by its id from persisted-documents.json instead of its text: required
   * when the gateway runs in trusted-documents mode, and smaller on the wire either way.
   */
  persisted?: boolean;
  /** Who the client acts for: a bearer token from the identity provider, fetched per request (it may refresh). */
  token?: () => Promise<string>;
}

/** A minimal typed GraphQL client over fetch: the generated documents carry every type. */
export function createClient({ url, persisted = false, token }: ClientOptions) {
  return async function execute<TData, TVariables>(
    document: TypedDocumentString<TData, TVariables>,
    variables: TVariables,
  ): Promise<GraphQLResult<TData>> {
    const hash: unknown = document.__meta__?.['hash'];
    if (persisted && typeof hash !== 'string')
      throw new Error('document has no persisted id: generate with presetConfig.persistedDocuments');
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${await token()}` } : {}),
      },
      body: JSON.stringify(persisted ? { documentId: hash, variables } : { query: document.toString(), variables }),
    });
    if (!/json/.test(response.headers.get('content-type') ?? '')) {
      throw new Error(`GraphQL request failed: HTTP ${response.status} ${await response.text()}`);
    }
    const body = (await response.json()) as Omit<GraphQLResult<TData>, 'status'>;
    return { status: response.status, ...body };
  };
}

export type Execute = ReturnType<typeof createClient>;
