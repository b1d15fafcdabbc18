import { GraphQLError } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { pino } from 'pino';
import { BadUserInputError, createErrorMasker } from '../src/errors.js';
import { DateScalar, ScalarShapeError } from '../src/scalars.js';

const captured: { msg: string; err?: { message: string } }[] = [];
const mask = createErrorMasker(pino({ level: 'error' }, { write: (line: string) => captured.push(JSON.parse(line) as never) }));

describe('createErrorMasker', () => {
  it('passes client-safe errors through without stack traces', () => {
    const error = new BadUserInputError('first must be between 1 and 100', 'first');
    const formatted = mask({ message: error.message, extensions: { ...error.extensions, stacktrace: ['at x'] } }, error);
    expect(formatted).toEqual({
      message: 'first must be between 1 and 100',
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' },
    });
  });

  it('masks anything else and logs the original', () => {
    const original = new Error('relation "member" does not exist at SELECT * FROM member');
    const formatted = mask(
      { message: original.message, path: ['member'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at db'] } },
      new GraphQLError(original.message, { originalError: original }),
    );
    expect(formatted).toEqual({ message: 'Internal server error', path: ['member'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(captured.at(-1)).toMatchObject({ msg: 'unexpected error in GraphQL operation', err: { message: original.message } });
  });

  it('answers SERVICE_UNAVAILABLE, without driver detail, when the database pool refused the query', () => {
    const refused = Object.assign(new Error('Invalid `prisma.member.findMany()` invocation: database busy: 40 queries already wait'), {
      code: 'DATABASE_BUSY',
    });
    const formatted = mask(
      { message: refused.message, path: ['members'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      new GraphQLError(refused.message, { originalError: refused }),
    );
    expect(formatted).toEqual({
      message: 'The service is busy: try again shortly.',
      path: ['members'],
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });

  it('masks errors that claim no code', () => {
    expect(mask({ message: 'secret detail' }, new Error('secret detail')).message).toBe('Internal server error');
  });

  it('calls a literal a custom scalar refused BAD_USER_INPUT, not a validation failure', () => {
    const refused = new GraphQLError('Expected value of type "Date!", found "1990-5-1"; Date must be "YYYY-MM-DD"', {
      originalError: new ScalarShapeError('Date must be "YYYY-MM-DD"'),
    });
    const formatted = mask(
      { message: refused.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      new GraphQLError(refused.message, { originalError: refused }),
    );
    expect(formatted).toEqual({ message: refused.message, extensions: { code: 'BAD_USER_INPUT' } });
  });

  describe('through Apollo Server', () => {
    const server = new ApolloServer({
      typeDefs: `
        enum Order { NEWEST OLDEST }
        input Filter { name: String! }
        type Query { items(first: Int, order: Order, filter: Filter): Int, on(day: Date): Int }
        scalar Date`,
      resolvers: { Query: { items: () => 1, on: () => 1 }, Date: DateScalar },
      formatError: mask,
    });
    beforeAll(async () => {
      await server.start();
      captured.length = 0;
    });
    afterAll(() => server.stop());

    const run = async (query: string, variables?: Record<string, unknown>) => {
      const { body, http } = await server.executeOperation({ query, variables });
      if (body.kind !== 'single') throw new Error('expected a single result');
      return { status: http.status ?? 200, errors: body.singleResult.errors };
    };

    it.each([
      ['an Int beyond 32 bits', '{ items(first: 99999999999) }'],
      ['a string for an Int', '{ items(first: "ten") }'],
      ['an unknown enum value', '{ items(order: SIDEWAYS) }'],
      ['an input object missing a required field', '{ items(filter: {}) }'],
      ['an input object with an unknown field', '{ items(filter: { name: "x", colour: "red" }) }'],
      ['a custom scalar of the wrong shape', '{ on(day: "1990-5-1") }'],
      ['a default value of the wrong shape', 'query($day: Date = "1990-5-1") { on(day: $day) }'],
    ])('calls a literal that cannot be coerced (%s) BAD_USER_INPUT, as the same value in a variable is', async (_name, query) => {
      const { status, errors } = await run(query);
      expect(status).toBe(400);
      expect(errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]);
    });

    it.each([
      ['an unknown field', '{ nothing }'],
      ['an unknown argument', '{ items(last: 1) }'],
      ['a variable of the wrong type for its position', 'query($n: String) { items(first: $n) }'],
      ['an undefined variable', '{ items(first: $n) }'],
    ])('keeps GRAPHQL_VALIDATION_FAILED for a document that does not fit the schema (%s)', async (_name, query) => {
      const { status, errors } = await run(query);
      expect(status).toBe(400);
      expect(errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    });

    it('logs none of them as errors', () => {
      expect(captured).toEqual([]);
    });
  });
});
