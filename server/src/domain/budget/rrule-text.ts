/**
 * Validation of a maintenance window's recurrence rule: one RFC 5545 RRULE value (an optional
 * `RRULE:` prefix allowed) without DTSTART or TZID, since the window's `start` and `timeZone`
 * stand for them. rrule's own parser accepts too much (an unknown FREQ parses as no FREQ, a
 * DTSTART inside the rule is taken), so the parts are checked here first.
 */
import { RRule } from './rrule-lib.js';

// MINUTELY and SECONDLY are refused: rrule walks every occurrence from the start on each query,
// so a minutely rule running for a year would cost half a million steps per expansion.
const FREQS = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY'];
const WEEKDAY = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;
const NUMBERS = /^[+-]?\d{1,3}(,[+-]?\d{1,3})*$/;
const PART_CHECKS: Record<string, (v: string) => string | null> = {
  FREQ: (v) => (FREQS.includes(v) ? null : `FREQ must be one of ${FREQS.join(', ')} (got ${v})`),
  UNTIL: (v) => (/^\d{8}(T\d{6}Z?)?$/.test(v) ? null : `UNTIL must look like 20261231T235959Z (got ${v})`),
  COUNT: (v) => (/^[1-9]\d{0,5}$/.test(v) ? null : `COUNT must be a positive integer (got ${v})`),
  INTERVAL: (v) => (/^[1-9]\d{0,5}$/.test(v) ? null : `INTERVAL must be a positive integer (got ${v})`),
  BYDAY: (v) =>
    v.split(',').every((d) => WEEKDAY.test(d)) ? null : `BYDAY must list days like MO,TU or -1SU (got ${v})`,
  WKST: (v) => (/^(MO|TU|WE|TH|FR|SA|SU)$/.test(v) ? null : `WKST must be a weekday like MO (got ${v})`),
};
/**
 * Value ranges of the BY* parts (RFC 5545 §3.3.10): [min, max, signed]. A signed part counts
 * from the end with negative values and has no 0. Checked before rrule sees the rule: rrule
 * searches forever for an hour 25 that never comes (an HOURLY rule with BYHOUR=25 hangs it).
 */
const BY_RANGES: Record<string, [min: number, max: number, signed: boolean]> = {
  BYSECOND: [0, 60, false],
  BYMINUTE: [0, 59, false],
  BYHOUR: [0, 23, false],
  BYMONTHDAY: [1, 31, true],
  BYYEARDAY: [1, 366, true],
  BYWEEKNO: [1, 53, true],
  BYMONTH: [1, 12, false],
  BYSETPOS: [1, 366, true],
};
for (const [k, [min, max, signed]] of Object.entries(BY_RANGES)) {
  const range = signed ? `${min}..${max} or -${max}..-${min}` : `${min}..${max}`;
  PART_CHECKS[k] = (v) => {
    if (!NUMBERS.test(v)) return `${k} must be a comma-separated list of integers (got ${v})`;
    const ok = v.split(',').every((n) => {
      const x = Number(n);
      const size = signed ? Math.abs(x) : x;
      return (signed || !n.startsWith('-')) && size >= min && size <= max;
    });
    return ok ? null : `${k} values must be in ${range} (got ${v})`;
  };
}
const WEEKDAY_CHECK = PART_CHECKS.BYDAY as (v: string) => string | null;
PART_CHECKS.BYDAY = (v) => {
  const problem = WEEKDAY_CHECK(v);
  if (problem) return problem;
  const ordinalsOk = v.split(',').every((d) => {
    const n = WEEKDAY.exec(d)?.[1];
    return n === undefined || (Math.abs(Number(n)) >= 1 && Math.abs(Number(n)) <= 53);
  });
  return ordinalsOk ? null : `BYDAY ordinals must be 1..53 or -53..-1 (got ${v})`;
};

/** Longest month length per month (February 29 in leap years). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A BYMONTH/BYMONTHDAY pair that no date has (Feb 30, Apr 31): rrule would search for it without end. */
function impossibleDate(parts: Map<string, string>): string | null {
  const months = parts.get('BYMONTH')?.split(',').map(Number);
  const days = parts.get('BYMONTHDAY')?.split(',').map(Number);
  if (!months || !days) return null;
  const fits = months.some((m) => days.some((d) => Math.abs(d) <= (MONTH_DAYS[m - 1] as number)));
  return fits
    ? null
    : `rrule BYMONTH=${parts.get('BYMONTH')} has no day ${parts.get('BYMONTHDAY')}: the window would never occur`;
}

/** The rule without an `RRULE:` prefix, upper-cased and trimmed. */
export const normalizeRrule = (text: string): string =>
  text
    .trim()
    .replace(/^RRULE:/i, '')
    .toUpperCase();

/**
 * Null when `text` is a usable recurrence rule, else a message naming the problem (for a 400
 * on the `rrule` field): not one line, a DTSTART or TZID given, a part not `NAME=VALUE`, an
 * unknown or repeated part, FREQ missing or unsupported (MINUTELY and SECONDLY are refused: a
 * window repeats at most hourly), a malformed value or one outside its RFC 5545 range, a month
 * without the day asked for, COUNT with UNTIL, a rule rrule cannot expand, or — given
 * `startFloating` (the window start's wall-clock time read as UTC, epoch ms) — one that never
 * occurs from there.
 */
export function validateRrule(text: string, startFloating?: number): string | null {
  if (/[\r\n]/.test(text.trim())) return 'rrule must be a single RRULE line (no DTSTART, RDATE or EXDATE lines)';
  const rule = normalizeRrule(text);
  if (rule === '') return 'rrule must not be empty (e.g. FREQ=WEEKLY;BYDAY=SU)';
  if (/DTSTART/.test(rule)) return "rrule must not contain DTSTART: the window's start is where it repeats from";
  if (/TZID/.test(rule)) return "rrule must not contain TZID: the window's timeZone applies";
  const seen = new Map<string, string>();
  for (const part of rule.split(';')) {
    const m = /^([A-Z]+)=(.+)$/.exec(part);
    if (!m) return `rrule part ${JSON.stringify(part)} is not NAME=VALUE`;
    const [, name, value] = m as unknown as [string, string, string];
    const check = PART_CHECKS[name];
    if (!check) return `rrule part ${name} is not supported`;
    if (seen.has(name)) return `rrule part ${name} is given twice`;
    seen.set(name, value);
    const problem = check(value);
    if (problem) return `rrule ${problem}`;
  }
  if (!seen.has('FREQ')) return 'rrule must have FREQ (e.g. FREQ=WEEKLY;BYDAY=SU)';
  if (seen.has('COUNT') && seen.has('UNTIL')) return 'rrule must not have both COUNT and UNTIL';
  // An HOURLY rule is walked hour by hour: a year-day, week-number or set-position filter that
  // rarely or never matches would keep rrule searching for millions of hours.
  const hourlyFilter = ['BYYEARDAY', 'BYWEEKNO', 'BYSETPOS'].find((k) => seen.has(k));
  if (seen.get('FREQ') === 'HOURLY' && hourlyFilter)
    return `rrule FREQ=HOURLY cannot be combined with ${hourlyFilter}; use FREQ=DAILY with BYHOUR`;
  const impossible = impossibleDate(seen);
  if (impossible) return impossible;
  // Wall-clock time of the window's start read as UTC (see windows.ts), or the epoch.
  const from = new Date(startFloating ?? 0);
  try {
    const first = new RRule({ ...RRule.parseString(rule), dtstart: from }).after(from, true);
    if (startFloating !== undefined && first === null)
      return "rrule never occurs from the window's start (its UNTIL is before start, or no date matches)";
  } catch (e) {
    return `rrule cannot be expanded: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}
