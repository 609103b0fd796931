import { readFileSync } from 'node:fs';
import { Cluster, type ClusterOptions, Redis, type RedisOptions, ReplyError } from 'ioredis';
import { AppError } from '../../platform/errors.js';

/**
 * A connection to any Redis topology: a `Redis` (single server, or the master a Sentinel
 * set names) or a `Cluster`. A `Cluster` is not a `Redis` subclass, so code that must tell
 * them apart asks `instanceof Cluster`, never `instanceof Redis` (which a cluster fails,
 * silently taking the standalone path).
 */
export type RedisClient = Redis | Cluster;

type HostPort = { host: string; port: number };

/** Where the cache's Redis is, from the configuration (platform/config.ts validates the combinations). */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; sentinelPassword?: string | undefined; url?: string }
  | { kind: 'cluster'; nodes: HostPort[]; natMap?: Record<string, HostPort> | undefined; url?: string };

/** The Redis variables of the configuration. */
export type RedisConfig = {
  REDIS_URL?: string | undefined;
  REDIS_SENTINELS?: string[] | undefined;
  REDIS_SENTINEL_NAME?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_CLUSTER_NODES?: string[] | undefined;
  REDIS_CLUSTER_NAT_MAP?: string[][] | undefined;
};

/** `host:port` (IPv6 in brackets) → { host, port }. */
export function parseHostPort(text: string): HostPort {
  const at = text.lastIndexOf(':');
  return { host: text.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(text.slice(at + 1)) };
}

/** The Redis topology the configuration names, or null for memory mode (no Redis variable set). */
export function redisTargetOf(c: RedisConfig): RedisTarget | null {
  const url = c.REDIS_URL ? { url: c.REDIS_URL } : {};
  if (c.REDIS_CLUSTER_NODES) {
    const natMap = c.REDIS_CLUSTER_NAT_MAP
      ? Object.fromEntries(c.REDIS_CLUSTER_NAT_MAP.map(([from = '', to = '']) => [from, parseHostPort(to)]))
      : undefined;
    return { kind: 'cluster', nodes: c.REDIS_CLUSTER_NODES.map(parseHostPort), natMap, ...url };
  }
  if (c.REDIS_SENTINELS) {
    return {
      kind: 'sentinel',
      sentinels: c.REDIS_SENTINELS.map(parseHostPort),
      name: c.REDIS_SENTINEL_NAME ?? '',
      sentinelPassword: c.REDIS_SENTINEL_PASSWORD,
      ...url,
    };
  }
  return c.REDIS_URL ? { kind: 'single', url: c.REDIS_URL } : null;
}

/** What an operator may see of a target: no password. */
export function describeTarget(target: RedisTarget): string {
  const list = (nodes: HostPort[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (target.kind === 'cluster') return `cluster ${list(target.nodes)}`;
  if (target.kind === 'sentinel') return `sentinel ${target.name} via ${list(target.sentinels)}`;
  const u = new URL(target.url);
  return `${u.protocol}//${u.host}`;
}

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

/** TLS options for a `rediss://` URL (trusting `tlsCaFile` when given); undefined for `redis://`. */
function tlsOf(url: string, tlsCaFile: string | undefined): RedisOptions['tls'] {
  if (!url.startsWith('rediss://')) return undefined;
  return tlsCaFile ? { ca: readFileSync(tlsCaFile) } : {};
}

/** The user, password and TLS of the data nodes, from a URL. */
function credentialsOf(url: string | undefined, tlsCaFile: string | undefined): RedisOptions {
  if (!url) return {};
  const u = new URL(url);
  const tls = tlsOf(url, tlsCaFile);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(tls ? { tls } : {}),
  };
}

/** The per-connection settings of every mode (see createRedisClient). */
function connectionOptions(options: RedisClientOptions): RedisOptions {
  return {
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
  };
}

/**
 * Retries of a command that a cluster redirects or refuses for now (MOVED, ASK, TRYAGAIN
 * during a slot migration, CLUSTERDOWN or a closed node during a failover): 16 at most,
 * 100 ms apart, so a request gives up within about 2 s rather than hang; and the slot map
 * re-read every second.
 */
const CLUSTER_RETRIES: ClusterOptions = {
  maxRedirections: 16,
  retryDelayOnMoved: 0,
  retryDelayOnTryAgain: 100,
  retryDelayOnClusterDown: 100,
  retryDelayOnFailover: 100,
  slotsRefreshTimeout: 1000,
  // A frozen master answers nothing, not MOVED, so the client learns of its replacement only
  // from a periodic CLUSTER SLOTS: once a second bounds that to about a second (measured: with
  // 5 s, writes reached the new master up to 5.1 s after the failover).
  slotsRefreshInterval: 1000,
};

/**
 * A client for any topology with createRedisClient's guarantees. Sentinel: the master is
 * asked of the sentinels, and `failoverDetector` makes ioredis reconnect as soon as a
 * sentinel announces `+switch-master` (without it, a frozen master holds commands until
 * the socket times out). Cluster: `Cluster` with CLUSTER_RETRIES, reads from masters only
 * (a replica may lag a write the pod just made). The URL, when given, supplies the user,
 * password and TLS of the data nodes; with Sentinel, `rediss://` also means TLS to the
 * sentinels.
 */
export function connectRedis(target: RedisTarget, options: RedisClientOptions): RedisClient {
  if (target.kind === 'single') return createRedisClient(target.url, options);
  const node = { ...connectionOptions(options), ...credentialsOf(target.url, options.tlsCaFile) };
  if (target.kind === 'sentinel') {
    const tls = node.tls !== undefined;
    return new Redis({
      ...node,
      sentinels: target.sentinels,
      name: target.name,
      ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
      failoverDetector: true,
      sentinelRetryStrategy: reconnectDelay,
      sentinelCommandTimeout: COMMAND_TIMEOUT_MS,
      ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: node.tls } : {}),
    });
  }
  const { enableOfflineQueue: _queue, retryStrategy: _retry, lazyConnect, keyPrefix, ...perNode } = node;
  return new Cluster(target.nodes, {
    ...CLUSTER_RETRIES,
    redisOptions: perNode,
    enableOfflineQueue: false,
    enableAutoPipelining: !options.subscriber,
    scaleReads: 'master',
    clusterRetryStrategy: reconnectDelay,
    lazyConnect: lazyConnect ?? false,
    ...(keyPrefix ? { keyPrefix } : {}),
    ...(target.natMap ? { natMap: target.natMap } : {}),
  });
}

/** The masters of a client: the nodes a SCAN must visit (one for a single server or Sentinel). */
export function mastersOf(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** The ioredis key prefix a client adds, if any (the cache stores build their own keys). */
export function keyPrefixOf(client: RedisClient): string | undefined {
  return client instanceof Cluster
    ? (client.options.keyPrefix ?? client.options.redisOptions?.keyPrefix)
    : client.options.keyPrefix;
}

/**
 * A Redis client that never makes a request wait on a dead or hung server: commands fail
 * at once while disconnected (no offline queue), a sent command fails after
 * COMMAND_TIMEOUT_MS, and the connection keeps coming back in the background. The command
 * connection auto-pipelines: ioredis multiplexes one connection, which is its answer to a
 * pool. User and password come from the URL; `rediss://` means TLS.
 */
export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const tls = tlsOf(url, options.tlsCaFile);
  return new Redis(url, { ...connectionOptions(options), ...(tls ? { tls } : {}) });
}

/** Resolves once the client is ready; rejects after `timeoutMs`. */
export function waitForReady(redis: RedisClient, timeoutMs = 5000): Promise<void> {
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

/** Messages of ioredis' own failures: not connected, timed out, no node to send to. */
const REDIS_TROUBLE =
  /Command timed out|Connection is closed|Stream isn't writeable|enableOfflineQueue|Cluster isn't ready|Failed to refresh slots cache|Too many Cluster redirections|All sentinels are unreachable/;

/**
 * A Redis failure as the 503 a client should hear (`Retry-After: 5`, the Redis error in
 * the message, the original as `cause`): a refusal (`NOREPLICAS`, `OOM`, `READONLY`, …) or
 * an unreachable, hung or failing-over server. Null for anything else (left as it is).
 */
export function asRedisUnavailable(err: unknown): AppError | null {
  if (err instanceof AppError || !(err instanceof Error)) return null;
  if (!(err instanceof ReplyError) && !REDIS_TROUBLE.test(err.message)) return null;
  return new AppError('UNAVAILABLE', `Redis is unavailable or refused the write (${err.message}); retry shortly`, 5, {
    cause: err,
  });
}
