import { describe, expect } from 'vitest';
import { GenerationGoneError } from '../../../src/cache/store/types.js';
import { buildGeneration, entity, metaFor, type StoreFactory, storeTest } from './contract-helpers.js';

/** switchGeneration outcomes and what each leaves behind. */
export function switchContract(factory: StoreFactory): void {
  const test = (title: string, body: Parameters<typeof storeTest>[2]) => storeTest(factory, title, body);
  describe('switchGeneration', () => {
    test("is 'fenced' for a generation not newer than the current one", async ({ store }) => {
      await buildGeneration(store, 5, [entity(1)], 3);
      expect(await store.switchGeneration(metaFor(5, 9), null)).toBe('fenced');
      expect(await store.switchGeneration(metaFor(4, 9), null)).toBe('fenced');
      // Switching the current generation again must not drop it.
      expect(await store.meta()).toMatchObject({ generation: 5, appliedChangeId: 3 });
      expect(await store.getEntity(1)).toEqual(entity(1));
    });

    test("is 'behind' until the new generation has caught up", async ({ store }) => {
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

    test("is 'fenced' unless the lock token is the holder's", async ({ store, lock, otherLock }) => {
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

    test('deletes the previous and any abandoned generation', async ({ store }) => {
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
}
