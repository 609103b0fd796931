import { describe, expect, it } from 'vitest';
import type { RefreshLock } from '../../src/cache/lock.js';
import {
  type CachedEntity,
  type CacheStore,
  GenerationGoneError,
  type GenerationMeta,
  type TeamKey,
} from '../../src/cache/types.js';

/** One isolated store, a refresh lock its switch checks, and how to dispose of both. */
export type StoreHarness = {
  store: CacheStore;
  lock: RefreshLock;
  /** Another pod's handle on the same lock. */
  otherLock(podId: string): RefreshLock;
  close(): Promise<void>;
};
export type StoreFactory = () => Promise<StoreHarness>;

const T0 = 1_736_600_000_000;
const PGM: TeamKey = { tenantName: 'Data Engineering', teamName: 'PGM' };
// Quotes, backslashes and non-ASCII must survive the encoding and the team filters.
const ODD: TeamKey = { tenantName: 'Données "Ops" ✓', teamName: 'back\\slash, [team]' };

export const entity = (id: number, over: Partial<CachedEntity> = {}): CachedEntity => ({
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
  entities: CachedEntity[],
  appliedChangeId = 0,
): Promise<void> {
  await store.beginGeneration(generation, appliedChangeId);
  await store.writeSnapshot(generation, entities);
  expect(await store.switchGeneration(metaFor(generation, appliedChangeId), null)).toBe('switched');
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function scanAll(store: CacheStore, batchSize?: number) {
  const batches: CachedEntity[][] = [];
  const meta = await store.scan((b) => void batches.push(b), batchSize);
  return { meta, batches, all: batches.flat().sort((a, b) => a.id - b.id) };
}

export function runStoreContract(name: string, factory: StoreFactory): void {
  const withStore = (title: string, body: (h: StoreHarness) => Promise<void>) =>
    it(title, async () => {
      const h = await factory();
      try {
        await body(h);
      } finally {
        await h.close();
      }
    });

  describe(`${name} store contract`, () => {
    describe('before any generation', () => {
      withStore('is empty and applying a run stores nothing', async ({ store }) => {
        expect(await store.meta()).toBeNull();
        expect(await store.getEntity(1)).toBeNull();
        expect(await store.counts()).toEqual({ entities: 0, teams: 0 });
        expect(await store.listTeams()).toEqual([]);
        expect(await store.listTeam(PGM)).toEqual([]);
        expect(await scanAll(store)).toEqual({ meta: null, batches: [], all: [] });
        expect(await store.applyChanges({ fromId: 1, toId: 1, entities: [entity(1)] })).toBe(0);
        expect(await store.getEntity(1)).toBeNull();
      });
    });

    describe('snapshot and reads', () => {
      withStore('serves a switched-in snapshot exactly as written', async ({ store }) => {
        const odd = range(101, 103).map((id) => entity(id, { ...ODD, status: 'Failed', currentSla: 0.1 + 0.2 }));
        const pgm = range(1, 5).map((id) => entity(id, { version: id * 10 }));
        const other = entity(50, { teamName: 'Other', status: 'NoData', entityType: 'job', currentSla: 0 });
        await store.beginGeneration(7, 30);
        await store.writeSnapshot(7, [...pgm, other]);
        await store.writeSnapshot(7, odd);
        expect(await store.meta()).toBeNull(); // nothing visible before the switch
        expect(await store.switchGeneration({ ...metaFor(7, 30), builtBy: 'pod-b', durationMs: 1234 }, null)).toBe(
          'switched',
        );

        expect(await store.meta()).toEqual({
          generation: 7,
          appliedChangeId: 30,
          entityCount: 9,
          teamCount: 3,
          builtAt: T0,
          builtBy: 'pod-b',
          durationMs: 1234,
        });
        for (const e of [...pgm, other, ...odd]) expect(await store.getEntity(e.id)).toEqual(e);
        expect(await store.getEntity(999)).toBeNull();
        expect(await store.counts()).toEqual({ entities: 9, teams: 3 });
        const teams = (await store.listTeams()).sort((a, b) => a.teamName.localeCompare(b.teamName));
        expect(teams).toEqual(
          [{ tenantName: 'Data Engineering', teamName: 'Other' }, PGM, ODD].sort((a, b) =>
            a.teamName.localeCompare(b.teamName),
          ),
        );
        expect(await store.listTeam(PGM)).toEqual(pgm);
        expect(await store.listTeam(ODD)).toEqual(odd);
        expect(await store.listTeam({ tenantName: 'Data Engineering', teamName: 'Nobody' })).toEqual([]);
      });

      withStore('scans every entity once, in batches no larger than asked', async ({ store }) => {
        const all = range(1, 2500).map((id) => entity(id, { teamName: `team-${id % 7}` }));
        await buildGeneration(store, 1, all, 5);
        const scanned = await scanAll(store, 300);
        expect(scanned.meta).toMatchObject({ generation: 1, appliedChangeId: 5, entityCount: 2500, teamCount: 7 });
        expect(scanned.all).toEqual(all);
        for (const b of scanned.batches) expect(b.length).toBeLessThanOrEqual(300);
      });
    });

    describe('applyChanges', () => {
      withStore('adds new entities and counts their teams', async ({ store }) => {
        await buildGeneration(store, 1, [entity(1)], 1);
        const fresh = [entity(2, { version: 2 }), entity(3, { teamName: 'New', version: 3 })];
        expect(await store.applyChanges({ fromId: 2, toId: 3, entities: fresh })).toBe(3);
        expect(await store.getEntity(2)).toEqual(fresh[0]);
        expect(await store.getEntity(3)).toEqual(fresh[1]);
        expect(await store.counts()).toEqual({ entities: 3, teams: 2 });
        expect(await store.meta()).toMatchObject({ appliedChangeId: 3, entityCount: 3, teamCount: 2 });
        expect(await store.listTeam({ tenantName: 'Data Engineering', teamName: 'New' })).toEqual([fresh[1]]);
      });

      withStore('only moves an entity forward', async ({ store }) => {
        await buildGeneration(store, 1, [entity(1, { version: 10, currentSla: 90 })], 10);
        await store.applyChanges({ fromId: 11, toId: 11, entities: [entity(1, { version: 11, currentSla: 91 })] });
        expect(await store.getEntity(1)).toMatchObject({ version: 11, currentSla: 91 });
        // An older and an equal version are both ignored.
        await store.applyChanges({ fromId: 5, toId: 5, entities: [entity(1, { version: 5, currentSla: 50 })] });
        await store.applyChanges({ fromId: 11, toId: 11, entities: [entity(1, { version: 11, currentSla: 11 })] });
        expect(await store.getEntity(1)).toMatchObject({ version: 11, currentSla: 91 });
        // Within one run the newest version wins whatever the order.
        await store.applyChanges({
          fromId: 12,
          toId: 14,
          entities: [entity(1, { version: 14, currentSla: 94 }), entity(1, { version: 12, currentSla: 92 })],
        });
        expect(await store.getEntity(1)).toMatchObject({ version: 14, currentSla: 94 });
        expect(await store.counts()).toEqual({ entities: 1, teams: 1 });
      });

      withStore('advances the watermark only over contiguous runs', async ({ store }) => {
        await buildGeneration(store, 1, [], 10);
        expect(await store.applyChanges({ fromId: 11, toId: 12, entities: [] })).toBe(12);
        // A gap: entities are written, the watermark stays.
        expect(await store.applyChanges({ fromId: 15, toId: 16, entities: [entity(1, { version: 16 })] })).toBe(12);
        expect(await store.getEntity(1)).toMatchObject({ version: 16 });
        expect(await store.meta()).toMatchObject({ appliedChangeId: 12 });
        // Filling the gap advances; replaying the later run then advances past it.
        expect(await store.applyChanges({ fromId: 13, toId: 14, entities: [] })).toBe(14);
        expect(await store.applyChanges({ fromId: 15, toId: 16, entities: [entity(1, { version: 16 })] })).toBe(16);
        // Overlapping runs advance, old ones do not move it back.
        expect(await store.applyChanges({ fromId: 10, toId: 20, entities: [] })).toBe(20);
        expect(await store.applyChanges({ fromId: 3, toId: 8, entities: [] })).toBe(20);
        expect(await store.meta()).toMatchObject({ appliedChangeId: 20 });
      });

      withStore('applies a run of several thousand entities in one call', async ({ store }) => {
        await buildGeneration(store, 1, [], 0);
        const run = range(1, 5000).map((id) => entity(id, { teamName: `t${id % 13}`, version: id }));
        expect(await store.applyChanges({ fromId: 1, toId: 5000, entities: run })).toBe(5000);
        expect(await store.counts()).toEqual({ entities: 5000, teams: 13 });
        expect(await store.getEntity(4321)).toEqual(run[4320]);
      });
    });

    describe('building a generation', () => {
      withStore('dual-writes runs into the generation being built', async ({ store }) => {
        await buildGeneration(store, 1, [entity(1, { version: 1 })], 1);
        await store.beginGeneration(2, 1);
        await store.writeSnapshot(2, [entity(1, { version: 1 })]);
        const run = {
          fromId: 2,
          toId: 3,
          entities: [entity(1, { version: 3 }), entity(2, { teamName: 'B', version: 2 })],
        };
        expect(await store.applyChanges(run, 2)).toBe(3);
        // Still generation 1 for readers, already updated.
        expect(await store.meta()).toMatchObject({ generation: 1, appliedChangeId: 3, entityCount: 2 });
        // The built generation's own watermark advanced from its start, so it is not behind.
        expect(await store.switchGeneration(metaFor(2, 1), null)).toBe('switched');
        expect(await store.meta()).toMatchObject({ generation: 2, appliedChangeId: 3, entityCount: 2, teamCount: 2 });
        expect(await store.getEntity(1)).toMatchObject({ version: 3 });
        expect(await store.getEntity(2)).toEqual(run.entities[1]);
      });

      withStore('keeps a newer dual-written state over an older snapshot row', async ({ store }) => {
        await buildGeneration(store, 1, [], 0);
        await store.beginGeneration(2, 0);
        await store.applyChanges({ fromId: 1, toId: 1, entities: [entity(1, { version: 20, status: 'Failed' })] }, 2);
        await store.writeSnapshot(2, [entity(1, { version: 15 }), entity(2, { version: 15 })]);
        expect(await store.switchGeneration(metaFor(2, 1), null)).toBe('switched');
        expect(await store.getEntity(1)).toMatchObject({ version: 20, status: 'Failed' });
        expect(await store.counts()).toEqual({ entities: 2, teams: 1 });
        expect(await store.listTeams()).toEqual([PGM]);
      });

      withStore('ignores runs for a generation that was never begun', async ({ store }) => {
        await buildGeneration(store, 1, [], 0);
        await store.applyChanges({ fromId: 1, toId: 1, entities: [entity(1)] }, 5);
        await expect(store.writeSnapshot(5, [entity(2)])).rejects.toBeInstanceOf(GenerationGoneError);
        expect(await store.switchGeneration(metaFor(5, 1), null)).toBe('fenced');
        expect(await store.meta()).toMatchObject({ generation: 1 });
      });

      withStore('refuses to begin a generation not newer than the current one', async ({ store }) => {
        await buildGeneration(store, 3, [entity(1)], 0);
        await expect(store.beginGeneration(3)).rejects.toBeInstanceOf(GenerationGoneError);
        await expect(store.beginGeneration(2)).rejects.toBeInstanceOf(GenerationGoneError);
        expect(await store.getEntity(1)).toEqual(entity(1));
      });
    });

    describe('switchGeneration', () => {
      withStore("is 'fenced' for a generation not newer than the current one", async ({ store }) => {
        await buildGeneration(store, 5, [entity(1)], 3);
        expect(await store.switchGeneration(metaFor(5, 9), null)).toBe('fenced');
        expect(await store.switchGeneration(metaFor(4, 9), null)).toBe('fenced');
        // Switching the current generation again must not drop it.
        expect(await store.meta()).toMatchObject({ generation: 5, appliedChangeId: 3 });
        expect(await store.getEntity(1)).toEqual(entity(1));
      });

      withStore("is 'behind' until the new generation has caught up", async ({ store }) => {
        await buildGeneration(store, 1, [entity(1)], 10);
        await store.applyChanges({ fromId: 11, toId: 20, entities: [entity(1, { version: 20 })] });
        await store.beginGeneration(2, 10);
        await store.writeSnapshot(2, [entity(1, { version: 10 })]);
        expect(await store.switchGeneration(metaFor(2, 10), null)).toBe('behind');
        expect(await store.meta()).toMatchObject({ generation: 1, appliedChangeId: 20 });
        // Catching up from the change log, then the switch goes through.
        await store.applyChanges({ fromId: 11, toId: 20, entities: [entity(1, { version: 20 })] }, 2);
        expect(await store.switchGeneration(metaFor(2, 10), null)).toBe('switched');
        expect(await store.meta()).toMatchObject({ generation: 2, appliedChangeId: 20 });
        expect(await store.getEntity(1)).toMatchObject({ version: 20 });
      });

      withStore("is 'fenced' unless the lock token is the holder's", async ({ store, lock, otherLock }) => {
        const held = await lock.acquire(10_000);
        if (!held) throw new Error('lock not acquired');
        await store.beginGeneration(held.fence, 0);
        await store.writeSnapshot(held.fence, [entity(1)]);
        expect(await store.switchGeneration(metaFor(held.fence, 0), 'pod-x:not-the-token')).toBe('fenced');
        // The fenced generation is gone: its builder cannot go on writing into it.
        await expect(store.writeSnapshot(held.fence, [entity(2)])).rejects.toBeInstanceOf(GenerationGoneError);
        expect(await store.meta()).toBeNull();

        await store.beginGeneration(held.fence + 100, 0);
        expect(await store.switchGeneration(metaFor(held.fence + 100, 0), held.token)).toBe('switched');
        // A released token no longer switches, even for a newer generation.
        expect(await lock.release(held.token)).toBe(true);
        await store.beginGeneration(held.fence + 200, 0);
        expect(await store.switchGeneration(metaFor(held.fence + 200, 0), held.token)).toBe('fenced');
        // Nor does one whose lock expired and was taken by another pod.
        const short = await lock.acquire(40);
        if (!short) throw new Error('lock not acquired');
        await new Promise((r) => setTimeout(r, 80));
        expect(await otherLock('pod-b').acquire(10_000)).not.toBeNull();
        await store.beginGeneration(short.fence + 300, 0);
        expect(await store.switchGeneration(metaFor(short.fence + 300, 0), short.token)).toBe('fenced');
        expect(await store.meta()).toMatchObject({ generation: held.fence + 100 });
      });

      withStore('deletes the previous and any abandoned generation', async ({ store }) => {
        await buildGeneration(store, 1, [entity(1, { status: 'Failed' })], 0);
        await store.beginGeneration(2, 0); // a build that never finished
        await store.beginGeneration(3, 0);
        await store.writeSnapshot(3, [entity(1, { version: 2 })]);
        expect(await store.switchGeneration(metaFor(3, 0), null)).toBe('switched');
        for (const gone of [1, 2]) {
          await expect(store.writeSnapshot(gone, [entity(9)])).rejects.toBeInstanceOf(GenerationGoneError);
          await store.applyChanges({ fromId: 1, toId: 1, entities: [entity(9)] }, gone);
          expect(await store.switchGeneration(metaFor(gone, 99), null)).toBe('fenced');
        }
        // The runs still reached the current generation, and only it.
        expect(await store.meta()).toMatchObject({ generation: 3, entityCount: 2, teamCount: 1 });
        expect(await store.getEntity(1)).toMatchObject({ version: 2, status: 'Passed' });
        expect(await store.getEntity(9)).toEqual(entity(9));
      });
    });

    describe('readers never see a mix of generations', () => {
      const team = (marker: string, version: number) =>
        range(1, 3000).map((id) => entity(id, { entityName: `${marker}_${id}`, version }));
      const uniform = (list: CachedEntity[]) => {
        const markers = new Set(list.map((e) => e.entityName.split('_')[0]));
        expect(markers.size).toBe(1);
        expect(list).toHaveLength(3000);
        return [...markers][0];
      };

      withStore('nothing of a generation being built is visible', async ({ store }) => {
        await buildGeneration(store, 1, team('old', 1), 0);
        await store.beginGeneration(2, 0);
        await store.writeSnapshot(2, team('new', 2).slice(0, 1500));
        expect(uniform(await store.listTeam(PGM))).toBe('old');
        expect(await store.counts()).toEqual({ entities: 3000, teams: 1 });
        expect(await store.getEntity(1)).toMatchObject({ entityName: 'old_1' });
        expect((await scanAll(store)).all.every((e) => e.entityName.startsWith('old_'))).toBe(true);
      });

      withStore('a scan across a switch fails instead of mixing', async ({ store }) => {
        await buildGeneration(store, 1, team('old', 1), 0);
        await store.beginGeneration(2, 0);
        await store.writeSnapshot(2, team('new', 2));
        const seen: CachedEntity[] = [];
        let switched = false;
        const scanning = store.scan(async (batch) => {
          seen.push(...batch);
          if (!switched) {
            switched = true;
            expect(await store.switchGeneration(metaFor(2, 0), null)).toBe('switched');
          }
        }, 500);
        await expect(scanning).rejects.toBeInstanceOf(GenerationGoneError);
        expect(seen.every((e) => e.entityName.startsWith('old_'))).toBe(true);
        expect(uniform((await scanAll(store)).all)).toBe('new');
      });

      withStore('team listings racing a switch see one generation', async ({ store }) => {
        await buildGeneration(store, 1, team('old', 1), 0);
        await store.beginGeneration(2, 0);
        await store.writeSnapshot(2, team('new', 2));
        let done = false;
        const markers: string[] = [];
        const readers = Array.from({ length: 3 }, async () => {
          while (!done) {
            await new Promise((r) => setImmediate(r)); // let the switch interleave
            markers.push(uniform(await store.listTeam(PGM)) ?? '');
            const e = await store.getEntity(1 + Math.floor(Math.random() * 3000));
            expect(e?.entityName.split('_')[0]).toMatch(/^(old|new)$/);
          }
        });
        await new Promise((r) => setTimeout(r, 30));
        expect(await store.switchGeneration(metaFor(2, 0), null)).toBe('switched');
        await new Promise((r) => setTimeout(r, 30));
        done = true;
        await Promise.all(readers);
        expect(markers.at(-1)).toBe('new');
      });
    });

    it('clear removes only its own cache', async () => {
      const a = await factory();
      const b = await factory();
      try {
        await buildGeneration(a.store, 1, [entity(1)], 0);
        await buildGeneration(b.store, 1, [entity(1)], 0);
        expect(await a.lock.acquire(10_000)).not.toBeNull();
        await a.store.clear();
        expect(await a.store.meta()).toBeNull();
        expect(await a.store.counts()).toEqual({ entities: 0, teams: 0 });
        expect(await a.lock.holder()).toBeNull();
        expect(await b.store.meta()).toMatchObject({ generation: 1 });
        expect(await b.store.getEntity(1)).toEqual(entity(1));
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
