/**
 * How busy the change stream is, for deciding whether highlights still mean anything.
 * A highlight says "this just changed"; at hundreds of changes a second everything is
 * changing, the highlights would run on every row continuously, and each running
 * animation keeps the browser painting every frame. Above the threshold, numbers still
 * update live but stop flashing until the stream calms down.
 */
const WINDOW_MS = 1000;
export const BUSY_PER_SECOND = 50;

let recent: { at: number; n: number }[] = [];

export function noteChanges(n: number, now = performance.now()): void {
  recent.push({ at: now, n });
  recent = recent.filter((r) => now - r.at < WINDOW_MS);
}

export function highlightsAllowed(now = performance.now()): boolean {
  let sum = 0;
  for (const r of recent) if (now - r.at < WINDOW_MS) sum += r.n;
  return sum <= BUSY_PER_SECOND;
}
