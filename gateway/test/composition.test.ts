import { CompositionError, composeSupergraph, readSubgraphs } from '../scripts/supergraph.js';

describe('supergraph composition', () => {
  it('composes the two subgraphs, with Member joined across both', async () => {
    const supergraph = composeSupergraph(await readSubgraphs());
    expect(supergraph).toMatch(
      /type Member\s+@join__type\(graph: MEMBERS, key: "id"\)\s+@join__type\(graph: NICKNAME_HISTORY, key: "id"\)/,
    );
    expect(supergraph).toContain(
      'nicknameHistory(first: Int = 20, after: String): NicknameChangeConnection @join__field(graph: NICKNAME_HISTORY)',
    );
  });

  it('fails (and so fails the build) when the subgraphs disagree', async () => {
    const subgraphs = await readSubgraphs();
    const broken = subgraphs.map((subgraph) =>
      subgraph.name === 'nickname-history'
        ? { ...subgraph, sdl: subgraph.sdl.replace('hasNextPage: Boolean!', 'hasNextPage: String!') }
        : subgraph,
    );
    expect(() => composeSupergraph(broken)).toThrow(CompositionError);
    expect(() => composeSupergraph(broken)).toThrow(/hasNextPage/);
  });
});
