import { readFileSync } from 'node:fs';
import { buildSchema, getVariableValues, Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { readCostDirectives } from '../src/limits/cost/cost-directives.js';
import { estimateCost } from '../src/limits/cost/estimate-cost.js';
import { readSupergraphSdl } from '../src/server.js';
import { SCHEMA_FILES } from '../scripts/schema-files.js';

// The committed schemas: what the gateway serves (API schema) and the directives composition kept.
const schema = buildSchema(readFileSync(SCHEMA_FILES.apiSdl.url, 'utf8'));
const directives = readCostDirectives(readSupergraphSdl());

function cost(document: string, variables: Record<string, unknown> = {}): number {
  const parsed = parse(document);
  const operation = parsed.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = new Map(
    parsed.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (!coerced.coerced) throw new Error(JSON.stringify(coerced.errors));
  return estimateCost({ schema, operation, fragments, variables: coerced.coerced, directives });
}

const PAGE = `query($first: Int!) { members(first: $first) { edges { node { id nickname
  nicknameHistory(first: 5) { edges { node { nickname } } } } } pageInfo { hasNextPage } } }`;

describe('the cost directives composition carried into the supergraph', () => {
  it('size connections by `first` and weigh mutations', () => {
    expect(directives.get('Query.members')).toEqual({ slicingArguments: ['first'], sizedFields: ['edges'] });
    expect(directives.get('Member.nicknameHistory')).toEqual({ slicingArguments: ['first'], sizedFields: ['edges'] });
    expect(directives.get('Mutation.createMember')).toEqual({ weight: 10, slicingArguments: [], sizedFields: [] });
    expect(directives.get('CreateMemberPayload.userErrors')).toEqual({ assumedSize: 3, slicingArguments: [], sizedFields: [] });
  });
});

describe('the static cost estimate (IBM cost spec)', () => {
  // Worked by hand: a history edge is 1 + its node 1 = 2, five of them 10, the history field
  // 1 + 10 = 11; a member node 1 + 11 = 12, its edge 13; `first` edges of members, plus the
  // connection itself (1) and pageInfo (1).
  it.each([
    [20, 262],
    [50, 652],
    [100, 1302],
  ])('a page of %i members with 5 history entries each costs %i', (first, expected) => {
    expect(cost(PAGE, { first })).toBe(expected);
  });

  it('takes the argument default when `first` is not given, and counts scalars as free', () => {
    expect(cost('{ members { edges { node { id nickname createdAt } } } }')).toBe(1 + 20 * (1 + 1));
    expect(cost('query($id: ID!) { member(id: $id) { id nickname email birthDate createdAt } }', { id: 'x' })).toBe(1);
  });

  it('counts every alias, fragment and inline fragment', () => {
    const one = cost('{ members(first: 10) { edges { node { id } } } }');
    expect(cost('{ a: members(first: 10) { edges { node { id } } } b: members(first: 10) { edges { node { id } } } }')).toBe(2 * one);
    expect(cost('{ members(first: 10) { ...Page } } fragment Page on MemberConnection { edges { node { id } } }')).toBe(one);
    expect(cost('{ members(first: 10) { ... on MemberConnection { edges { node { id } } } } }')).toBe(one);
  });

  it('weighs a mutation root field 10 and sizes userErrors by their assumed size', () => {
    const signUp = 'mutation($input: CreateMemberInput!) { createMember(input: $input) { member { id } userErrors { code } } }';
    const input = { email: 'a@example.com', nickname: 'a', birthDate: '1990-01-01' };
    expect(cost(signUp, { input })).toBe(10 + 1 + 3 * 1);
  });

  it('prices the attack of issue 8 (100 aliases of 100 members × 100 history entries) in the millions', () => {
    const alias = (i: number) =>
      `m${i}: members(first: 100) { edges { node { id nickname nicknameHistory(first: 100) { edges { node { nickname } } } } } }`;
    const attack = `{ ${Array.from({ length: 100 }, (_, i) => alias(i)).join(' ')} }`;
    expect(cost(attack)).toBe(100 * (1 + 100 * (1 + 1 + 1 + 100 * 2)));
  });
});
