import { Cluster } from 'ioredis';
import type { Logger } from 'pino';
import { throttleFor } from '../../platform/log-throttle.js';
import { connectRedis, describeTarget, type RedisClient, type RedisTarget } from './client.js';
import { changesChannel, policyChannel, refreshChannel } from './keys.js';
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
  /** A raw message on the policy channel (parsed and validated by the receiver). */
  onPolicy?: (message: string) => void;
};

/** A refresh batch may queue behind others on a busy server; a dead server is still noticed by the probe. */
const BULK_TIMEOUT_MS = 30_000;

/** The subscriber's silence bound when the owner gives none: 2 default heartbeat intervals. */
const DEFAULT_SILENCE_MS = 4000;

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
  readonly cmd: RedisClient;
  readonly sub: RedisClient;
  readonly store: RedisStore;
  /** Full refreshes write through their own connection, with a longer timeout: large pipelines must not queue ahead of live writes. */
  readonly bulk: RedisClient;
  readonly bulkStore: RedisStore;
  private up = false;
  private subscribed = false;
  /** Connection errors already logged at warn since Redis was last up: ioredis retries every second. */
  private readonly reported = new Set<string>();
  /** Bounds `reported`, should an error text vary from one attempt to the next. */
  private static readonly MAX_REPORTED = 16;
  private probe: NodeJS.Timeout | null = null;
  private readonly silenceMs: number;
  private readonly changes: string;
  private readonly pointerKey: string;
  private readonly sentinel: boolean;
  /** When this pod published on the changes channel with nothing heard since; null once heard. */
  private unheardSince: number | null = null;

  /**
   * `target` is any topology (client.ts). `silenceMs`: how long the subscriber may hear
   * nothing after this pod published on the changes channel before it is recreated (see
   * watchSilence); 2 heartbeat intervals in the product.
   */
  constructor(
    target: RedisTarget,
    opts: { prefix: string; podId: string; tlsCaFile?: string | undefined; silenceMs?: number | undefined },
    private readonly events: RedisLinkEvents,
    private readonly log: Logger,
  ) {
    this.silenceMs = opts.silenceMs ?? DEFAULT_SILENCE_MS;
    this.cmd = connectRedis(target, { name: `${opts.podId}:cmd`, tlsCaFile: opts.tlsCaFile });
    this.sub = connectRedis(target, { name: `${opts.podId}:sub`, tlsCaFile: opts.tlsCaFile, subscriber: true });
    this.store = new RedisStore(this.cmd, opts.prefix);
    this.bulk = connectRedis(target, {
      name: `${opts.podId}:bulk`,
      tlsCaFile: opts.tlsCaFile,
      commandTimeoutMs: BULK_TIMEOUT_MS,
    });
    this.bulk.on('error', () => undefined);
    this.bulkStore = new RedisStore(this.bulk, opts.prefix);
    const channels = {
      changes: changesChannel(opts.prefix),
      refresh: refreshChannel(opts.prefix),
      policy: policyChannel(opts.prefix),
    };
    this.changes = channels.changes;
    this.pointerKey = this.store.keys.current;
    this.sentinel = target.kind === 'sentinel';
    this.sub.on('message', (channel: string, message: string) => {
      this.unheardSince = null;
      if (channel === channels.changes) this.events.onChanges(message);
      else if (channel === channels.refresh) this.events.onRefresh(message);
      else if (channel === channels.policy) this.events.onPolicy?.(message);
    });
    // Subscribing needs a connected socket (there is no offline queue), so it happens on
    // every 'ready'; ioredis would also re-subscribe by itself, and a repeat is harmless.
    this.sub.on('ready', () => {
      this.sub.subscribe(channels.changes, channels.refresh, channels.policy).then(
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
    this.probe = setInterval(() => {
      void this.ping();
      this.watchSilence();
    }, PROBE_MS);
    this.probe.unref();
    this.log.info({ redis: describeTarget(target) }, 'connecting to redis');
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
    if (!this.up) return;
    await this.cmd.publish(channel, message);
    // Every subscriber on the channel, this pod's included, should now hear something.
    if (channel === this.changes && this.unheardSince === null) this.unheardSince = Date.now();
  }

  /**
   * A subscriber whose node froze keeps its TCP connection open and hears nothing, for as
   * long as TCP takes to give up (minutes). This pod's own publishes on the changes channel
   * (a heartbeat at least every interval) must come back to it, so hearing nothing for
   * `silenceMs` after one means the subscriber is deaf: it is torn down and connected
   * again (to another node, on a cluster), and the resubscribe catches up by change id.
   */
  private watchSilence(): void {
    if (this.unheardSince === null || !this.up || !this.subscribed) return;
    const silentMs = Date.now() - this.unheardSince;
    if (silentMs <= this.silenceMs) return;
    this.unheardSince = null;
    this.subscribed = false;
    this.log.warn(
      { silentMs },
      "the redis subscriber heard nothing, not even this pod's own messages: reconnecting it",
    );
    this.sub.disconnect(true);
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
    const hint = /No such master with that name/i.test(key)
      ? 'the sentinels know no master of that name: check REDIS_SENTINEL_NAME'
      : this.sentinel && /sentinel/i.test(key) && /WRONGPASS|NOAUTH|invalid username-password/i.test(key)
        ? 'sentinel authentication failed: check REDIS_SENTINEL_PASSWORD'
        : /WRONGPASS|NOAUTH|invalid username-password/i.test(key)
          ? `redis authentication failed: check the user and password in REDIS_URL${this.sentinel ? ' (the data nodes) and REDIS_SENTINEL_PASSWORD (the sentinels)' : ''}`
          : /certificate|self[- ]signed|tls|ssl/i.test(key)
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

  /**
   * Up needs the command connection ready and a probe answered: a hung server keeps its
   * sockets open. On a cluster a PING goes to any node, so the probe reads the pointer key
   * instead: the master of the coordination slot must answer (other shards' refusals show
   * as a Redis that falls behind, see cache/modes.ts).
   */
  private async ping(): Promise<void> {
    try {
      await (this.cmd instanceof Cluster ? this.cmd.exists(this.pointerKey) : this.cmd.ping());
    } catch (err) {
      this.markDown(`redis did not answer a ping: ${(err as Error).message}`);
      return;
    }
    this.check();
  }
}
