import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

const badValue = (scalar: string, expected: string) =>
  new GraphQLError(`${scalar} must be ${expected}`, { extensions: { code: 'BAD_USER_INPUT' } });

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
    throw badValue('Date', 'a string of the form YYYY-MM-DD');
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING && DATE_SHAPE.test(ast.value)) return ast.value;
    throw badValue('Date', 'a string of the form YYYY-MM-DD');
  },
});

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

const parseInstant = (value: string): Date => {
  const date = new Date(value);
  if (!ISO_INSTANT.test(value) || Number.isNaN(date.getTime())) {
    throw badValue('DateTime', 'an ISO-8601 instant in UTC, e.g. 2026-11-21T22:12:48.123Z');
  }
  return date;
};

/** ISO-8601 instant in UTC with milliseconds. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 instant in UTC with milliseconds, e.g. 2026-11-21T22:12:48.123Z.',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    if (typeof value === 'string') return parseInstant(value).toISOString();
    throw new TypeError('DateTime cannot represent this value');
  },
  parseValue(value) {
    if (typeof value === 'string') return parseInstant(value);
    throw badValue('DateTime', 'a string');
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING) return parseInstant(ast.value);
    throw badValue('DateTime', 'a string');
  },
});
