import type { Status } from '@sla/shared';
import type { Db } from '../db/sql.js';
import type { CachedEntity } from './types.js';

const BATCH = 10_000;

type Row = {
  id: number;
  t: string;
  m: string;
  y: string;
  n: string;
  target: number;
  sla: number;
  st: Status;
  since: number;
  obs: number;
  upd: number;
  ver: string | number;
};

/**
 * Streams every entity from one consistent snapshot, in id order and in batches, and
 * returns the change id that snapshot includes. Times come out of PostgreSQL as epoch
 * milliseconds so no Date is built per row.
 */
export async function readSnapshot(
  db: Db,
  onBatch: (entities: CachedEntity[]) => Promise<void> | void,
  onHead?: (head: number) => Promise<void> | void,
): Promise<{ head: number; count: number }> {
  return db.snapshotTx(async (sql) => {
    const [h] = await sql<{ head: string | number }>('SELECT coalesce(max(id), 0) AS head FROM sla_change');
    await onHead?.(Number(h?.head ?? 0));
    let after = 0;
    let count = 0;
    for (;;) {
      const rows = await sql<Row>(
        `SELECT id, tenant_name AS t, team_name AS m, entity_type AS y, entity_name AS n, sla_target AS target,
                current_sla AS sla, status AS st, (extract(epoch FROM status_since) * 1000)::float8 AS since,
                (extract(epoch FROM observed_at) * 1000)::float8 AS obs,
                (extract(epoch FROM updated_at) * 1000)::float8 AS upd, version AS ver
           FROM sla_entity WHERE id > ? ORDER BY id LIMIT ?`,
        [after, BATCH],
      );
      if (rows.length === 0) break;
      const batch: CachedEntity[] = rows.map((r) => ({
        id: r.id,
        tenantName: r.t,
        teamName: r.m,
        entityType: r.y,
        entityName: r.n,
        slaTarget: r.target,
        currentSla: r.sla,
        status: r.st,
        statusSince: r.since,
        observedAt: r.obs,
        updatedAt: r.upd,
        version: Number(r.ver),
      }));
      count += batch.length;
      after = batch[batch.length - 1]?.id ?? after;
      await onBatch(batch);
      if (rows.length < BATCH) break;
    }
    return { head: Number(h?.head ?? 0), count };
  });
}
