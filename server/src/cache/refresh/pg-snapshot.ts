import { readEpoch } from '../../changelog/epoch.js';
import { logHead } from '../../changelog/log.js';
import type { Db, Sql } from '../../db/sql.js';
import type { EntityState } from '../../domain/entity.js';

import { decodeEntity } from '../store/codec.js';
import { ENCODED_ENTITY_SQL } from '../store/encoding.js';
import { teamField } from '../store/team-field.js';
import type { EncodedRow } from '../store/types.js';

const BATCH = 10_000;

export type SnapshotSink = {
  /** Called first, inside the snapshot, with the change id it includes and the entities per team. */
  onStart?: (head: number, teamCounts: Map<string, number>) => Promise<void> | void;
  onBatch: (rows: EncodedRow[]) => Promise<void> | void;
};

/** What a snapshot held: its newest change id, the entities read, and the log's epoch then (null: none minted). */
export type SnapshotInfo = { head: number; count: number; epoch: string | null };

/**
 * Streams every entity from one consistent (REPEATABLE READ) snapshot, in batches, and
 * returns the change id that snapshot includes and the log epoch it belongs to. Each row
 * comes already encoded by PostgreSQL (ENCODED_ENTITY_SQL, store/encoding.ts): one string
 * per entity instead of twelve columns parsed and encoded again, which was most of a
 * refresh's time.
 */
export function readEncodedSnapshot(db: Db, sink: SnapshotSink): Promise<SnapshotInfo> {
  return db.snapshotTx(async (sql) => {
    const head = await logHead(sql);
    const epoch = await readEpoch(sql);
    await sink.onStart?.(head, await teamCounts(sql));
    // A cursor reads the table in one sequential pass; keyset pages (id > last ORDER BY id)
    // re-plan every batch and, with stale statistics after a bulk load, sort the table each time.
    await sql(`DECLARE sla_snapshot NO SCROLL CURSOR FOR SELECT id, ${ENCODED_ENTITY_SQL} AS text FROM sla_entity`);
    let count = 0;
    for (;;) {
      const rows = await sql<{ id: number; text: string }>(`FETCH FORWARD ${BATCH} FROM sla_snapshot`);
      if (rows.length === 0) break;
      count += rows.length;
      await sink.onBatch(rows);
      if (rows.length < BATCH) break;
    }
    await sql('CLOSE sla_snapshot');
    return { head, count, epoch };
  });
}

/** The same snapshot as entity objects (loading a pod's view). */
export function readSnapshot(
  db: Db,
  onBatch: (entities: EntityState[]) => Promise<void> | void,
): Promise<SnapshotInfo> {
  return readEncodedSnapshot(db, { onBatch: (rows) => onBatch(rows.map((r) => decodeEntity(r.text))) });
}

async function teamCounts(sql: Sql): Promise<Map<string, number>> {
  const rows = await sql<{ t: string; m: string; n: string | number }>(
    'SELECT tenant_name AS t, team_name AS m, count(*) AS n FROM sla_entity GROUP BY 1, 2',
  );
  return new Map(rows.map((r) => [teamField(r.t, r.m), Number(r.n)]));
}
