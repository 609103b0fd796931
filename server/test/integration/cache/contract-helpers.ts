import { expect, it } from 'vitest';
import type { RefreshLock } from '../../../src/cache/lock/lock.js';
import type { CacheStore, GenerationMeta, TeamKey } from '../../../src/cache/store/types.js';
import type { EntityState } from '../../../src/domain/entity.js';

/** One isolated store, a refresh lock its switch checks, and how to dispose of both. */
export type StoreHarness = {
  store: CacheStore;
  lock: RefreshLock;
  /** Another pod's handle on the same lock. */
  otherLock(podId: string): RefreshLock;
  close(): Promise<void>;
};
export type StoreFactory = () => Promise<StoreHarness>;

export const T0 = 1_736_600_000_000;
export const PGM: TeamKey = { tenantName: 'Data Engineering', teamName: 'PGM' };
// Quotes, backslashes and non-ASCII must survive the encoding and the team filters.
export const ODD: TeamKey = { tenantName: 'Données "Ops" ✓', teamName: 'back\\slash, [team]' };

export const entity = (id: number, over: Partial<EntityState> = {}): EntityState => ({
  id,
  ...PGM,
  entityType: 'table',
  entityName: `table_${id}`,
  slaTarget: 99.5,
  currentSla: 95.123456789,
  status: 'Passed',
  statusSince: T0 - 3_600_000,
  observedAt: T0 + id,
  updatedAt: T0 + id + 7,
  version: 1,
  ...over,
});

export const metaFor = (generation: number, appliedChangeId: number): GenerationMeta => ({
  generation,
  appliedChangeId,
  entityCount: -1,
  teamCount: -1,
  builtAt: T0,
  builtBy: 'pod-a',
  durationMs: 42,
});

/** Builds a generation from a snapshot and switches it in. */
export async function buildGeneration(
  store: CacheStore,
  generation: number,
  entities: EntityState[],
  appliedChangeId = 0,
): Promise<void> {
  await store.beginGeneration(generation, appliedChangeId);
  await store.writeSnapshot(generation, entities);
  expect(await store.switchGeneration(metaFor(generation, appliedChangeId), null)).toBe('switched');
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export async function scanAll(store: CacheStore, batchSize?: number) {
  const batches: EntityState[][] = [];
  const meta = await store.scan((b) => void batches.push(b), batchSize);
  return { meta, batches, all: batches.flat().sort((a, b) => a.id - b.id) };
}

/** A test on a fresh harness, disposed of afterwards. */
export const storeTest = (factory: StoreFactory, title: string, body: (h: StoreHarness) => Promise<void>) =>
  it(title, async () => {
    const h = await factory();
    try {
      await body(h);
    } finally {
      await h.close();
    }
  });
