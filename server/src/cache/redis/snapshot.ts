import type { EntityState } from '../../domain/entity.js';
import { decodeEntity } from '../store/codec.js';
import { dictionaryOf, LAYOUT_VERSION } from '../store/packed.js';
import { latestById } from '../store/rows.js';
import { type EncodedRow, GenerationGoneError } from '../store/types.js';
import { finishArgs, internedStrings, unlinkBuckets, writeBuckets } from './buckets.js';
import type { RedisClient } from './client.js';
import type { CacheScripts } from './commands.js';
import type { GenerationScripts } from './generation-scripts.js';
import type { CacheKeys } from './keys.js';

/** What a snapshot write uses of the store: its client, scripts, keys and the generation-script caller. */
export type SnapshotWriter = {
  redis: RedisClient;
  scripts: CacheScripts;
  keys: CacheKeys;
  generations: GenerationScripts;
};

export type SnapshotOptions = {
  /** bucketWrite scripts in flight at once: deep enough to hide round trips, shallow
   * enough that the last reply arrives well inside the client's command timeout. */
  window: number;
};

/** 64 bucket scripts (up to 8,192 entities) in flight. */
export const DEFAULT_SNAPSHOT_OPTIONS: SnapshotOptions = { window: 64 };

/**
 * The hot path of a full refresh: checks the generation is open (and takes the nonce that
 * names its buckets), interns the rows' names, writes each bucket with one script (newest
 * version wins, so runs applied to the generation meanwhile are never replaced by an older
 * row), then finish.lua records the buckets and counts the entities new to the
 * generation. Throws GenerationGoneError when the generation is not open (before) or was
 * fenced meanwhile (after: the buckets written are unlinked); Error when a row repeats an
 * entity an earlier call wrote.
 */
export async function writeSnapshotRows(
  { redis, scripts, keys, generations }: SnapshotWriter,
  generation: number,
  entities: readonly EntityState[],
  options: SnapshotOptions = DEFAULT_SNAPSHOT_OPTIONS,
): Promise<void> {
  const nonce = await generations.call(scripts.open, [], () => [generation], [LAYOUT_VERSION, generation]);
  if (typeof nonce !== 'string') throw new GenerationGoneError(generation);
  const rows = latestById(entities);
  const names = internedStrings(rows);
  const ids = names.length > 0 ? ((await scripts.intern([keys.dict], names)) as number[]) : [];
  const dict = dictionaryOf(names.map((n, i) => [n, Number(ids[i])] as const));
  const target = { generation, nonce };
  const write = await writeBuckets(scripts, keys, target, rows, dict, 'snap', options.window);
  const wm = await generations.call(scripts.finish, [], () => [generation], [
    LAYOUT_VERSION,
    generation,
    nonce,
    '',
    '',
    ...finishArgs(write),
  ]);
  if (Number(wm) < 0) {
    await unlinkBuckets(redis, keys, [{ generation: String(generation), nonce, buckets: write.buckets }]);
    throw new GenerationGoneError(generation);
  }
  if (write.repeats > 0) {
    throw new Error(`${write.repeats} snapshot rows repeat entities already in generation ${generation}: rebuild it`);
  }
}

/**
 * The same for rows in the JSON codec's form (a refresh has PostgreSQL encode them); they
 * are decoded and packed here, as the packed form needs the dictionary's ids.
 */
export function writeEncodedRows(
  writer: SnapshotWriter,
  generation: number,
  rows: readonly EncodedRow[],
  options: SnapshotOptions = DEFAULT_SNAPSHOT_OPTIONS,
): Promise<void> {
  return writeSnapshotRows(
    writer,
    generation,
    rows.map((r) => decodeEntity(r.text)),
    options,
  );
}
