// A subgraph that answers with an HTTP error: the client learns whose mistake it was, and
// nothing internal (hosts, ports, the subgraph's body) reaches it.
import { pino } from 'pino';
import { buildGateway, type GatewayServer } from '../src/server.js';
import { TestIssuer } from './support/issuer.js';
import { protectionDefaults } from './support/gateway-defaults.js';
import { StandInSubgraph, freePort, type StandInAnswer } from './support/stand-in-subgraph.js';

const SECRET = 'subgraph-http-errors-secret-0123456789ab';
const QUERY = JSON.stringify({ query: '{ members(first: 1) { edges { node { id } } } }' });

describe('subgraph HTTP error answers', () => {
  let members: StandInSubgraph;
  let history: StandInSubgraph;
  let gateway: GatewayServer;
  let url: string;
  const logs: { level: number; msg: string }[] = [];

  async function startWith(membersAnswer: StandInAnswer) {
    members = new StandInSubgraph(await freePort(), SECRET);
    history = new StandInSubgraph(await freePort(), SECRET);
    await members.start(members.subgraphLike(membersAnswer));
    await history.start();
    gateway = await buildGateway({
      tokenVerifier: (await TestIssuer.create()).verifier(),
      ...protectionDefaults(),
      logger: pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line) as { level: number; msg: string }) }),
      gatewaySecret: SECRET,
      subgraphTimeoutMs: 2_000,
      subgraphUrls: { members: members.url, 'nickname-history': history.url },
      graphiql: false,
      introspection: false,
      persistedDocuments: null,
    });
    url = `${await gateway.http.listen(0)}/graphql`;
    await gateway.ready;
  }

  const ask = async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY });
    return { status: response.status, text: await response.text() };
  };

  afterEach(async () => {
    logs.length = 0;
    await gateway.close();
    await Promise.all([members.stop(), history.stop()]);
  });

  it('413 (the client request grew too large for the subgraph): a client error naming the service, logged as a warning', async () => {
    await startWith({ status: 413, body: { errors: [{ message: 'Request body too large' }] } });
    const { status, text } = await ask();
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({
      data: null,
      errors: [
        {
          message: 'This request is too large for the members service: ask for fewer items or fields',
          extensions: { code: 'BAD_REQUEST', serviceName: 'members' },
        },
      ],
    });
    expect(logs.filter((line) => line.level >= 50)).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 40, msg: 'subgraph refused a request as too large' }));
  });

  it("400 with the subgraph's own BAD_USER_INPUT: passed on as the client's mistake", async () => {
    await startWith({ status: 400, body: { errors: [{ message: 'Date must be "YYYY-MM-DD"', extensions: { code: 'BAD_USER_INPUT' } }] } });
    expect(JSON.parse((await ask()).text)).toMatchObject({
      errors: [{ message: 'Date must be "YYYY-MM-DD"', extensions: { code: 'BAD_USER_INPUT', serviceName: 'members' } }],
    });
    expect(logs.filter((line) => line.level >= 50)).toEqual([]);
  });

  it.each([
    [
      '401 (the subgraph refuses our secret)',
      { status: 401, body: { errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] } },
    ],
    ['500', { status: 500, body: { error: 'internal error' } }],
  ])('%s: masked for the client, with no internal address, and logged for operators', async (_name, answer) => {
    await startWith(answer);
    const { text } = await ask();
    expect(JSON.parse(text)).toEqual({
      data: null,
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect(text).not.toContain('127.0.0.1');
    expect(logs).toContainEqual(expect.objectContaining({ level: 50, msg: 'unexpected error in GraphQL operation' }));
  });
});
