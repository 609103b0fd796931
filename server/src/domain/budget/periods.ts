import { DateTime, IANAZone } from 'luxon';
import type { Interval } from './types.js';

/**
 * Budget and report periods in an IANA time zone (docs/budgets.md "Budget windows",
 * "Compliance reports"). Calendar arithmetic is luxon's: a period runs from local midnight of
 * its first day to local midnight of the next period's first day, so a period crossing a DST
 * change is an hour shorter or longer than its day count suggests.
 */

export type PeriodKind = 'month' | 'quarter';

/** A calendar period `[from, to)` (epoch ms) in `timeZone`; `label` is `2026-11` or `2026-Q4`. */
export type Period = { kind: PeriodKind; from: number; to: number; label: string; timeZone: string };

/** Where the period text or zone is wrong (`format`, `year`, `month`, `quarter`, `zone`); the message names it. */
export type PeriodProblem = 'format' | 'year' | 'month' | 'quarter' | 'zone';

/** Thrown for a period or time zone that cannot be used; `message` says what is wrong, for a 400. */
export class PeriodError extends Error {
  override readonly name = 'PeriodError';
  constructor(
    readonly problem: PeriodProblem,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Whether `zone` is an IANA time-zone name this runtime knows (`Europe/Berlin`, `UTC`,
 * `America/Argentina/Buenos_Aires`); offsets like `+02:00` and abbreviations like `CET` are not
 * zones (a fixed offset has no DST rules, which is what calendar periods need).
 */
export const isValidZone = (zone: string): boolean =>
  zone.length <= 64 && /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) && IANAZone.isValidZone(zone);

function zoneOrThrow(zone: string): string {
  if (!isValidZone(zone))
    throw new PeriodError('zone', `timeZone must be an IANA time zone (got ${JSON.stringify(zone)})`);
  return zone;
}

const MONTHS_OF: Record<PeriodKind, number> = { month: 1, quarter: 3 };

function periodFrom(start: DateTime, kind: PeriodKind, zone: string): Period {
  const label = kind === 'month' ? start.toFormat('yyyy-LL') : `${start.toFormat('yyyy')}-Q${start.quarter}`;
  return {
    kind,
    from: start.toMillis(),
    to: start.plus({ months: MONTHS_OF[kind] }).toMillis(),
    label,
    timeZone: zone,
  };
}

/**
 * Parses `2026-11` (a month) or `2026-Q4` (a quarter, `q` accepted) as a period in `zone`.
 * Throws `PeriodError` naming the problem: `format` (neither shape), `year` (before 1970),
 * `month` (not 01–12), `quarter` (not Q1–Q4), `zone` (not an IANA zone).
 */
export function parsePeriod(text: string, zone: string): Period {
  zoneOrThrow(zone);
  const m = /^(\d{4})-(?:(\d{2})|[Qq](\d))$/.exec(text.trim());
  if (!m) {
    throw new PeriodError(
      'format',
      `period must be a month like 2026-11 or a quarter like 2026-Q4 (got ${JSON.stringify(text)})`,
    );
  }
  const year = Number(m[1]);
  if (year < 1970) throw new PeriodError('year', `period year must be 1970 or later (got ${year})`);
  if (m[2] !== undefined) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw new PeriodError('month', `period month must be 01–12 (got ${m[2]})`);
    return periodFrom(DateTime.fromObject({ year, month, day: 1 }, { zone }), 'month', zone);
  }
  const quarter = Number(m[3]);
  if (quarter < 1 || quarter > 4) throw new PeriodError('quarter', `period quarter must be Q1–Q4 (got Q${m[3]})`);
  return periodFrom(DateTime.fromObject({ year, month: quarter * 3 - 2, day: 1 }, { zone }), 'quarter', zone);
}

/** The month or quarter in `zone` that contains `now` (epoch ms). Throws `PeriodError` (`zone`). */
export function periodContaining(now: number, kind: PeriodKind, zone: string): Period {
  zoneOrThrow(zone);
  return periodFrom(DateTime.fromMillis(now, { zone }).startOf(kind), kind, zone);
}

/** The calendar budget window: the month in `zone` containing `now`. Throws `PeriodError` (`zone`). */
export const calendarMonth = (now: number, zone: string): Period => periodContaining(now, 'month', zone);

/** Where a period stands at an instant (see `periodState`). */
export type PeriodState = 'future' | 'provisional' | 'closable';

/**
 * `future` before the period starts; `provisional` until `graceMs` after it ends;
 * `closable` from then on (the closer may snapshot it).
 */
export function periodState(period: { from: number; to: number }, now: number, graceMs: number): PeriodState {
  if (now < period.from) return 'future';
  if (now < period.to + graceMs) return 'provisional';
  return 'closable';
}

/** The rolling budget window: the `days` days (of 24 h) ending at `now`, `[now − days × 24 h, now)`. */
export const rollingWindow = (now: number, days: number): Interval => [now - days * 86_400_000, now];

/** One local calendar day of a daily series: `date` is `YYYY-MM-DD` in the zone. */
export type LocalDay = { date: string; from: number; to: number };

/**
 * The local days of `zone` that overlap `range = [from, to)` (epoch ms), ascending, each cut
 * to the range (so the first and last may be partial). A whole day runs local midnight to
 * local midnight: 23 h or 25 h on DST change days. Throws `PeriodError` (`zone`).
 */
export function localDays(range: Interval, zone: string): LocalDay[] {
  zoneOrThrow(zone);
  const out: LocalDay[] = [];
  let day = DateTime.fromMillis(range[0], { zone }).startOf('day');
  while (day.toMillis() < range[1]) {
    const next = day.plus({ days: 1 });
    out.push({
      date: day.toISODate() as string,
      from: Math.max(day.toMillis(), range[0]),
      to: Math.min(next.toMillis(), range[1]),
    });
    day = next;
  }
  return out;
}
