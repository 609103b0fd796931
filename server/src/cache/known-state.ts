import type { RefreshLock } from './lock/lock.js';
import type { CacheStore, GenerationMeta } from './store/types.js';

/** What the pod last read of the shared store; a status answers from this without asking Redis. */
export type KnownStore = {
  meta: GenerationMeta | null;
  counts: { entities: number; teams: number };
  lockHolder: string | null;
  /** Epoch ms of the read that produced these values (0: never read). */
  readAt: number;
};

/**
 * The last known meta, counts and lock holder of the store the pod uses, refreshed in the
 * background (the coordinator's sync loop and every mode change). A frozen Redis makes a
 * refresh wait for its command timeout; readers never do, so `GET /api/cache/status`
 * answers within milliseconds whatever Redis is doing. A value that fails to read keeps
 * its last known value.
 */
export class KnownState {
  private value: KnownStore = { meta: null, counts: { entities: 0, teams: 0 }, lockHolder: null, readAt: 0 };
  private reading: Promise<void> | null = null;

  get current(): KnownStore {
    return this.value;
  }

  /** Re-reads the store and lock in use (one read at a time; a call during a read joins it). Never throws. */
  refresh({ store, lock }: { store: CacheStore; lock: RefreshLock }): Promise<void> {
    this.reading ??= this.read(store, lock).finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async read(store: CacheStore, lock: RefreshLock): Promise<void> {
    const [meta, counts, holder] = await Promise.allSettled([store.meta(), store.counts(), lock.holder()]);
    const last = this.value;
    this.value = {
      meta: meta.status === 'fulfilled' ? meta.value : last.meta,
      counts: counts.status === 'fulfilled' ? counts.value : last.counts,
      lockHolder: holder.status === 'fulfilled' ? holder.value : last.lockHolder,
      readAt: meta.status === 'fulfilled' ? Date.now() : last.readAt,
    };
  }
}
