import type { Sql } from '../db/sql.js';

/** Rows this much older than the TTL are deleted by the next write (listing already ignores them). */
const PURGE_AFTER_MS = 60 * 60 * 1000;

/**
 * The fleet's heartbeats in PostgreSQL (`sla_pod_heartbeat`), for pods without Redis: one
 * row per pod, upserted every interval; a row older than the TTL is not listed. Values are
 * returned raw; the caller validates them. Each call is one statement (one transaction).
 */
export class PgFleetRegistry {
  constructor(private readonly sql: Sql) {}

  /** Upserts this pod's heartbeat, sent at `at` (epoch ms); now and then deletes long-dead rows. */
  async write(podId: string, json: string, at: number): Promise<void> {
    await this.sql(
      `INSERT INTO sla_pod_heartbeat (pod, beat, beat_at) VALUES (?, ?::jsonb, ?)
         ON CONFLICT (pod) DO UPDATE SET beat = excluded.beat, beat_at = excluded.beat_at`,
      [podId, json, new Date(at)],
    );
    if (Math.random() < 0.02)
      await this.sql('DELETE FROM sla_pod_heartbeat WHERE beat_at < ?', [new Date(at - PURGE_AFTER_MS)]);
  }

  /** Heartbeat JSON of every pod that wrote within `ttlMs` of `now` (epoch ms). */
  async read(now: number, ttlMs: number): Promise<string[]> {
    const rows = await this.sql<{ beat: unknown }>('SELECT beat FROM sla_pod_heartbeat WHERE beat_at >= ?', [
      new Date(now - ttlMs),
    ]);
    return rows.map((r) => (typeof r.beat === 'string' ? r.beat : JSON.stringify(r.beat)));
  }

  /** Removes this pod's row (a graceful shutdown). */
  async remove(podId: string): Promise<void> {
    await this.sql('DELETE FROM sla_pod_heartbeat WHERE pod = ?', [podId]);
  }
}
