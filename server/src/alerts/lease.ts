import type { Logger } from 'pino';
import type { Db, Sql } from '../db/sql.js';
import { sleep } from '../platform/backoff.js';

/** Proof of holding a lease: its name and the fencing token this holder got. */
export type LeaseFence = { name: string; token: number };

/** A fenced write found the lease taken over, expired, or never held with that token: it wrote nothing. */
export class LeaseLost extends Error {
  constructor(readonly fence: LeaseFence) {
    super(`lease ${fence.name} is no longer held with token ${fence.token}`);
    this.name = 'LeaseLost';
  }
}

/**
 * Checks, inside the caller's transaction, that `fence` still holds its lease, and keeps it
 * so until commit: `FOR SHARE` makes a takeover (an UPDATE of the row) wait for this
 * transaction, so a paused old holder cannot commit after another one took the lease.
 * Call it first in every transaction done under a lease.
 * @throws LeaseLost when the token is not the current one or the lease expired (the
 *   transaction must roll back: let the error propagate out of `tx`).
 */
export async function assertFence(sql: Sql, fence: LeaseFence): Promise<void> {
  const rows = await sql(`SELECT 1 FROM sla_lease WHERE name = ? AND token = ? AND expires_at > now() FOR SHARE`, [
    fence.name,
    fence.token,
  ]);
  if (rows.length === 0) throw new LeaseLost(fence);
}

/** A lease's identity and timing. */
export type LeaseOptions = {
  /** The lease's name (one row of `sla_lease`), e.g. `alerting`. */
  name: string;
  /** Who holds it: unique per process (pod id plus a random part), shown in the table. */
  holder: string;
  /** How long a grant lasts without renewal (ms); renewed every ttl/3. */
  ttlMs: number;
  log?: Logger | undefined;
};

/**
 * A fleet-wide lease in PostgreSQL (table `sla_lease`), so it works with Redis down. Each
 * grant increments the fencing token (`token + 1` when the lease expired or is already
 * this holder's), so every later grant carries a larger token than every earlier one;
 * writes made under the lease check the token in their own transaction (`assertFence`).
 * The lease counts as lost when a renewal fails (token changed, lease expired, PostgreSQL
 * away) or its local deadline passes (measured from before the grant was asked, so this
 * process gives up no later than PostgreSQL's `expires_at`).
 */
export class PgLease {
  private held: { token: number; localExpiry: number } | null = null;
  /** After a refused `tryAcquire`: how long (ms) the other holder's grant still ran, as PostgreSQL saw it. */
  private othersRemainingMs: number | null = null;

  constructor(
    private readonly db: Pick<Db, 'sql'>,
    readonly options: LeaseOptions,
  ) {}

  /** The fence while held and within its local deadline, else null. */
  get fence(): LeaseFence | null {
    if (!this.held || Date.now() >= this.held.localExpiry) return null;
    return { name: this.options.name, token: this.held.token };
  }

  /**
   * Asks once for the lease. Returns the new fence, or null while another holder's grant runs.
   * @throws DatabaseUnavailable when PostgreSQL is away.
   */
  async tryAcquire(): Promise<LeaseFence | null> {
    const { name, holder, ttlMs } = this.options;
    const asked = Date.now();
    // One statement (one transaction) that also tells a refused asker how long the current grant
    // runs, so it can sleep until then instead of asking again and again (idle fleets stay off
    // PostgreSQL). The second SELECT sees the row as of the statement's start: when the upsert
    // did nothing, that is the other holder's grant.
    const rows = await this.db.sql<{ token: string | null; remaining: string | null }>(
      `WITH granted AS (
         INSERT INTO sla_lease AS l (name, holder, token, expires_at)
         VALUES (?, ?, 1, now() + make_interval(secs => ?::float8))
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = l.token + 1, expires_at = excluded.expires_at
          WHERE l.expires_at <= now() OR l.holder = excluded.holder
         RETURNING token)
       SELECT token::text, NULL::text AS remaining FROM granted
       UNION ALL
       SELECT NULL, (extract(epoch FROM expires_at - now()) * 1000)::text FROM sla_lease
        WHERE name = ? AND NOT EXISTS (SELECT 1 FROM granted)`,
      [name, holder, ttlMs / 1000, name],
    );
    const row = rows[0];
    const token = row?.token != null ? Number(row.token) : null;
    this.othersRemainingMs = token === null && row?.remaining != null ? Math.max(0, Number(row.remaining)) : null;
    this.held = token === null ? null : { token, localExpiry: asked + ttlMs };
    return this.fence;
  }

  /**
   * How long a non-holder waits before asking again (ms): until the grant it last saw can have
   * expired (plus 20 ms), at most one ttl; ttl/3 when it saw none (PostgreSQL away, a race).
   */
  private retryInMs(): number {
    const { ttlMs } = this.options;
    const seen = this.othersRemainingMs;
    return seen === null ? Math.max(10, Math.floor(ttlMs / 3)) : Math.min(ttlMs, Math.ceil(seen) + 20);
  }

  /** Extends the current grant by ttl; false (and the lease dropped) when it is no longer ours. */
  async renew(): Promise<boolean> {
    const fence = this.fence;
    if (!fence) return this.drop();
    const asked = Date.now();
    try {
      const rows = await this.db.sql(
        `UPDATE sla_lease SET expires_at = now() + make_interval(secs => ?::float8)
          WHERE name = ? AND holder = ? AND token = ? AND expires_at > now() RETURNING token`,
        [this.options.ttlMs / 1000, fence.name, this.options.holder, fence.token],
      );
      if (rows.length === 0 || !this.held) return this.drop();
      this.held.localExpiry = asked + this.options.ttlMs;
      return true;
    } catch (err) {
      this.options.log?.warn({ lease: fence.name, err }, 'lease renewal failed');
      return this.drop();
    }
  }

  /** Gives the lease up at once (expires it): the next to ask (a starting pod, a waiting one whose wait ran out) gets it. */
  async release(): Promise<void> {
    const fence = this.fence;
    this.held = null;
    if (!fence) return;
    await this.db
      .sql(`UPDATE sla_lease SET expires_at = now() WHERE name = ? AND token = ?`, [fence.name, fence.token])
      .catch(() => undefined); // unreachable: the grant runs out by itself
  }

  /**
   * Until `stop` aborts: waits for the lease (asking again only when the grant it last saw can
   * have expired, so a killed holder is replaced within the ttl), then runs `work` while
   * it is held, renewing every ttl/3; `lost` aborts when the lease is lost or on stop.
   * `work` is called again (after a second) if it returns or throws while the lease is held.
   * Releases the lease on stop.
   */
  async hold(stop: AbortSignal, work: (fence: LeaseFence, lost: AbortSignal) => Promise<void>): Promise<void> {
    const every = Math.max(10, Math.floor(this.options.ttlMs / 3));
    const log = this.options.log;
    while (!stop.aborted) {
      const fence = await this.tryAcquire().catch(() => {
        this.othersRemainingMs = null;
        return null;
      });
      if (!fence) {
        await sleep(this.retryInMs(), stop);
        continue;
      }
      log?.info({ lease: fence.name, token: fence.token }, 'lease acquired');
      const lost = new AbortController();
      const onStop = () => lost.abort();
      stop.addEventListener('abort', onStop, { once: true });
      // A stop that came while the grant was being asked for fires no event any more.
      if (stop.aborted) lost.abort();
      const renewing = (async () => {
        while (!lost.signal.aborted) {
          await sleep(every, lost.signal);
          if (!lost.signal.aborted && !(await this.renew())) lost.abort();
        }
      })();
      while (!lost.signal.aborted) {
        try {
          await work(fence, lost.signal);
        } catch (err) {
          if (!(err instanceof LeaseLost)) log?.warn({ lease: fence.name, err }, 'work under lease failed');
          else lost.abort();
        }
        if (!lost.signal.aborted) await sleep(1_000, lost.signal);
      }
      await renewing;
      stop.removeEventListener('abort', onStop);
      if (!stop.aborted) log?.warn({ lease: fence.name, token: fence.token }, 'lease lost');
    }
    await this.release();
  }

  private drop(): false {
    this.held = null;
    return false;
  }
}
