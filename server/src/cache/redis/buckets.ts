import type { EntityState } from '../../domain/entity.js';
import { bucketOf, type Dictionary, internedOf, packEntity } from '../store/packed.js';
import { teamField } from '../store/team-field.js';
import type { RedisClient } from './client.js';
import type { CacheScripts } from './commands.js';
import type { CacheKeys } from './keys.js';

/** What writing rows into a generation's buckets did. */
export type BucketWrite = {
  /** Entities new to the generation, per team field. */
  fresh: Map<string, number>;
  /** The bucket numbers written. */
  buckets: number[];
  /** Snapshot rows whose version was already stored (see lua/bucketWrite.lua). */
  repeats: number;
};

/** The distinct strings of `rows` that the packed encoding interns. */
export function internedStrings(rows: readonly EntityState[]): string[] {
  const seen = new Set<string>();
  for (const e of rows) for (const s of internedOf(e)) seen.add(s);
  return [...seen];
}

/**
 * Writes `rows` (each id once) into the buckets of generation `generation` named by
 * `nonce`: one bucketWrite script per bucket key, at most `window` in flight.
 */
export async function writeBuckets(
  scripts: CacheScripts,
  keys: CacheKeys,
  target: { generation: number | string; nonce: string },
  rows: readonly EntityState[],
  dict: Dictionary,
  mode: 'run' | 'snap',
  window: number,
): Promise<BucketWrite> {
  const byBucket = new Map<number, EntityState[]>();
  for (const e of rows) {
    const n = bucketOf(e.id);
    const group = byBucket.get(n);
    if (group) group.push(e);
    else byBucket.set(n, [e]);
  }
  const result: BucketWrite = { fresh: new Map(), buckets: [...byBucket.keys()], repeats: 0 };
  await inWindow(result.buckets, window, async (n) => {
    const group = byBucket.get(n) ?? [];
    const argv: string[] = [mode];
    for (const e of group) argv.push(String(e.id), packEntity(e, dict));
    const reply = (await scripts.bucketWrite([keys.bucket(n, target.generation, target.nonce)], argv)) as number[];
    result.repeats += Number(reply[0]);
    for (let i = 1; i < reply.length; i++) {
      const e = group[Number(reply[i]) - 1] as EntityState;
      const field = teamField(e.tenantName, e.teamName);
      result.fresh.set(field, (result.fresh.get(field) ?? 0) + 1);
    }
  });
  return result;
}

/** The finish.lua arguments after the watermark range, for a write's outcome (k teams, b buckets, then their values). */
export function finishArgs(write: BucketWrite): (string | number)[] {
  return [write.fresh.size, write.buckets.length, ...write.fresh.keys(), ...write.fresh.values(), ...write.buckets];
}

/** A generation deleted by a script, whose bucket keys (other slots) the client unlinks. */
export type Dropped = { generation: string; nonce: string; buckets: number[] };

/** The dropped-generation entries of a script reply (anything not shaped as one is skipped). */
export function droppedOf(entries: readonly unknown[]): Dropped[] {
  const out: Dropped[] = [];
  for (const d of entries) {
    if (!Array.isArray(d) || d.length !== 3) continue;
    const [generation, nonce, buckets] = d as [unknown, unknown, unknown];
    if (!Array.isArray(buckets)) continue;
    out.push({ generation: String(generation), nonce: String(nonce), buckets: buckets.map(Number) });
  }
  return out;
}

/** Unlinks the bucket keys of dropped generations, one key a command (they live in other slots). */
export async function unlinkBuckets(redis: RedisClient, keys: CacheKeys, dropped: readonly Dropped[]): Promise<void> {
  const names = dropped.flatMap((d) => d.buckets.map((n) => keys.bucket(n, d.generation, d.nonce)));
  await inWindow(names, 256, async (key) => {
    await redis.unlink(key);
  });
}

/** Runs `task` over `items` with at most `limit` in flight; rejects on the first failure. */
export async function inWindow<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
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
