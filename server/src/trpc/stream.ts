/**
 * `source` as an async iterator that calls `hooks.end` once however it ends (done, error,
 * return) and passes each error through `hooks.error` (which returns the error to throw).
 * A plain object rather than an async generator: a subscription holds one of these for as
 * long as it is open, and a suspended generator layer costs more memory and a few more
 * promise turns per value.
 */
export function guardedStream<T>(
  source: AsyncIterable<T>,
  hooks: { end?: () => void; error?: (err: unknown) => unknown },
): AsyncIterableIterator<T> {
  const it = source[Symbol.asyncIterator]();
  let ended = false;
  const end = () => {
    if (!ended) hooks.end?.();
    ended = true;
  };
  const settle = (r: IteratorResult<T>) => {
    if (r.done) end();
    return r;
  };
  const fail = (err: unknown): never => {
    end();
    throw hooks.error ? hooks.error(err) : err;
  };
  return {
    next: () => it.next().then(settle, fail),
    return: (value?: unknown) =>
      (it.return ? it.return(value) : Promise.resolve({ done: true as const, value: value as T })).then((r) => {
        end();
        return r;
      }, fail),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
