import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';

export type RedisClientOptions = {
  /** CLIENT SETNAME, so `CLIENT LIST` shows which pod and role a connection is. */
  name: string;
  /** PEM of the CA that signed the server certificate (with `rediss://`). */
  tlsCaFile?: string | undefined;
  /** ioredis's own key prefix; the cache stores need a client without one. */
  keyPrefix?: string | undefined;
  /** A pub/sub connection: no auto-pipelining (it only subscribes). */
  subscriber?: boolean | undefined;
  /** Do not connect until the first command or `connect()`. */
  lazyConnect?: boolean | undefined;
  /** Overrides COMMAND_TIMEOUT_MS, for callers with a tighter budget. */
  commandTimeoutMs?: number | undefined;
};

/** Longest wait for one reply before the command fails (the cache falls back to memory). */
const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 2000;
/** A socket with commands outstanding and nothing received for this long is torn down and reconnected. */
const SOCKET_TIMEOUT_MS = 5000;

/** Reconnects forever: 100 ms, 200 ms, ... then every second. */
const reconnectDelay = (attempt: number): number => Math.min(attempt * 100, 1000);

/**
 * A Redis client that never makes a request wait on a dead or hung server: commands fail
 * at once while disconnected (no offline queue), a sent command fails after
 * COMMAND_TIMEOUT_MS, and the connection keeps coming back in the background. The command
 * connection auto-pipelines: ioredis multiplexes one connection, which is its answer to a
 * pool. User and password come from the URL; `rediss://` means TLS.
 */
export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const tls = url.startsWith('rediss://')
    ? options.tlsCaFile
      ? { ca: readFileSync(options.tlsCaFile) }
      : {}
    : undefined;
  const config: RedisOptions = {
    connectionName: options.name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    keepAlive: 10_000,
    enableAutoPipelining: !options.subscriber,
    // The owner subscribes again on every 'ready' with a handled promise (RedisLink, redis/link.ts).
    // ioredis's own re-subscribe leaves its promise unhandled when the connection drops
    // again while it runs, which would end the process.
    autoResubscribe: false,
    retryStrategy: reconnectDelay,
    lazyConnect: options.lazyConnect ?? false,
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    ...(tls ? { tls } : {}),
  };
  return new Redis(url, config);
}

/** Resolves once the client is ready; rejects after `timeoutMs`. */
export function waitForReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
