import type { RequestHandler } from 'express';

/**
 * `GET /` is where a person lands first: a browser goes on to GraphiQL when it is served, and
 * anything else is told where the API is, instead of Express's "Cannot GET /".
 */
export function rootRoute({ graphiql }: { graphiql: boolean }): RequestHandler {
  return (req, res) => {
    if (graphiql && req.accepts(['application/json', 'text/html']) === 'text/html') {
      res.redirect(302, '/graphiql/');
      return;
    }
    res.json({
      message: `This is a GraphQL API: POST operations to /graphql${graphiql ? '; explore it at /graphiql/' : ''}.`,
      graphql: '/graphql',
      ...(graphiql ? { graphiql: '/graphiql/' } : {}),
    });
  };
}
