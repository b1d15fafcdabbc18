import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A subgraph stand-in that answers the gateway's start-up probe and then does what the test needs
 * with every other request: hold it (a subgraph stuck on slow work) or answer it with a body of a
 * given size. It records which held requests were cancelled by the gateway.
 */
export class HeldSubgraph {
  readonly held: ServerResponse[] = [];
  cancelled = 0;
  private server: Server | null = null;
  answer: 'hold' | { bytes: number; chunked: boolean } = 'hold';

  get url() {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/graphql`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        if (body.includes('__typename') && !body.includes('edges')) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { __typename: 'Query' } }));
          return;
        }
        if (this.answer === 'hold') {
          this.held.push(res);
          res.once('close', () => {
            if (!res.writableFinished) this.cancelled += 1;
          });
          return;
        }
        const { bytes, chunked } = this.answer;
        const padding = 'x'.repeat(bytes);
        const json = JSON.stringify({ data: { members: { edges: [{ node: { id: padding } }] } } });
        if (chunked) {
          res.writeHead(200, { 'content-type': 'application/json' });
          for (let i = 0; i < json.length; i += 1024) res.write(json.slice(i, i + 1024));
          res.end();
        } else {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}
