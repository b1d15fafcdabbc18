import { createServer, type IncomingMessage, type Server } from 'node:http';

export { freePort } from '@mp/testkit';

export interface StandInAnswer {
  status: number;
  body: unknown;
}

/**
 * A subgraph stand-in on a port chosen before it starts: it answers the gateway's start-up
 * probe (`{ __typename }`) like a subgraph, and every other request as the test says.
 */
export class StandInSubgraph {
  received = 0;
  private server: Server | null = null;
  constructor(
    readonly port: number,
    private readonly secret: string,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  async start(answer: (request: { secret: string | undefined; body: string }) => StandInAnswer = this.subgraphLike()) {
    this.server = createServer((req: IncomingMessage, res) => {
      this.received += 1;
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const { status, body: answerBody } = answer({ secret: req.headers['x-gateway-secret'] as string | undefined, body });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answerBody));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Answers the probe for the right secret (401 otherwise) and refuses nothing else. */
  subgraphLike(otherwise: StandInAnswer = { status: 200, body: { data: {} } }) {
    return ({ secret, body }: { secret: string | undefined; body: string }): StandInAnswer => {
      if (secret !== this.secret)
        return { status: 401, body: { errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] } };
      return body.includes('__typename') && !body.includes('_entities')
        ? { status: 200, body: { data: { __typename: 'Query' } } }
        : otherwise;
    };
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}
