import type { ApolloServerPlugin } from '@apollo/server';
import { cacheControlFromInfo } from '@apollo/cache-control-types';
import { isCompositeType, type GraphQLResolveInfo } from 'graphql';

/**
 * The response header in which a subgraph names what its answer holds (e.g. `member:<id>`), so
 * that a cache in front of it can drop the answer when one of those things changes. On a mutation's
 * answer it names what the mutation changed.
 */
export const CACHE_TAG_HEADER = 'cache-tag';

/** A tag for one thing: `<kind>:<id>`, the id encoded so tags never hold the separators (`,` and spaces). */
export const cacheTag = (kind: string, id: string): string => `${kind}:${encodeURIComponent(id)}`;

export const parseCacheTags = (header: string | undefined): string[] =>
  header ? header.split(',').filter((tag) => tag !== '' && !/\s/.test(tag)) : [];

/** Writes the tags a request's resolvers collected (`tagsOf` its context) into CACHE_TAG_HEADER. */
export function cacheTagsHeader<TContext extends object>(tagsOf: (context: TContext) => ReadonlySet<string>): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        willSendResponse: ({ contextValue, response }) => {
          const tags = tagsOf(contextValue);
          if (tags.size > 0) response.http.headers.set(CACHE_TAG_HEADER, [...tags].join(','));
          return Promise.resolve();
        },
      }),
  };
}

/**
 * In `__resolveReference`: an entity answers through `_entities`, whose union type carries no
 * cache hint, so the entity type's own `@cacheControl` hint is applied to it here.
 */
export function hintFromEntityType(info: GraphQLResolveInfo, typeName: string): void {
  const type = info.schema.getType(typeName);
  if (!type || !isCompositeType(type)) throw new Error(`${typeName} is not a composite type of this schema`);
  const cacheControl = cacheControlFromInfo(info);
  cacheControl.setCacheHint(cacheControl.cacheHintFromType(type) ?? {});
}
