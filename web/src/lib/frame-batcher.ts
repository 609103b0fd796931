/** Runs a callback once, later: requestAnimationFrame in the page, anything in tests. */
export type Scheduler = (run: () => void) => void;

export type FrameBatcher<T> = { push(item: T): void; flush(): void };

/**
 * Collects items and hands them over in one call per scheduled tick, so hundreds of
 * events a second cost one cache update and one render per frame. If the buffer passes
 * `max` (a hidden tab gets no animation frames) the oldest items are dropped and the
 * flush is told so it can refetch instead of trusting a partial stream.
 */
export function createFrameBatcher<T>(
  onFlush: (items: T[], overflowed: boolean) => void,
  schedule: Scheduler,
  max = 20_000,
): FrameBatcher<T> {
  let buffer: T[] = [];
  let overflowed = false;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (buffer.length === 0 && !overflowed) return;
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
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
  };
}

/** Animation frames while visible; a slow timer while hidden, where frames never come. */
export function frameScheduler(run: () => void): void {
  if (typeof document !== 'undefined' && document.hidden) setTimeout(run, 1000);
  else requestAnimationFrame(run);
}
