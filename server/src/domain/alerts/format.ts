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

/**
 * A duration in ms for a summary line, rounded down to the whole minute, always by one rule:
 * - under 1 hour: minutes ("0 min", "45 min");
 * - under 48 hours: hours and minutes, the minutes left out when 0 ("1 h", "2 h 5 min", "42 h 2 min");
 * - from 48 hours: days and hours, the hours left out when 0 ("2 d", "3 d 4 h").
 * A negative duration reads as "0 min".
 */
export function durationLabel(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return joined(hours, 'h', minutes % 60, 'min');
  return joined(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

const joined = (big: number, bigUnit: string, small: number, smallUnit: string): string =>
  small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;

/** A burn rate with one decimal and the multiplication sign: 18.2×. */
export const burnLabel = (rate: number): string => `${rate.toFixed(1)}×`;
