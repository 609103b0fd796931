const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * A duration in milliseconds as people say it, two units at most: "45 s", "12 min",
 * "3 h 5 min", "4 d 2 h". Negative durations (an overspent budget) get a leading "−".
 * Null gives "–".
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '–';
  const sign = ms < 0 ? '−' : '';
  const a = Math.abs(ms);
  if (a < MIN) return `${sign}${Math.round(a / 1000)} s`;
  if (a < HOUR) return `${sign}${Math.round(a / MIN)} min`;
  if (a < DAY) {
    const h = Math.floor(a / HOUR);
    const m = Math.round((a - h * HOUR) / MIN);
    return m === 0 || m === 60 ? `${sign}${m === 60 ? h + 1 : h} h` : `${sign}${h} h ${m} min`;
  }
  const d = Math.floor(a / DAY);
  const h = Math.round((a - d * DAY) / HOUR);
  return h === 0 || h === 24 ? `${sign}${h === 24 ? d + 1 : d} d` : `${sign}${d} d ${h} h`;
}

/** A burn-rate window's length: 5 → "5 min", 60 → "1 h", 4320 → "3 d". */
export function formatWindowMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** Minutes with one decimal at most ("12.5 min"), for excluded time in reports. */
export function formatMinutes(minutes: number): string {
  const rounded = Math.round(minutes * 10) / 10;
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(rounded)} min`;
}
