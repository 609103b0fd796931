/** A report period the picker offers: `2026-11` (month) or `2026-Q4` (quarter). */
export type PeriodOption = { value: string; label: string; kind: 'month' | 'quarter'; current: boolean };

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Year and month (1–12) of an instant in an IANA zone; an unknown zone falls back to UTC. */
export function yearMonthIn(now: number, timeZone: string): { year: number; month: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric' }).formatToParts(now);
  } catch {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'numeric' }).formatToParts(now);
  }
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { year: get('year'), month: get('month') };
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The periods a report can be asked for at `now` in `timeZone`, newest first: the current
 * month and `months − 1` before it, then the current quarter and `quarters − 1` before it.
 * Future periods are never offered (the server refuses them); the current ones are marked,
 * as their reports are provisional.
 */
export function periodOptions(now: number, timeZone: string, months = 13, quarters = 5): PeriodOption[] {
  const { year, month } = yearMonthIn(now, timeZone);
  const out: PeriodOption[] = [];
  for (let i = 0; i < months; i++) {
    const idx = year * 12 + (month - 1) - i;
    const y = Math.floor(idx / 12);
    const m = (idx % 12) + 1;
    out.push({ value: `${y}-${pad(m)}`, label: `${MONTHS[m - 1]} ${y}`, kind: 'month', current: i === 0 });
  }
  const q0 = year * 4 + Math.floor((month - 1) / 3);
  for (let i = 0; i < quarters; i++) {
    const idx = q0 - i;
    const y = Math.floor(idx / 4);
    const q = (idx % 4) + 1;
    out.push({ value: `${y}-Q${q}`, label: `Q${q} ${y}`, kind: 'quarter', current: i === 0 });
  }
  return out;
}

/** The period a report page opens with: the current month. */
export const defaultPeriod = (now: number, timeZone: string): string => {
  const { year, month } = yearMonthIn(now, timeZone);
  return `${year}-${pad(month)}`;
};

/** Whether a period string is well formed (`YYYY-MM` or `YYYY-Qn`); anything else falls back to the default. */
export const isPeriod = (v: string | null): v is string => v != null && /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/.test(v);
