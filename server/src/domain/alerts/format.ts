/** Human text of alert summaries. */

/** A window in minutes as people write it: "5 min", "1 h", "3 d", "90 min". */
export function windowLabel(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** A duration in ms as whole minutes, hours or days for a summary line: "45 min", "2 h", "3 d". */
export function durationLabel(ms: number): string {
  return windowLabel(Math.max(0, Math.floor(ms / 60_000)));
}

/** A burn rate with one decimal and the multiplication sign: 18.2×. */
export const burnLabel = (rate: number): string => `${rate.toFixed(1)}×`;
