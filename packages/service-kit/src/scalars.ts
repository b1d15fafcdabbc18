import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export const DATE_EXPECTED = 'Date must be "YYYY-MM-DD"';
export const DATE_TIME_EXPECTED = 'DateTime must be an ISO-8601 instant in UTC, e.g. "2026-11-21T22:12:48.123Z"';

/**
 * A literal of the wrong shape. Thrown as a plain Error on purpose: graphql-js then reports it as
 * `Expected value of type "Date", found "1990-5-1"; Date must be "YYYY-MM-DD"` with the literal's
 * location (a GraphQLError would be reported bare, without either). Error maskers recognise it
 * as the client's mistake (see isScalarShapeError).
 */
export class ScalarShapeError extends Error {
  override readonly name = 'ScalarShapeError';
}

/** A variable of the wrong shape: graphql-js names the variable and path in front of this message. */
const badVariable = (expected: string) => new GraphQLError(expected, { extensions: { code: 'BAD_USER_INPUT' } });

/** True when `error` (or what it wraps) is a custom scalar refusing a literal's shape. */
export function isScalarShapeError(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = (current as { originalError?: unknown }).originalError) {
    if (current instanceof ScalarShapeError) return true;
  }
  return false;
}

const stringLiteral = (ast: ValueNode, expected: string): string => {
  if (ast.kind !== Kind.STRING) throw new ScalarShapeError(expected);
  return ast.value;
};

/**
 * Calendar date "YYYY-MM-DD". Only the shape is checked here: whether the date exists and is
 * acceptable is a domain rule, answered as a userError on the field that holds it.
 */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'Calendar date "YYYY-MM-DD", no time zone.',
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if (typeof value === 'string' && DATE_SHAPE.test(value)) return value;
    throw new TypeError('Date cannot represent this value');
  },
  parseValue(value) {
    if (typeof value === 'string' && DATE_SHAPE.test(value)) return value;
    throw badVariable(DATE_EXPECTED);
  },
  parseLiteral(ast) {
    const value = stringLiteral(ast, DATE_EXPECTED);
    if (!DATE_SHAPE.test(value)) throw new ScalarShapeError(DATE_EXPECTED);
    return value;
  },
});

const instant = (value: string): Date | null => {
  const date = new Date(value);
  return ISO_INSTANT.test(value) && !Number.isNaN(date.getTime()) ? date : null;
};

/** ISO-8601 instant in UTC with milliseconds. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 instant in UTC with milliseconds, e.g. 2026-11-21T22:12:48.123Z.',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    const parsed = typeof value === 'string' ? instant(value) : null;
    if (parsed) return parsed.toISOString();
    throw new TypeError('DateTime cannot represent this value');
  },
  parseValue(value) {
    const parsed = typeof value === 'string' ? instant(value) : null;
    if (!parsed) throw badVariable(DATE_TIME_EXPECTED);
    return parsed;
  },
  parseLiteral(ast) {
    const parsed = instant(stringLiteral(ast, DATE_TIME_EXPECTED));
    if (!parsed) throw new ScalarShapeError(DATE_TIME_EXPECTED);
    return parsed;
  },
});
