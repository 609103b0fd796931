import { readEpoch } from '../../changelog/epoch.js';
import { logHead } from '../../changelog/log.js';
import type { Db, Sql } from '../../db/sql.js';
import { addTerm, checksumTerm, type StateCheck } from '../../domain/checksum.js';
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

/**
 * What a snapshot held: its newest change id, the entities read, the log's epoch then
 * (null: none minted), and the count and checksum of its states (what pods check their
 * view against, see domain/checksum.ts).
 */
export type SnapshotInfo = { head: number; count: number; epoch: string | null; check: StateCheck };

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
    await sql(
      `DECLARE sla_snapshot NO SCROLL CURSOR FOR SELECT id, version, ${ENCODED_ENTITY_SQL} AS text FROM sla_entity`,
    );
    let count = 0;
    let checksum = 0;
    for (;;) {
      const rows = await sql<{ id: number; version: string | number; text: string }>(
        `FETCH FORWARD ${BATCH} FROM sla_snapshot`,
      );
      if (rows.length === 0) break;
      count += rows.length;
      for (const r of rows) checksum = addTerm(checksum, checksumTerm(Number(r.id), Number(r.version)));
      await sink.onBatch(rows.map((r) => ({ id: Number(r.id), text: r.text })));
      if (rows.length < BATCH) break;
    }
    await sql('CLOSE sla_snapshot');
    return { head, count, epoch, check: { changeId: head, entities: count, checksum } };
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
