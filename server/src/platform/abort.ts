/**
 * Races `work` against `signal`: resolves with `work`'s value, or with `onAbort()` once
 * `signal` aborts first (at once if it already has). The abort listener is removed as soon
 * as the race is decided, so a long-lived signal raced by many attempts gathers no
 * listeners (Node's MaxListenersExceededWarning). `work` is not cancelled: pass `signal` to
 * it as well when it can stop. Rejects when `work` rejects before the abort.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => T): Promise<T> {
  if (signal.aborted) return Promise.resolve(onAbort());
  return new Promise<T>((resolve, reject) => {
    const aborted = () => resolve(onAbort());
    const settle = () => signal.removeEventListener('abort', aborted);
    signal.addEventListener('abort', aborted, { once: true });
    work.then(
      (value) => {
        settle();
        resolve(value);
      },
      (err: unknown) => {
        settle();
        reject(err);
      },
    );
  });
}
