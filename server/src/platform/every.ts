/**
 * Runs `fn` every `ms` milliseconds, never two at once (a slow run makes the next tick
 * skip), until the returned stop function is called. Failures go to `onError`; the timer
 * does not keep the process alive.
 */
export function every(ms: number, fn: () => Promise<void>, onError: (err: unknown) => void): () => void {
  let busy = false;
  let stopped = false;
  const t = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    fn()
      .catch(onError)
      .finally(() => {
        busy = false;
      });
  }, ms);
  t.unref();
  return () => {
    stopped = true;
    clearInterval(t);
  };
}
