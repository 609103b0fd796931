import type { CacheCoordinator } from '../cache/coordinator.js';
import type { LogRun } from '../domain/change.js';
import type { Config } from '../platform/config.js';

/**
 * What the ingest writer calls after each commit: the cache's write-through — or, with
 * FAULT_INJECTION=kill-after-commit (tests only; refused in production), the process
 * dies right there, between the commit and any cache write or answer.
 */
export function commitHook(config: Config, cache: CacheCoordinator): (run: LogRun) => Promise<unknown> {
  if (config.FAULT_INJECTION === 'kill-after-commit')
    return async () => {
      process.kill(process.pid, 'SIGKILL');
    };
  return (run) => cache.onCommitted(run);
}
