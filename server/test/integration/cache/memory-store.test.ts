import { MemoryLockState, MemoryRefreshLock } from '../../../src/cache/lock/memory-lock.js';
import { MemoryStore } from '../../../src/cache/store/memory-store.js';
import { runStoreContract } from './store.contract.js';

runStoreContract('memory', async () => {
  const state = new MemoryLockState();
  const lock = new MemoryRefreshLock('pod-a', state);
  const store = new MemoryStore(lock);
  return {
    store,
    lock,
    otherLock: (podId) => new MemoryRefreshLock(podId, state),
    close: () => store.clear(),
  };
});
