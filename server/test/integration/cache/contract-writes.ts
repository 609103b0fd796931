import { describe, expect } from 'vitest';
import { GenerationGoneError } from '../../../src/cache/store/types.js';
import { buildGeneration, entity, metaFor, PGM, range, type StoreFactory, storeTest } from './contract-helpers.js';

/** applyChanges on the current generation and on one being built. */
export function writesContract(factory: StoreFactory): void {
  const test = (title: string, body: Parameters<typeof storeTest>[2]) => storeTest(factory, title, body);
  describe('applyChanges', () => {
    test('adds new entities and counts their teams', async ({ store }) => {
      await buildGeneration(store, 1, [entity(1)], 1);
      const fresh = [entity(2, { version: 2 }), entity(3, { teamName: 'New', version: 3 })];
      expect(await store.applyChanges({ fromId: 2, toId: 3, entities: fresh })).toBe(3);
      expect(await store.getEntity(2)).toEqual(fresh[0]);
      expect(await store.getEntity(3)).toEqual(fresh[1]);
      expect(await store.counts()).toEqual({ entities: 3, teams: 2 });
      expect(await store.meta()).toMatchObject({ appliedChangeId: 3, entityCount: 3, teamCount: 2 });
      expect(await store.listTeam({ tenantName: 'Data Engineering', teamName: 'New' })).toEqual([fresh[1]]);
    });

    test('only moves an entity forward', async ({ store }) => {
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

    test('advances the watermark only over contiguous runs', async ({ store }) => {
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

    test('applies a run of several thousand entities in one call', async ({ store }) => {
      await buildGeneration(store, 1, [], 0);
      const run = range(1, 5000).map((id) => entity(id, { teamName: `t${id % 13}`, version: id }));
      expect(await store.applyChanges({ fromId: 1, toId: 5000, entities: run })).toBe(5000);
      expect(await store.counts()).toEqual({ entities: 5000, teams: 13 });
      expect(await store.getEntity(4321)).toEqual(run[4320]);
    });
  });

  describe('building a generation', () => {
    test('dual-writes runs into the generation being built', async ({ store }) => {
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

    test('keeps a newer dual-written state over an older snapshot row', async ({ store }) => {
      await buildGeneration(store, 1, [], 0);
      await store.beginGeneration(2, 0);
      await store.applyChanges({ fromId: 1, toId: 1, entities: [entity(1, { version: 20, status: 'Failed' })] }, 2);
      await store.writeSnapshot(2, [entity(1, { version: 15 }), entity(2, { version: 15 })]);
      expect(await store.switchGeneration(metaFor(2, 1), null)).toBe('switched');
      expect(await store.getEntity(1)).toMatchObject({ version: 20, status: 'Failed' });
      expect(await store.counts()).toEqual({ entities: 2, teams: 1 });
      expect(await store.listTeams()).toEqual([PGM]);
    });

    test('merges runs applied while building, newest version winning', async ({ store }) => {
      await buildGeneration(store, 1, [], 0);
      await store.beginGeneration(2, 0);
      await store.applyChanges(
        { fromId: 1, toId: 2, entities: [entity(1, { version: 2 }), entity(3, { teamName: 'C', version: 1 })] },
        2,
      );
      // Older than the snapshot row: the snapshot row stays.
      await store.applyChanges({ fromId: 3, toId: 3, entities: [entity(2, { version: 3, status: 'AtRisk' })] }, 2);
      await store.writeSnapshot(2, [entity(1, { version: 1 }), entity(2, { version: 9 })]);
      expect(await store.switchGeneration(metaFor(2, 0), null)).toBe('switched');
      expect(await store.getEntity(1)).toEqual(entity(1, { version: 2 }));
      expect(await store.getEntity(2)).toEqual(entity(2, { version: 9 }));
      expect(await store.getEntity(3)).toEqual(entity(3, { teamName: 'C', version: 1 }));
      expect(await store.meta()).toMatchObject({ appliedChangeId: 3, entityCount: 3, teamCount: 2 });
      expect(await store.listTeam(PGM)).toHaveLength(2);
    });

    test('keeps the newest of a repeated id within one snapshot call', async ({ store }) => {
      await store.beginGeneration(1, 0);
      await store.writeSnapshot(1, [entity(1, { version: 5 }), entity(1, { version: 3 }), entity(2)]);
      expect(await store.switchGeneration(metaFor(1, 0), null)).toBe('switched');
      expect(await store.getEntity(1)).toEqual(entity(1, { version: 5 }));
      expect(await store.counts()).toEqual({ entities: 2, teams: 1 });
    });

    test('rejects snapshot rows repeating an earlier call', async ({ store }) => {
      await store.beginGeneration(1, 0);
      await store.writeSnapshot(1, [entity(1), entity(2)]);
      await expect(store.writeSnapshot(1, [entity(2), entity(3)])).rejects.toThrow(/repeat/);
    });

    test('ignores runs for a generation that was never begun', async ({ store }) => {
      await buildGeneration(store, 1, [], 0);
      await store.applyChanges({ fromId: 1, toId: 1, entities: [entity(1)] }, 5);
      await expect(store.writeSnapshot(5, [entity(2)])).rejects.toBeInstanceOf(GenerationGoneError);
      expect(await store.switchGeneration(metaFor(5, 1), null)).toBe('fenced');
      expect(await store.meta()).toMatchObject({ generation: 1 });
    });

    test('refuses to begin a generation not newer than the current one', async ({ store }) => {
      await buildGeneration(store, 3, [entity(1)], 0);
      await expect(store.beginGeneration(3)).rejects.toBeInstanceOf(GenerationGoneError);
      await expect(store.beginGeneration(2)).rejects.toBeInstanceOf(GenerationGoneError);
      expect(await store.getEntity(1)).toEqual(entity(1));
    });
  });
}
