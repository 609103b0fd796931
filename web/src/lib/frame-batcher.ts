/** Runs a callback once, later: requestAnimationFrame in the page, anything in tests. */
export type Scheduler = (run: () => void) => void;

export type FrameBatcher<T> = { push(item: T): void; flush(): void };

export type BatcherOptions = {
  /** Past this many buffered items the oldest are dropped (a hidden tab gets no frames). */
  max?: number;
  /** Flushes are at least this far apart; the first item after a quiet spell goes at once. */
  minIntervalMs?: number;
  now?: () => number;
  delay?: (run: () => void, ms: number) => void;
};

/**
 * Collects items and hands them over in one call per scheduled frame, so hundreds of
 * events a second cost one cache update and one render per flush. Under a burst, flushes
 * are also spaced by `minIntervalMs`: a lone change still shows on the next frame, while
 * 500 changes a second become ten renders instead of sixty, leaving the main thread free.
 * On overflow the flush is told so it can refetch instead of trusting a partial stream.
 */
export function createFrameBatcher<T>(
  onFlush: (items: T[], overflowed: boolean) => void,
  schedule: Scheduler,
  {
    max = 20_000,
    minIntervalMs = 0,
    now = () => Date.now(),
    delay = (run, ms) => setTimeout(run, ms),
  }: BatcherOptions = {},
): FrameBatcher<T> {
  let buffer: T[] = [];
  let overflowed = false;
  let scheduled = false;
  let lastFlush = Number.NEGATIVE_INFINITY;
  const flush = () => {
    scheduled = false;
    if (buffer.length === 0 && !overflowed) return;
    lastFlush = now();
    const items = buffer;
    const lost = overflowed;
    buffer = [];
    overflowed = false;
    onFlush(items, lost);
  };
  return {
    push(item) {
      buffer.push(item);
      if (buffer.length > max) {
        buffer = buffer.slice(buffer.length - max);
        overflowed = true;
      }
      if (scheduled) return;
      scheduled = true;
      const wait = lastFlush + minIntervalMs - now();
      if (wait > 0) delay(() => schedule(flush), wait);
      else schedule(flush);
    },
    flush,
  };
}

/** Animation frames while visible; a slow timer while hidden, where frames never come. */
export function frameScheduler(run: () => void): void {
  if (typeof document !== 'undefined' && document.hidden) setTimeout(run, 1000);
  else requestAnimationFrame(run);
}
