/**
 * Calls `check` every `intervalMs` until it returns a value other than undefined, and
 * resolves to that value. A throw counts as "not yet" and becomes the reason quoted when
 * `timeoutMs` runs out (the rejection names `what`).
 */
export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  intervalMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let reason = 'never satisfied';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= until) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${reason})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
