// Batch delegation: the entity fetches one operation makes to a subgraph in the same step go as one
// request, so ten aliased members with their histories cost the history subgraph one request and
// the same SQL as one member, and each alias still gets its own history and its own errors.
import { Registry } from 'prom-client';
import { entityBatches, type EntityFetch } from '../src/entity-batches.js';
import { TestSystem } from './support/system.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type CreateMemberData } from './support/operations.js';

describe('ten aliased members with their histories, through the whole system', () => {
  let system: TestSystem;
  const registry = new Registry();
  const ids: string[] = [];

  beforeAll(async () => {
    system = await TestSystem.start('postgres', { metricsRegistry: registry });
    for (let i = 0; i < 10; i += 1) {
      const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput('alias') });
      const id = data!.createMember.member!.id;
      ids.push(id);
      for (let c = 0; c < i % 4; c += 1) await system.query(CHANGE_NICKNAME, { input: { memberId: id, nickname: `a${i}c${c}` } });
    }
    await system.drained();
    await system.relay.stop();
  });
  afterAll(async () => {
    await system.close();
  });

  const HISTORY = 'nicknameHistory(first: 5) { totalCount edges { node { nickname } } }';
  const aliased = () => `query { ${ids.map((id, i) => `m${i}: member(id: "${id}") { id nickname ${HISTORY} }`).join(' ')} }`;

  /** Subgraph HTTP requests the gateway made so far, per subgraph. */
  async function requestsSent() {
    const counts: Record<string, number> = {};
    const exposition = await registry.getSingleMetricAsString('gateway_subgraph_request_duration_seconds');
    for (const [, subgraph, count] of exposition.matchAll(/_count\{subgraph="([^"]+)",outcome="[^"]+"\} (\d+)/g)) {
      counts[subgraph!] = (counts[subgraph!] ?? 0) + Number(count);
    }
    return counts;
  }

  it('costs one request to each subgraph and the SQL of one member', async () => {
    const before = await requestsSent();
    system.history.statements.length = 0;
    const { data, errors } = await system.query<Record<string, { id: string; nicknameHistory: { totalCount: number } }>>(aliased());
    expect(errors).toBeUndefined();
    const after = await requestsSent();
    const sent = {
      members: after['members']! - (before['members'] ?? 0),
      history: after['nickname-history']! - (before['nickname-history'] ?? 0),
    };
    console.log(`subgraph requests for 10 aliases: ${JSON.stringify(sent)}; history SQL statements: ${system.history.statements.length}`);
    expect(sent).toEqual({ members: 1, history: 1 });
    expect(system.history.statements).toHaveLength(2);
    expect(Object.keys(data!)).toHaveLength(10);
  });

  it('gives each alias the history of its own member, as asking for it alone does', async () => {
    const { data } = await system.query<Record<string, unknown>>(aliased());
    for (const [i, id] of ids.entries()) {
      const alone = await system.query<{ member: unknown }>(`query { member(id: "${id}") { id nickname ${HISTORY} } }`);
      expect(data![`m${i}`]).toEqual(alone.data!.member);
    }
  });
});

describe('splitting a merged answer', () => {
  const fetchOf = (representations: unknown[]): EntityFetch => ({
    query: 'query($representations:[_Any!]!){_entities(representations:$representations){...on Member{id}}}',
    operationName: undefined,
    variables: { representations },
  });

  it('gives each fetch its slice, the errors about its slice re-indexed, and the errors about none to all', async () => {
    const sent: EntityFetch[] = [];
    const load = entityBatches<object>((fetch) => {
      sent.push(fetch);
      return Promise.resolve({
        data: { _entities: [{ id: 'a' }, null, { id: 'c' }] },
        errors: [
          { message: 'b failed', path: ['_entities', 1, 'id'] },
          { message: 'c failed', path: ['_entities', 2] },
          { message: 'everyone' },
        ],
      });
    });
    const request = {};
    const [first, second] = await Promise.all([load(request, fetchOf([{ id: 'a' }, { id: 'b' }])), load(request, fetchOf([{ id: 'c' }]))]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.variables.representations).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(first).toEqual({
      data: { _entities: [{ id: 'a' }, null] },
      errors: [{ message: 'b failed', path: ['_entities', 1, 'id'] }, { message: 'everyone' }],
    });
    expect(second).toEqual({
      data: { _entities: [{ id: 'c' }] },
      errors: [{ message: 'c failed', path: ['_entities', 0] }, { message: 'everyone' }],
    });
  });

  it('keeps fetches of different requests, operations or variables apart, and fails every member of a failed batch', async () => {
    const sent: EntityFetch[] = [];
    const load = entityBatches<object>((fetch) => {
      sent.push(fetch);
      return fetch.variables['first'] === 1
        ? Promise.reject(new Error('down'))
        : Promise.resolve({ data: { _entities: fetch.variables.representations } });
    });
    const [one, two] = [{}, {}];
    const withFirst = (first: number): EntityFetch => ({ ...fetchOf([{ id: 'x' }]), variables: { representations: [{ id: 'x' }], first } });
    const results = await Promise.allSettled([
      load(one, fetchOf([{ id: 'a' }])),
      load(two, fetchOf([{ id: 'b' }])),
      load(one, {
        ...fetchOf([{ id: 'c' }]),
        query: 'query($representations:[_Any!]!){_entities(representations:$representations){__typename}}',
      }),
      load(one, withFirst(1)),
      load(one, withFirst(1)),
      load(one, withFirst(2)),
    ]);
    expect(sent).toHaveLength(5);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
  });
});
