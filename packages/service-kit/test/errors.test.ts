import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { BadUserInputError, createErrorMasker } from '../src/errors.js';
import { ScalarShapeError } from '../src/scalars.js';

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
});
