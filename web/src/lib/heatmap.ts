/** One day of the calendar heatmap. */
export type HeatDay = { date: string; compliance: number | null };

/** Colour steps of a day's compliance; the legend names them, and each cell's label says the value. */
export type HeatLevel = 'none' | 'full' | 'high' | 'mid' | 'low' | 'bad';

export const HEAT_LEVELS: { level: HeatLevel; label: string }[] = [
  { level: 'full', label: '100 %' },
  { level: 'high', label: '99 – 99.99 %' },
  { level: 'mid', label: '95 – 99 %' },
  { level: 'low', label: '90 – 95 %' },
  { level: 'bad', label: 'under 90 %' },
  { level: 'none', label: 'no data' },
];

export function heatLevel(compliance: number | null): HeatLevel {
  if (compliance == null) return 'none';
  if (compliance >= 100) return 'full';
  if (compliance >= 99) return 'high';
  if (compliance >= 95) return 'mid';
  if (compliance >= 90) return 'low';
  return 'bad';
}

/** Weekday of a calendar date `YYYY-MM-DD`, Monday = 0 (a date's weekday does not depend on a zone). */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const dow = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay();
  return (dow + 6) % 7;
}

export type HeatCell = HeatDay & { week: number; weekday: number; level: HeatLevel };

/**
 * Lays days (ascending, consecutive) out in weeks: one column per week, Monday on top,
 * as calendars and contribution graphs do. Returns the cells and the number of weeks.
 */
export function heatmapLayout(days: readonly HeatDay[]): { cells: HeatCell[]; weeks: number } {
  if (days.length === 0) return { cells: [], weeks: 0 };
  const offset = weekdayOf((days[0] as HeatDay).date);
  const cells = days.map((d, i) => ({
    ...d,
    week: Math.floor((i + offset) / 7),
    weekday: (i + offset) % 7,
    level: heatLevel(d.compliance),
  }));
  return { cells, weeks: Math.floor((days.length - 1 + offset) / 7) + 1 };
}
