import net from 'node:net';

/**
 * A TCP relay between a service and RabbitMQ or PostgreSQL, so a test can break the link at a
 * moment of its choosing: `blackhole()` silently drops everything sent either way (a dead route:
 * what is in flight is lost and nobody is told); `cut()` resets every open connection (the peer
 * sees ECONNRESET) while new connections still succeed; `down()` also refuses new connections
 * until `up()`.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private refusing = false;
  private dropping = false;
  /** Connections accepted so far (reconnects show up here). */
  connections = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    const proxy = new TcpProxy(server, address.port);
    server.on('connection', (client) => proxy.accept(client, targetPort, targetHost));
    return proxy;
  }

  private accept(client: net.Socket, targetPort: number, targetHost: string) {
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    this.connections += 1;
    const upstream = net.connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    // Forwarded by hand rather than piped so that blackhole() can drop bytes mid-stream.
    client.on('data', (chunk: Buffer) => {
      if (!this.dropping) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!this.dropping) client.write(chunk);
    });
  }

  /** Drops all traffic on open connections until cut() (bytes in flight are lost). */
  blackhole(): void {
    this.dropping = true;
  }

  /** Resets every open connection through the proxy. */
  cut(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.dropping = false;
  }

  /** Cuts and refuses new connections: the target is unreachable. */
  down(): void {
    this.refusing = true;
    this.cut();
  }

  up(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
