import { DateTime } from 'luxon';
import rruleModule, { type RRule } from 'rrule';

// rrule ships CommonJS to Node (its ESM build is for bundlers): its functions hang off the default export.
const { rrulestr } = rruleModule;

/** RRULE frequencies a window may repeat at: a window every minute would be a different setting. */
const FREQUENCIES = new Set(['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY']);
const PARTS = new Set([
  'FREQ',
  'UNTIL',
  'COUNT',
  'INTERVAL',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
]);

/**
 * Why `rrule` (RFC 5545 RRULE value, with or without the `RRULE:` prefix, no DTSTART) is not
 * a rule a window may repeat by, or null when it is. Stricter than the `rrule` parser, which
 * reads `BYDAY=MO` without FREQ as yearly and `COUNT=x` as no count.
 */
export function rruleProblem(rrule: string): string | null {
  const body = rrule.trim().replace(/^RRULE:/i, '');
  if (!body) return 'empty; expected e.g. FREQ=WEEKLY;BYDAY=SA';
  if (/DTSTART|\n/i.test(body)) return 'give the rule alone (no DTSTART: the window starts at `start`)';
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const [key, value, ...more] = part.split('=');
    const k = (key ?? '').trim().toUpperCase();
    if (!PARTS.has(k) || !value || more.length > 0) return `${JSON.stringify(part)} is not an RRULE part`;
    if (parts.has(k)) return `${k} given twice`;
    parts.set(k, value.trim().toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (!freq) return 'FREQ is missing (e.g. FREQ=WEEKLY)';
  if (!FREQUENCIES.has(freq)) return `FREQ must be one of ${[...FREQUENCIES].join(', ')}`;
  for (const k of ['COUNT', 'INTERVAL'])
    if (parts.has(k) && !/^[1-9]\d{0,5}$/.test(parts.get(k) ?? '')) return `${k} must be a whole number ≥ 1`;
  try {
    ruleFor(body, Date.UTC(2026, 0, 1), 'UTC');
  } catch (err) {
    return `does not parse (${(err as Error).message})`;
  }
  return null;
}

/**
 * The rule with DTSTART = `start` as wall-clock time in `zone`. rrule computes in "floating"
 * time (UTC fields standing for local ones), so every occurrence keeps the local hour across
 * DST changes; `toInstant` turns an occurrence back into a real instant in `zone`.
 */
function ruleFor(rrule: string, start: number, zone: string): RRule {
  const local = DateTime.fromMillis(start, { zone });
  const floating = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const rule = rrulestr(`RRULE:${rrule.trim().replace(/^RRULE:/i, '')}`, { dtstart: new Date(floating) });
  if (Number.isNaN(rule.options.freq)) throw new Error('no frequency');
  return rule as RRule;
}

const toInstant = (floating: Date, zone: string): number =>
  DateTime.fromObject(
    {
      year: floating.getUTCFullYear(),
      month: floating.getUTCMonth() + 1,
      day: floating.getUTCDate(),
      hour: floating.getUTCHours(),
      minute: floating.getUTCMinutes(),
      second: floating.getUTCSeconds(),
    },
    { zone },
  ).toMillis();

/** What expansion reads of a window (epoch ms). */
export type Recurring = { start: number; end: number; rrule: string | null; timeZone: string; until: number | null };

/**
 * The occurrences `[start, end)` of a window that overlap `[from, to)`, ascending. A one-off
 * window is its own single occurrence; a recurring one repeats `end − start` long from each
 * RRULE instant (local time in `timeZone`), none starting after `until`. At most `max`.
 */
export function occurrencesOf(w: Recurring, from: number, to: number, max = 10_000): [number, number][] {
  const length = w.end - w.start;
  if (!w.rrule) return w.end > from && w.start < to ? [[w.start, w.end]] : [];
  const rule = ruleFor(w.rrule, w.start, w.timeZone);
  const out: [number, number][] = [];
  const lastStart = Math.min(to, w.until ?? Number.POSITIVE_INFINITY);
  // Floating times differ from instants by at most a day's offset: widen, then filter exactly.
  const pad = 2 * 86_400_000;
  rule.between(new Date(from - length - pad), new Date(lastStart + pad), true, (d) => {
    const s = toInstant(d, w.timeZone);
    if (s + length > from && s < to && s <= lastStart) out.push([s, s + length]);
    return out.length < max && s < lastStart + pad;
  });
  return out;
}

/** The end of the window's last occurrence, or null when it repeats without end. */
export function lastEnd(w: Recurring): number | null {
  if (!w.rrule) return w.end;
  const rule = ruleFor(w.rrule, w.start, w.timeZone);
  const bounded = rule.options.count !== null || rule.options.until !== null;
  if (!bounded && w.until === null) return null;
  const limit = w.until ?? Number.POSITIVE_INFINITY;
  let last: number | null = null;
  rule.all((d, i) => {
    const s = toInstant(d, w.timeZone);
    if (s > limit || i >= 100_000) return false;
    last = s;
    return true;
  });
  return last === null ? w.start : (last as number) + (w.end - w.start);
}
