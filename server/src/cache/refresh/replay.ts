import { readChanges } from '../../changelog/log.js';
import type { Sql } from '../../db/sql.js';
import { toChangeRun } from '../../domain/change.js';
import type { CacheStore } from '../store/types.js';

const PAGE = 5_000;

/**
 * Replays the change log (afterId, upTo] into a store (and a generation being built).
 * Safe to repeat or to race with live writes: stores only move entities forward.
 * Returns the last change id replayed.
 */
export async function replayLog(
  sql: Sql,
  store: CacheStore,
  afterId: number,
  upTo = Number.MAX_SAFE_INTEGER,
  buildingGeneration?: number,
): Promise<number> {
  let last = afterId;
  for (;;) {
    const changes = await readChanges(sql, last, PAGE, upTo);
    const first = changes[0];
    const end = changes.at(-1);
    if (!first || !end) return last;
    await store.applyChanges(toChangeRun({ fromId: first.id, toId: end.id, changes }), buildingGeneration);
    last = end.id;
    if (changes.length < PAGE) return last;
  }
}
