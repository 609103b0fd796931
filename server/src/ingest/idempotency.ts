import { createHash } from 'node:crypto';
import type { Outcome } from '@sla/shared';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import type { EntityState } from '../domain/entity.js';
import { every } from '../platform/every.js';

/**
 * `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header): a request sent with a
 * key is answered once; a retry with the same key and body gets the first answer without
 * writing, the same key with another body is refused (422). Keys are scoped to the token
 * label, remembered in PostgreSQL in the transaction of the write itself (so an answer is
 * remembered exactly when its write committed), and forgotten after a configured time.
 */
export type IdempotencyClaim = {
  /** The caller's token label: two tokens never see each other's keys. */
  scope: string;
  key: string;
  /** SHA-256 (hex) of the route and the validated body. */
  fingerprint: string;
};

/**
 * One update's answer as remembered (the entity without `details`, which answers never
 * carry). The entity's `stale` flag is not stored: it is derived when answering, as always.
 */
export type RememberedResult = { outcome: Outcome; changeId: number | null; entity: EntityState };

export type Remembered = { fingerprint: string; results: RememberedResult[] };

/** SHA-256 (hex) of what a request asks: the route and its validated body. */
export const fingerprintOf = (route: string, body: unknown): string =>
  createHash('sha256').update(route).update('\n').update(JSON.stringify(body)).digest('hex');

/** One string per (scope, key), for maps (a newline cannot occur in either: labels are config, keys printable ASCII). */
export const claimKey = (c: { scope: string; key: string }) => `${c.scope}\n${c.key}`;

/** The unexpired answers remembered for these claims, by `scope\nkey`. */
export async function loadRemembered(
  sql: Sql,
  claims: IdempotencyClaim[],
  now: number,
): Promise<Map<string, Remembered>> {
  if (claims.length === 0) return new Map();
  const rows = await sql<{ scope: string; key: string; fingerprint: string; results: RememberedResult[] }>(
    `SELECT i.scope, i.key, i.fingerprint, i.results FROM sla_idempotency i
       JOIN jsonb_to_recordset(?::jsonb) AS k(s text, k text) ON i.scope = k.s AND i.key = k.k
      WHERE i.expires_at > ?`,
    [JSON.stringify(claims.map((c) => ({ s: c.scope, k: c.key }))), new Date(now).toISOString()],
  );
  return new Map(rows.map((r) => [claimKey(r), { fingerprint: r.fingerprint, results: r.results }]));
}

/** Remembers answers (replacing an expired row of the same key). */
export async function remember(
  sql: Sql,
  entries: { claim: IdempotencyClaim; results: RememberedResult[] }[],
  now: number,
  ttlMs: number,
): Promise<void> {
  if (entries.length === 0) return;
  await sql(
    `INSERT INTO sla_idempotency (scope, key, fingerprint, results, created_at, expires_at)
     SELECT s, k, f, r, ?::timestamptz, ?::timestamptz FROM jsonb_to_recordset(?::jsonb) AS x(s text, k text, f text, r jsonb)
     ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, results = excluded.results,
       created_at = excluded.created_at, expires_at = excluded.expires_at`,
    [
      new Date(now).toISOString(),
      new Date(now + ttlMs).toISOString(),
      JSON.stringify(entries.map((e) => ({ s: e.claim.scope, k: e.claim.key, f: e.claim.fingerprint, r: e.results }))),
    ],
  );
}

/** Deletes remembered answers past their expiry; returns how many. */
async function forgetExpired(sql: Sql, now = Date.now()): Promise<number> {
  const rows = await sql<{ n: string | number }>(
    'WITH gone AS (DELETE FROM sla_idempotency WHERE expires_at <= ? RETURNING 1) SELECT count(*) AS n FROM gone',
    [new Date(now).toISOString()],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Deletes expired keys every tenth of their lifetime (at most hourly, at least every 10 s);
 * every pod does it, which is harmless (a DELETE of nothing). Returns the stop function.
 */
export function forgetExpiredKeys(db: { sql: Sql }, ttlMs: number, log: Logger): () => void {
  const periodMs = Math.min(3_600_000, Math.max(10_000, ttlMs / 10));
  return every(
    periodMs,
    async () => {
      const n = await forgetExpired(db.sql);
      if (n > 0) log.debug({ n }, 'expired idempotency keys deleted');
    },
    // One line, no stack: the usual cause is PostgreSQL being away, which the pod reports elsewhere.
    (err) =>
      log.warn({ error: (err as Error).message }, 'deleting expired idempotency keys failed; the next run retries'),
  );
}
