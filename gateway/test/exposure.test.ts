import { TestSystem } from './support/system.js';

describe('with GraphiQL and introspection off (the production default)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start('postgres', { graphiql: false, introspection: false });
  });
  afterAll(async () => {
    await system?.close();
  });

  it('serves no explorer and refuses introspection, but runs operations', async () => {
    const origin = new URL(system.gatewayUrl).origin;
    expect((await fetch(`${origin}/graphiql/`)).status).toBe(404);
    // The root points people at the API instead of answering "Cannot GET /".
    const root = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    expect(root.status).toBe(200);
    expect(await root.json()).toEqual({ message: 'This is a GraphQL API: POST operations to /graphql.', graphql: '/graphql' });
    const introspection = await system.query('{ __schema { queryType { name } } }');
    expect(introspection.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/introspection is not allowed/),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(await system.query('{ members(first: 1) { pageInfo { hasNextPage } } }')).toEqual({
      data: { members: { pageInfo: { hasNextPage: false } } },
    });
  });
});
