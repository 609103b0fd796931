/**
 * Exponential backoff: `baseMs · 2^(attempt−1)`, capped at `capMs`, with up to 20% random
 * jitter so pods that lost a dependency together do not retry in step. `attempt` counts
 * from 1. One line of arithmetic, so no library.
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
  const plain = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(plain * (1 - Math.random() * 0.2));
}

/** Resolves after `ms`, or at once when `signal` aborts; the timer does not keep the process alive. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    t.unref();
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
