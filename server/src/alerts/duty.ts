import type { Logger } from 'pino';
import { sleep } from '../platform/backoff.js';
import { type LeaseFence, LeaseLost, type PgLease } from './lease.js';

/** Work done while holding a lease (the evaluator's or the sender's `work`). */
export type LeasedWork = (fence: LeaseFence, lost: AbortSignal) => Promise<void>;

/**
 * Runs every one of `works` side by side while this process holds `lease` (one PostgreSQL
 * lease for evaluation and sending, so an idle fleet renews one grant, and the evaluator can
 * poke the sender in-process). A work that returns or fails (other than `LeaseLost`) is run
 * again a second later; a `LeaseLost` from any work stops them all and gives the lease up to
 * the next grant. Resolves after `stop` aborted and the lease was released.
 */
export function holdAlerting(
  lease: PgLease,
  stop: AbortSignal,
  works: readonly LeasedWork[],
  log?: Logger | undefined,
): Promise<void> {
  return lease.hold(stop, async (fence, lost) => {
    const gone = new AbortController();
    const onLost = () => gone.abort();
    lost.addEventListener('abort', onLost, { once: true });
    if (lost.aborted) gone.abort();
    let leaseLost: LeaseLost | null = null;
    await Promise.all(
      works.map(async (work) => {
        while (!gone.signal.aborted) {
          try {
            await work(fence, gone.signal);
          } catch (err) {
            if (err instanceof LeaseLost) {
              leaseLost = err;
              gone.abort();
              return;
            }
            log?.warn({ lease: fence.name, err }, 'alerting work failed: run again in a second');
          }
          if (!gone.signal.aborted) await sleep(1_000, gone.signal);
        }
      }),
    );
    lost.removeEventListener('abort', onLost);
    if (leaseLost) throw leaseLost;
  });
}
