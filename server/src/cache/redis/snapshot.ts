import type { Redis } from 'ioredis';
import type { EntityState } from '../../domain/entity.js';
import { encodeEntity } from '../store/codec.js';
import { latestById } from '../store/rows.js';
import { teamField } from '../store/team-field.js';
import { type EncodedRow, GenerationGoneError } from '../store/types.js';
import type { CacheScripts } from './commands.js';
import type { CacheKeys } from './keys.js';

export type SnapshotOptions = {
  /** Entities per HSET. */
  chunk: number;
  /** HSETs in flight at once: deep enough to hide round trips, shallow enough that the
   * last reply arrives well inside the client's command timeout. */
  window: number;
};

/** 1000 entities per HSET, 32 HSETs in flight. */
export const DEFAULT_SNAPSHOT_OPTIONS: SnapshotOptions = { chunk: 1000, window: 32 };

/**
 * The hot path of a full refresh: plain HSETs of `chunk` entities, `window` in flight,
 * then one script that adds the team counts (computed here, once per call) and checks
 * the generation is still open, dropping what the HSETs recreated if it was fenced
 * meanwhile. Runs applied to the generation sit in its overlay, so nothing written here
 * can replace a newer state.
 */
export async function writeSnapshotRows(
  redis: Redis,
  scripts: CacheScripts,
  keys: CacheKeys,
  generation: number,
  entities: readonly EntityState[],
  options: SnapshotOptions = DEFAULT_SNAPSHOT_OPTIONS,
): Promise<void> {
  const rows = latestById(entities);
  const teamCounts = new Map<string, number>();
  for (const e of rows) {
    const field = teamField(e.tenantName, e.teamName);
    teamCounts.set(field, (teamCounts.get(field) ?? 0) + 1);
  }
  const encoded = rows.map((e) => ({ id: e.id, text: encodeEntity(e) }));
  return writeEncodedRows(redis, scripts, keys, generation, encoded, teamCounts, options);
}

/**
 * The same, for rows already in the codec's form (a refresh has PostgreSQL encode them,
 * which saves building an object per row) and team counts computed by the caller.
 * Throws GenerationGoneError when the generation is not open (before the HSETs) or was fenced
 * meanwhile (after them); Error when a row repeats an entity already written to it.
 */
export async function writeEncodedRows(
  redis: Redis,
  scripts: CacheScripts,
  keys: CacheKeys,
  generation: number,
  rows: readonly EncodedRow[],
  teamCounts: ReadonlyMap<string, number>,
  options: SnapshotOptions = DEFAULT_SNAPSHOT_OPTIONS,
): Promise<void> {
  const open = await scripts.open([keys.current], [keys.base, generation]);
  if (Number(open) !== 1) throw new GenerationGoneError(generation);
  const chunks: string[][] = [];
  let pairs: string[] = [];
  for (const r of rows) {
    pairs.push(String(r.id), r.text);
    if (pairs.length >= 2 * options.chunk) {
      chunks.push(pairs);
      pairs = [];
    }
  }
  if (pairs.length > 0) chunks.push(pairs);
  const hash = keys.entities(generation);
  let added = 0;
  await inWindow(chunks, options.window, async (chunk) => {
    const fresh = Number(await redis.hset(hash, ...chunk));
    added += fresh;
  });
  // Team counts assume each entity arrives once; a repeat would count it twice.
  const repeated = rows.length - added;
  const teams = repeated === 0 ? [...teamCounts.keys()] : [];
  const counts = repeated === 0 ? [...teamCounts.values()] : [];
  const end = await scripts.snapshotEnd([keys.current], [keys.base, generation, teams.length, ...teams, ...counts]);
  if (Number(end) < 0) throw new GenerationGoneError(generation);
  if (repeated > 0) {
    throw new Error(`${repeated} snapshot rows repeat entities already in generation ${generation}: rebuild it`);
  }
}

/** Runs `task` over `items` with at most `limit` in flight; rejects on the first failure. */
async function inWindow<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
