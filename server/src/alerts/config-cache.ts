import type { AlertConfig, AlertConfigSource } from './engine-types.js';

/**
 * A process-wide notice that this pod wrote the alerting configuration (the API's rule, channel
 * and silence writes): the API's dependencies are built apart from the engine, and an event in
 * the process costs nothing, while other pods learn at their next re-read.
 */
const changes = new EventTarget();

/** Tells this process's alerting engines that the configuration tables changed (call after commit). */
export function announceConfigChange(): void {
  changes.dispatchEvent(new Event('change'));
}

/** Calls `fn` after every `announceConfigChange` in this process. Returns the unsubscribe. */
export function onConfigChange(fn: () => void): () => void {
  changes.addEventListener('change', fn);
  return () => changes.removeEventListener('change', fn);
}

/**
 * A configuration source answering from memory: `load` (one read of the tables) runs at the
 * first call, when the copy is older than `maxAgeMs`, after `invalidate`, and when a caller
 * asks for `fresh`. Concurrent callers share one load. A failed load keeps nothing and
 * throws to its callers (the next call loads again).
 * @throws whatever `load` throws (DatabaseUnavailable).
 */
export function cachedConfigSource(
  load: () => Promise<AlertConfig>,
  maxAgeMs: number,
  now: () => number = Date.now,
): { source: AlertConfigSource; invalidate: () => void } {
  let copy: { config: AlertConfig; at: number } | null = null;
  let loading: Promise<AlertConfig> | null = null;
  let generation = 0;
  const reload = (): Promise<AlertConfig> => {
    if (loading) return loading;
    const started = generation;
    const at = now();
    loading = load()
      .then((config) => {
        // A change announced during the read may be missing from it: keep it for this call only.
        if (started === generation) copy = { config, at };
        return config;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  };
  const source: AlertConfigSource = async (opts) => {
    if (!opts?.fresh && copy && now() - copy.at < maxAgeMs) return copy.config;
    return reload();
  };
  const invalidate = () => {
    generation++;
    copy = null;
  };
  return { source, invalidate };
}
