export type Timers = {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Leading and trailing throttle: the first call runs at once, later calls within `ms`
 * collapse into one run at the end of the window, so the last event is never left out.
 */
export function throttle(fn: () => void, ms: number, timers: Timers = realTimers): { (): void; cancel(): void } {
  let last = Number.NEGATIVE_INFINITY;
  let pending: unknown = null;
  const run = () => {
    pending = null;
    last = timers.now();
    fn();
  };
  const call = () => {
    if (pending !== null) return;
    const wait = last + ms - timers.now();
    if (wait <= 0) run();
    else pending = timers.setTimeout(run, wait);
  };
  call.cancel = () => {
    if (pending !== null) timers.clearTimeout(pending);
    pending = null;
  };
  return call;
}
