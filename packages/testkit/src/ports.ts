import { createServer } from 'node:net';

// Below the kernel's ephemeral range (32768 and up by default), where the port-0 listeners and the
// outgoing connections of tests running alongside take their ports: a port chosen here and bound
// a moment later is not taken from under it by them.
const FIRST = 20_000;
const LAST = 32_767;

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A TCP port free right now on 127.0.0.1, for a server that must be started later on a known port. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST + 1));
    if (await isFree(port)) return port;
  }
}
