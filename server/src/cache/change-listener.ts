import pg from 'pg';
import type { Logger } from 'pino';
import { CHANGES_NOTIFY_CHANNEL_SQL } from '../changelog/notify.js';
import { backoffMs, sleep } from '../platform/backoff.js';
import { redactUrl } from '../platform/log.js';
import type { Metrics } from '../platform/metrics.js';

export type ChangeListenerDeps = {
  /** PostgreSQL URL (the pool's), and the schema the tables are in (its channel is per schema). */
  url: string;
  schema?: string | undefined;
  log: Logger;
  metrics: Metrics;
  /** The log epoch this pod follows; a connection that reads another one is dropped and retried. */
  epoch: () => string | null;
  /** A change up to this id was committed (a notification; no transaction is spent to hear it). */
  onChange: (id: number) => void;
  /** The connection is listening (again), and the log's head then: notifications sent while it was not were missed. */
  onUp: (head: number) => void;
};

const CONNECT_TIMEOUT_MS = 2_000;
const QUERY_TIMEOUT_MS = 5_000;
/** A half-open socket (a black-holed server) is noticed by TCP keepalive after this idle time. */
const KEEPALIVE_MS = 5_000;

/**
 * One dedicated PostgreSQL connection per pod that LISTENs for committed changes (see
 * changelog/notify.ts). While it is up, an idle pod needs no timed reads of the log: it
 * costs PostgreSQL no transaction until something is committed. Reconnects with backoff
 * when the connection drops; `isUp` says whether the pod must poll meanwhile. Each
 * connection checks that it reached the log this pod follows (same epoch) before it listens.
 */
export class ChangeListener {
  private client: pg.Client | null = null;
  private up = false;
  private everUp = false;
  private closed = false;
  private readonly stopping = new AbortController();

  constructor(private readonly d: ChangeListenerDeps) {}

  /** Whether notifications are being heard now. */
  get isUp(): boolean {
    return this.up;
  }

  /**
   * True when the connection was up and has dropped (not before the first connect): the
   * PostgreSQL signal for status in redis mode, where an idle pod sends no other queries.
   */
  get isLost(): boolean {
    return this.everUp && !this.up && !this.closed;
  }

  /** Connects in the background and keeps reconnecting until `close`. */
  start(): void {
    void this.run();
  }

  /** Stops listening and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    this.setUp(false);
    await this.client?.end().catch(() => undefined);
  }

  private async run(): Promise<void> {
    for (let attempt = 1; !this.closed; ) {
      const lost = await this.listenOnce().catch((err: Error) => {
        if (attempt === 1 || attempt % 10 === 0)
          this.d.log.warn(
            { err: err.message, database: redactUrl(this.d.url) },
            'change notifications unavailable; polling the change log until they are back',
          );
        return null;
      });
      if (this.closed) return;
      if (lost) {
        // It was up: wait for it to drop, then retry from the first delay.
        await lost;
        attempt = 1;
        continue;
      }
      await sleep(backoffMs(attempt++, 500, 10_000), this.stopping.signal);
    }
  }

  /** One connection: resolves to a promise of its end once it listens; rejects when it cannot. */
  private async listenOnce(): Promise<Promise<void>> {
    const client = new pg.Client({
      connectionString: this.d.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_MS,
      ...(this.d.schema ? { options: `-c search_path=${this.d.schema}` } : {}),
    });
    let ended!: () => void;
    const end = new Promise<void>((r) => {
      ended = r;
    });
    client.on('error', () => void client.end().catch(() => undefined));
    client.on('end', () => {
      if (this.client === client) this.setUp(false);
      ended();
    });
    this.client = client;
    let head = 0;
    try {
      await client.connect();
      const { rows } = await client.query<{ channel: string; epoch: string | null; head: string }>(
        `SELECT ${CHANGES_NOTIFY_CHANNEL_SQL} AS channel, (SELECT epoch FROM sla_log_epoch WHERE id = 1) AS epoch,
                (SELECT coalesce(max(id), 0) FROM sla_change) AS head`,
      );
      const { channel, epoch } = rows[0] ?? { channel: '', epoch: null };
      head = Number(rows[0]?.head ?? 0);
      const expected = this.d.epoch();
      if (expected !== null && epoch !== expected)
        throw new Error(`the LISTEN connection reached log epoch ${epoch ?? 'none'}, this pod follows ${expected}`);
      client.on('notification', (n) => {
        const id = Number(n.payload);
        if (n.channel === channel && Number.isSafeInteger(id)) this.d.onChange(id);
      });
      // The channel name is 'sla_changes_' and hex digits: safe to quote as it is.
      await client.query(`LISTEN "${channel}"`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) await client.end().catch(() => undefined);
    else {
      this.setUp(true);
      this.d.log.info('listening for change notifications');
      this.d.onUp(head);
    }
    return end;
  }

  private setUp(up: boolean): void {
    this.up = up;
    if (up) this.everUp = true;
    this.d.metrics.pgListenUp.set(up ? 1 : 0);
  }
}
