import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl } from '../../platform/log.js';
import { throttleFor } from '../../platform/log-throttle.js';
import { createRedisClient } from './client.js';
import { changesChannel, refreshChannel } from './keys.js';
import { RedisStore } from './store.js';

export type RedisLinkEvents = {
  /** The command connection is ready and answers (first connect or after an outage). */
  onUp: () => void;
  /** The command connection was lost or stopped answering. */
  onDown: (reason: string) => void;
  /**
   * The subscriber (re)subscribed: anything published meanwhile was missed. A subscriber
   * that drops while commands still work is no outage; this is all it leads to.
   */
  onResubscribed: () => void;
  /** A raw message on the changes channel (parsed and validated by the receiver). */
  onChanges: (message: string) => void;
  /** A raw message on the refresh channel (parsed and validated by the receiver). */
  onRefresh: (message: string) => void;
};

/** A refresh batch may queue behind others on a busy server; a dead server is still noticed by the probe. */
const BULK_TIMEOUT_MS = 30_000;

/** How often the command connection is probed; a probe that does not answer in time means down. */
const PROBE_MS = 500;

/**
 * The pod's two Redis connections: commands (auto-pipelined; ioredis multiplexes one
 * connection instead of pooling) and a dedicated subscriber. Reports up/down quickly so
 * the cache can fall back to memory within a second or two of Redis going away. Only the
 * command connection decides up or down: the cache's reads and writes go through it, and
 * pub/sub is at-most-once anyway (a missed message is caught up by change id).
 */
export class RedisLink {
  readonly cmd: Redis;
  readonly sub: Redis;
  readonly store: RedisStore;
  /** Full refreshes write through their own connection, with a longer timeout: large pipelines must not queue ahead of live writes. */
  readonly bulk: Redis;
  readonly bulkStore: RedisStore;
  private up = false;
  private subscribed = false;
  /** Connection errors already logged at warn since Redis was last up: ioredis retries every second. */
  private readonly reported = new Set<string>();
  /** Bounds `reported`, should an error text vary from one attempt to the next. */
  private static readonly MAX_REPORTED = 16;
  private probe: NodeJS.Timeout | null = null;

  constructor(
    url: string,
    opts: { prefix: string; podId: string; tlsCaFile?: string | undefined },
    private readonly events: RedisLinkEvents,
    private readonly log: Logger,
  ) {
    this.cmd = createRedisClient(url, { name: `${opts.podId}:cmd`, tlsCaFile: opts.tlsCaFile });
    this.sub = createRedisClient(url, { name: `${opts.podId}:sub`, tlsCaFile: opts.tlsCaFile, subscriber: true });
    this.store = new RedisStore(this.cmd, opts.prefix);
    this.bulk = createRedisClient(url, {
      name: `${opts.podId}:bulk`,
      tlsCaFile: opts.tlsCaFile,
      commandTimeoutMs: BULK_TIMEOUT_MS,
    });
    this.bulk.on('error', () => undefined);
    this.bulkStore = new RedisStore(this.bulk, opts.prefix);
    const channels = { changes: changesChannel(opts.prefix), refresh: refreshChannel(opts.prefix) };
    this.sub.on('message', (channel: string, message: string) => {
      if (channel === channels.changes) this.events.onChanges(message);
      else if (channel === channels.refresh) this.events.onRefresh(message);
    });
    // Subscribing needs a connected socket (there is no offline queue), so it happens on
    // every 'ready'; ioredis would also re-subscribe by itself, and a repeat is harmless.
    this.sub.on('ready', () => {
      this.sub.subscribe(channels.changes, channels.refresh).then(
        () => {
          this.subscribed = true;
          this.events.onResubscribed();
        },
        (err: Error) =>
          throttleFor(this.log).warn(
            'redis-subscribe',
            { err: err.message },
            'redis subscribe failed; will retry on reconnect',
          ),
      );
    });
    this.sub.on('close', () => {
      this.subscribed = false;
    });
    this.cmd.on('ready', () => void this.ping());
    this.cmd.on('close', () => this.markDown('command connection closed'));
    for (const [name, conn] of [
      ['command', this.cmd],
      ['subscriber', this.sub],
    ] as const)
      conn.on('error', (err: Error & { code?: string }) => this.reportError(name, err));
    this.probe = setInterval(() => void this.ping(), PROBE_MS);
    this.probe.unref();
    this.log.info({ redis: redactUrl(url) }, 'connecting to redis');
  }

  /** Whether the command connection answers now (kept by the probe every PROBE_MS and by connection events). */
  get isUp(): boolean {
    return this.up;
  }

  /** Waits (at most `ms`) for commands to work and the subscriber to be subscribed; resolves whether commands work. */
  async waitUntilUp(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (!(this.up && this.subscribed) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    return this.up;
  }

  /** Publishes when Redis is up, else does nothing; rejects when the command fails or times out. */
  async publish(channel: string, message: string): Promise<void> {
    if (this.up) await this.cmd.publish(channel, message);
  }

  /** Stops the probe and closes the three connections (QUIT, then disconnect). */
  async close(): Promise<void> {
    if (this.probe) clearInterval(this.probe);
    this.up = false;
    await Promise.allSettled([this.cmd.quit(), this.sub.quit(), this.bulk.quit()]);
    this.cmd.disconnect();
    this.sub.disconnect();
    this.bulk.disconnect();
  }

  /**
   * The reason Redis is unusable (a wrong password, an untrusted certificate) is what an
   * operator needs, so each distinct one is a warning once per outage; repeats go to debug.
   */
  private reportError(connection: string, err: Error & { code?: string }): void {
    const key = `${err.code ?? ''} ${err.message}`;
    if (this.reported.has(key) || this.reported.size >= RedisLink.MAX_REPORTED)
      return void this.log.debug({ err: err.message, connection }, 'redis connection error');
    this.reported.add(key);
    const hint = /WRONGPASS|NOAUTH|invalid username-password/i.test(err.message)
      ? 'redis authentication failed: check the user and password in REDIS_URL'
      : /certificate|self[- ]signed|tls|ssl/i.test(`${err.code ?? ''} ${err.message}`)
        ? 'redis TLS handshake failed: check REDIS_TLS_CA_FILE and the server certificate'
        : 'redis connection error';
    this.log.warn({ err: err.message, code: err.code, connection }, hint);
  }

  private check(): void {
    if (!this.up && this.cmd.status === 'ready') {
      this.reported.clear();
      this.up = true;
      this.events.onUp();
    }
  }

  private markDown(reason: string): void {
    if (!this.up) return;
    this.up = false;
    this.events.onDown(reason);
  }

  /** Up needs the command connection ready and a ping answered: a hung server keeps its sockets open. */
  private async ping(): Promise<void> {
    try {
      await this.cmd.ping();
    } catch (err) {
      this.markDown(`redis did not answer a ping: ${(err as Error).message}`);
      return;
    }
    this.check();
  }
}
