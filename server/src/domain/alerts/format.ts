/** Human text of alert summaries. */

/** Units a window is written in, largest first. */
const UNITS: readonly (readonly [minutes: number, label: string])[] = [
  [1440, 'd'],
  [60, 'h'],
  [1, 'min'],
];

/** A whole number of minutes in the largest unit that divides it: "5 min", "1 h", "3 d", "90 min". */
export function windowLabel(minutes: number): string {
  const [size, label] = UNITS.find(([size]) => minutes >= size && minutes % size === 0) ?? [1, 'min'];
  return `${minutes / size} ${label}`;
}

/** A duration in ms as whole minutes, hours or days for a summary line: "45 min", "2 h", "3 d". */
export function durationLabel(ms: number): string {
  return windowLabel(Math.max(0, Math.floor(ms / 60_000)));
}

/** A burn rate with one decimal and the multiplication sign: 18.2×. */
export const burnLabel = (rate: number): string => `${rate.toFixed(1)}×`;
