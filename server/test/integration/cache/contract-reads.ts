import { describe, expect } from 'vitest';
import {
  buildGeneration,
  entity,
  metaFor,
  ODD,
  PGM,
  range,
  type StoreFactory,
  scanAll,
  storeTest,
  T0,
} from './contract-helpers.js';

/** Reading an empty store, a switched-in snapshot and a full scan. */
export function readsContract(factory: StoreFactory): void {
  const test = (title: string, body: Parameters<typeof storeTest>[2]) => storeTest(factory, title, body);
  describe('before any generation', () => {
    test('is empty and applying a run stores nothing', async ({ store }) => {
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
    test('serves a switched-in snapshot exactly as written', async ({ store }) => {
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

    test('scans every entity once, in batches no larger than asked', async ({ store }) => {
      const all = range(1, 2500).map((id) => entity(id, { teamName: `team-${id % 7}` }));
      await buildGeneration(store, 1, all, 5);
      const scanned = await scanAll(store, 300);
      expect(scanned.meta).toMatchObject({ generation: 1, appliedChangeId: 5, entityCount: 2500, teamCount: 7 });
      expect(scanned.all).toEqual(all);
      for (const b of scanned.batches) expect(b.length).toBeLessThanOrEqual(300);
    });
  });
}
