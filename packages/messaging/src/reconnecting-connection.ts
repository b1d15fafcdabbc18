import { connect, type ChannelModel } from 'amqplib';
import { backoffDelay, wakeableSleep, type Logger } from '@mp/service-kit';

export interface ReconnectOptions {
  /** First retry delay; it doubles per failed attempt up to retryMaxMs, with full jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_RECONNECT: ReconnectOptions = { retryBaseMs: 200, retryMaxMs: 10_000 };

export interface ReconnectingConnectionOptions {
  url: string;
  /** Shown in the broker's connection list. */
  name: string;
  /**
   * Heartbeat interval in seconds: a peer silent for two intervals is declared dead, so a
   * stalled link (no RST, e.g. a dropped route) is noticed and replaced.
   */
  heartbeatSeconds: number;
  /** Deadline for the TCP and AMQP handshake of one attempt. */
  connectTimeoutMs?: number;
  reconnect?: ReconnectOptions;
  logger: Logger;
  /** Runs on every new connection (channels, topology, consumers). Throwing drops the connection. */
  onConnect(model: ChannelModel): Promise<void>;
  /** Runs when an established connection is lost, before reconnecting. */
  onDisconnect?(error: Error | undefined): void;
}

export interface ReconnectingConnection {
  readonly connected: boolean;
  /** Resolves after the first successful onConnect (or rejects once closed). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const withHeartbeat = (url: string, seconds: number): string => {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
};

/**
 * One AMQP connection kept alive for the life of the service: it is re-established with
 * exponential backoff and jitter whenever it drops or cannot be opened, and every new
 * connection runs `onConnect` again (channels do not survive their connection).
 */
export function startReconnectingConnection(options: ReconnectingConnectionOptions): ReconnectingConnection {
  const { logger, name } = options;
  const reconnect = options.reconnect ?? DEFAULT_RECONNECT;
  const url = withHeartbeat(options.url, options.heartbeatSeconds);
  let closed = false;
  let current: ChannelModel | null = null;
  let connected = false;
  const pause = wakeableSleep();
  let readyResolve: () => void = () => {};
  let readyReject: (error: Error) => void = () => {};
  const readyPromise = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  // A caller that never awaits ready() must not see an unhandled rejection at close.
  readyPromise.catch(() => undefined);

  /** Resolves when the connection closes, for whatever reason. */
  const untilClosed = (model: ChannelModel) =>
    new Promise<Error | undefined>((resolve) => {
      model.once('close', (error?: Error) => resolve(error));
    });

  const runOnce = async (): Promise<Error | undefined> => {
    const model = await connect(url, {
      timeout: options.connectTimeoutMs ?? 10_000,
      clientProperties: { connection_name: name },
    });
    // Without a listener an 'error' event would crash the process; 'close' follows it anyway.
    model.on('error', (error: Error) => logger.warn({ err: error, connection: name }, 'broker connection error'));
    model.on('blocked', (reason: string) => logger.warn({ reason, connection: name }, 'broker blocked the connection'));
    const closedPromise = untilClosed(model);
    current = model;
    try {
      await options.onConnect(model);
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await model.close().catch(() => undefined);
      return undefined;
    }
    connected = true;
    readyResolve();
    logger.info({ connection: name }, 'broker connected');
    const error = await closedPromise;
    connected = false;
    current = null;
    if (!closed) {
      logger.warn({ err: error, connection: name }, 'broker connection lost; reconnecting');
      options.onDisconnect?.(error);
    }
    return error;
  };

  const loop = async () => {
    let failures = 0;
    while (!closed) {
      try {
        await runOnce();
        failures = 0;
      } catch (error) {
        current = null;
        failures += 1;
        logger.warn({ err: error, connection: name, failures }, 'broker connection attempt failed');
      }
      if (closed) break;
      await pause.sleep(
        failures === 0 ? reconnect.retryBaseMs : backoffDelay(failures + 1, { baseMs: reconnect.retryBaseMs, maxMs: reconnect.retryMaxMs }),
      );
    }
  };
  const done = loop();

  return {
    get connected() {
      return connected;
    },
    ready: () => readyPromise,
    async close() {
      closed = true;
      readyReject(new Error(`connection ${name} closed`));
      pause.wake();
      const model = current;
      if (model) await model.close().catch(() => undefined);
      await done;
    },
  };
}
