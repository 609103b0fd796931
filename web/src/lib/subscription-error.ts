/** How the dashboard recovers when the server ends its change subscription with an error. */
export type Recovery =
  /** The resume cursor was refused (another log epoch, ahead of the head, malformed): start over from the head now. */
  | 'reload-from-head'
  /** Anything else (signed out, the pod draining, …): subscribe again after a pause. */
  | 'retry-later';

/**
 * Reads a tRPC client error from `cache.onChange`. The server refuses a resume cursor it
 * cannot honour with BAD_REQUEST (see docs/operations.md, "Change cursors"); replaying
 * the same cursor would fail forever, so the app drops it and reloads its data instead.
 */
export function recoveryFor(err: unknown): Recovery {
  const data = (err as { data?: { code?: unknown } } | null)?.data;
  return data?.code === 'BAD_REQUEST' ? 'reload-from-head' : 'retry-later';
}
