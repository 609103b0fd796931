import { describe, expect, it } from 'vitest';
import { buildGeneration, entity, type StoreFactory } from './contract-helpers.js';
import { readersContract } from './contract-readers.js';
import { readsContract } from './contract-reads.js';
import { switchContract } from './contract-switch.js';
import { writesContract } from './contract-writes.js';

export { buildGeneration, entity, metaFor, type StoreFactory, type StoreHarness } from './contract-helpers.js';

/** The behaviour every CacheStore shares; each implementation runs it with its own factory. */
export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} store contract`, () => {
    readsContract(factory);
    writesContract(factory);
    switchContract(factory);
    readersContract(factory);

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
