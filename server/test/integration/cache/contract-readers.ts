import { describe, expect } from 'vitest';
import { GenerationGoneError } from '../../../src/cache/store/types.js';
import type { EntityState } from '../../../src/domain/entity.js';
import {
  buildGeneration,
  entity,
  metaFor,
  PGM,
  range,
  type StoreFactory,
  scanAll,
  storeTest,
} from './contract-helpers.js';

/** Invariant 4: readers see the old generation or the new one, never a mix. */
export function readersContract(factory: StoreFactory): void {
  const test = (title: string, body: Parameters<typeof storeTest>[2]) => storeTest(factory, title, body);
  describe('readers never see a mix of generations', () => {
    const team = (marker: string, version: number) =>
      range(1, 3000).map((id) => entity(id, { entityName: `${marker}_${id}`, version }));
    const uniform = (list: EntityState[]) => {
      const markers = new Set(list.map((e) => e.entityName.split('_')[0]));
      expect(markers.size).toBe(1);
      expect(list).toHaveLength(3000);
      return [...markers][0];
    };

    test('nothing of a generation being built is visible', async ({ store }) => {
      await buildGeneration(store, 1, team('old', 1), 0);
      await store.beginGeneration(2, 0);
      await store.writeSnapshot(2, team('new', 2).slice(0, 1500));
      expect(uniform(await store.listTeam(PGM))).toBe('old');
      expect(await store.counts()).toEqual({ entities: 3000, teams: 1 });
      expect(await store.getEntity(1)).toMatchObject({ entityName: 'old_1' });
      expect((await scanAll(store)).all.every((e) => e.entityName.startsWith('old_'))).toBe(true);
    });

    test('a scan across a switch fails instead of mixing', async ({ store }) => {
      await buildGeneration(store, 1, team('old', 1), 0);
      await store.beginGeneration(2, 0);
      await store.writeSnapshot(2, team('new', 2));
      const seen: EntityState[] = [];
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

    test('team listings racing a switch see one generation', async ({ store }) => {
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
}
